package envelope

import (
	"strconv"

	"github.com/chatmock/chatmock/internal/tmpl"
)

// Documented are an operation's own error responses, by status as the
// document writes it ("400", "4XX", "default"), resolved at load: how an
// API without x-chatmock-errors answers a request it refuses.
type Documented map[string]DocumentedAnswer

// DocumentedAnswer is one documented error response: its media type, a
// body (its example, or one generated from its schema) and the dotted path
// of the field that carries a message, if its schema has one.
type DocumentedAnswer struct {
	MediaType string
	Value     any // shared: copied before it is changed
	Message   string
	NoBody    bool // the response documents no content
}

// Fitting are the statuses that answer a failure of each class by their
// meaning, best first (400 or 422 for a schema failure, 401 or 403 for
// credentials); after them a class ("4XX") and then default answer.
func Fitting(c Class) []int {
	switch c {
	case Security:
		return []int{401, 403}
	case MediaMissing, MediaUnsupported:
		return []int{415, 400}
	case NotAcceptable:
		return []int{406}
	case BodyTooLarge:
		return []int{413, 400}
	case RouteNotFound:
		return []int{404}
	case ResourceNotFound:
		return []int{404, 410}
	case ResourceConflict:
		return []int{409, 400, 422}
	case MethodNotAllowed:
		return []int{405}
	case Schema, Parameter, BodyMissing, BodyMalformed:
		return []int{400, 422}
	}
	return []int{400}
}

// nearest is the documented 4xx status that best stands in for a class
// the operation documents no answer for: the lowest one, an authentication
// status (401, 403) last unless the failure is one.
func (d Documented) nearest(c Class) (int, string) {
	best, bestKey := 0, ""
	rank := func(s int) int {
		if (s == 401 || s == 403) != (c == Security) {
			return s + 1000
		}
		return s
	}
	for k := range d {
		s, err := strconv.Atoi(k)
		if err != nil || s < 400 || s > 499 {
			continue
		}
		if best == 0 || rank(s) < rank(best) {
			best, bestKey = s, k
		}
	}
	return best, bestKey
}

// answer is the documented response for the first failure's class (or,
// when it documents none for the class, its nearest 4xx), with its message
// field saying what failed; false when the operation documents no 4xx.
func (d Documented) answer(failures []Failure) (*Answer, bool) {
	f := failures[0]
	status, key := 0, ""
	for _, s := range Fitting(f.Class) {
		if _, ok := d[strconv.Itoa(s)]; ok {
			status, key = s, strconv.Itoa(s)
			break
		}
	}
	if key == "" {
		first := Fitting(f.Class)[0]
		for _, k := range []string{strconv.Itoa(first/100) + "XX", "default"} {
			if _, ok := d[k]; ok {
				status, key = problemStatus(f.Class), k
				break
			}
		}
	}
	if key == "" {
		status, key = d.nearest(f.Class)
		if f.Class == ResourceNotFound && (status == 401 || status == 403) {
			// an item that is not there is never a credentials error: the
			// documented body, with the status that says what happened
			status = problemStatus(f.Class)
		}
	}
	if key == "" {
		return nil, false
	}
	doc := d[key]
	body := tmpl.DeepCopy(doc.Value)
	if doc.Message != "" {
		body, _ = tmpl.SetPath(body, doc.Message, func(any, []tmpl.Element) (any, error) { return f.Detail, nil })
	}
	return &Answer{Status: status, MediaType: doc.MediaType, Body: body, NoBody: doc.NoBody, Case: -1, Failures: failures, Headers: map[string]string{}}, true
}
