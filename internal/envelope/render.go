package envelope

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/chatmock/chatmock/internal/tmpl"
)

// Example is a documented response example, resolved once when its
// document is loaded (an externalValue read then, never per request).
type Example struct {
	Status    int
	MediaType string
	Value     any // shared: Render copies it before changing it
}

// Examples are the response examples an error case may name, by name: for
// an operation, its own, then the rest of its document's. A value handed
// to Render, not a callback into the loader.
type Examples map[string]Example

// Instance is the example named name as an answer's start: its status and
// a copy of its value, free to change.
func (x Examples) Instance(name string) (status int, body any, ok bool) {
	e, ok := x[name]
	if !ok {
		return 0, nil, false
	}
	return e.Status, tmpl.DeepCopy(e.Value), true
}

// Answer is an answer the mock renders from a declaration, a rule or a scenario, before it is encoded.
type Answer struct {
	Status    int
	MediaType string // "" lets the caller negotiate among the documented media types for Status
	Headers   map[string]string
	Body      any // a JSON value
	Case      int // the index of the case that answered, -1 for the envelope
	Failures  []Failure
	NoBody    bool // a documented error response without content: the status alone
}

// ProblemMediaType is RFC 9457's media type.
const ProblemMediaType = "application/problem+json"

// Ignores tells whether the declaration says the API does not check for f.
func (d *Declaration) Ignores(f *Failure, req *Request) bool {
	if d == nil {
		return false
	}
	c := d.match(f, req)
	return c >= 0 && d.cases[c].Ignore
}

// Render answers the failures of one request. With no declaration it is
// the operation's own documented error response for the failure's class,
// and RFC 9457 problem+json listing every failure where it documents none.
func Render(d *Declaration, failures []Failure, req *Request, ex Examples, documented Documented) (*Answer, error) {
	if len(failures) == 0 {
		return nil, fmt.Errorf("no failures to answer")
	}
	if d == nil {
		if a, ok := documented.answer(failures); ok {
			return a, nil
		}
		return problem(failures, req), nil
	}
	// The earliest case among the failures answers, with every failure it
	// matches; failures no case matches fall to the envelope.
	best, group := -1, []Failure(nil)
	for _, f := range failures {
		c := d.match(&f, req)
		if c >= 0 && d.cases[c].Ignore {
			continue
		}
		switch {
		case group == nil, c >= 0 && (best < 0 || c < best):
			best, group = c, []Failure{f}
		case c == best:
			group = append(group, f)
		}
	}
	if group == nil {
		return nil, fmt.Errorf("every failure is ignored")
	}
	scope := d.scope(group, req)
	var c *Case
	if best >= 0 {
		c = d.cases[best]
	}
	resp := &Answer{Case: best, Failures: group, Headers: map[string]string{}}
	answer := d.envelope
	switch {
	case c != nil && c.Example != "":
		// The example's media type is not kept: the answer is negotiated
		// among the status's media types like any other.
		status, body, ok := ex.Instance(c.Example)
		if !ok {
			return nil, fmt.Errorf("case %d names the example %q, which is not documented", best, c.Example)
		}
		resp.Status, resp.Body = status, body
		answer = nil
	case c != nil && c.Template != nil:
		answer = c.Template
	}
	if answer != nil {
		body, err := answer.Body.Render(scope)
		if err != nil {
			return nil, err
		}
		resp.Status, resp.MediaType, resp.Body = answer.Status, answer.ContentType, body
		for k, t := range answer.Headers {
			if resp.Headers[k], err = t.RenderString(scope); err != nil {
				return nil, err
			}
		}
	}
	if c != nil {
		if err := resp.Apply(c.Status, c.Set, scope); err != nil {
			return nil, err
		}
	}
	return resp, nil
}

// match returns the index of the first case that f meets, or -1.
func (d *Declaration) match(f *Failure, req *Request) int {
	for i, c := range d.cases {
		if c.matches(f, req) {
			return i
		}
	}
	return -1
}

func (c *Case) matches(f *Failure, req *Request) bool {
	found := false
	for _, cl := range c.Failure {
		found = found || cl == f.Class
	}
	if !found {
		return false
	}
	if c.In != "" && c.In != f.In || c.Name != "" && c.Name != f.Name {
		return false
	}
	if c.PathPrefix != "" && !strings.HasPrefix(req.Path, c.PathPrefix) {
		return false
	}
	if len(c.Keyword) > 0 {
		hit := false
		for _, k := range c.Keyword {
			hit = hit || k == f.Keyword
		}
		if !hit {
			return false
		}
	}
	return c.Pointer == "" || pointerMatch(c.Pointer, f.Pointer)
}

// pointerMatch matches a pointer against a pattern whose "*" tokens match
// any one token and whose trailing "**" matches the rest.
func pointerMatch(pattern, ptr string) bool {
	pt := strings.Split(pattern, "/")
	it := strings.Split(ptr, "/")
	for i, p := range pt {
		if p == "**" && i == len(pt)-1 {
			return len(it) >= i
		}
		if i >= len(it) || (p != "*" && p != it[i]) {
			return false
		}
	}
	return len(pt) == len(it)
}

func (d *Declaration) scope(group []Failure, req *Request) tmpl.Scope {
	items := make([]tmpl.Scope, len(group))
	for i := range group {
		items[i] = &failureScope{f: &group[i], req: req, texts: d.texts}
	}
	return &failureScope{f: &group[0], req: req, texts: d.texts, items: items}
}

// problem is the RFC 9457 answer for an API that declares no envelope.
func problem(failures []Failure, req *Request) *Answer {
	status := problemStatus(failures[0].Class)
	errs := make([]any, 0, len(failures))
	for _, f := range failures {
		e := map[string]any{"detail": f.Detail}
		switch {
		case f.Class == Schema:
			e["pointer"] = "#" + f.Pointer
		case f.Name != "":
			e["parameter"] = f.Name
			e["in"] = f.In
		}
		if f.Keyword != "" {
			e["keyword"] = f.Keyword
		}
		errs = append(errs, e)
	}
	body := Problem(string(failures[0].Class), status, fmt.Sprintf("%s %s: %d problem(s) with the request", req.Method, req.Path, len(failures)))
	body["errors"] = errs
	return &Answer{Status: status, MediaType: ProblemMediaType, Body: body, Case: -1, Failures: failures, Headers: map[string]string{}}
}

func problemStatus(c Class) int {
	switch c {
	case RouteNotFound, ResourceNotFound:
		return http.StatusNotFound
	case ResourceConflict:
		return http.StatusConflict
	case MethodNotAllowed:
		return http.StatusMethodNotAllowed
	case BodyTooLarge:
		return http.StatusRequestEntityTooLarge
	case Security:
		return http.StatusUnauthorized
	case MediaMissing, MediaUnsupported:
		return http.StatusUnsupportedMediaType
	case NotAcceptable:
		return http.StatusNotAcceptable
	case Schema, Parameter:
		return http.StatusUnprocessableEntity
	}
	return http.StatusBadRequest
}

// Claims tells whether a case of the declaration answers f: for a path no
// operation has, whether this API owns it (a route.not-found case whose
// pathPrefix matches).
func (d *Declaration) Claims(f *Failure, req *Request) bool {
	if d == nil {
		return false
	}
	c := d.match(f, req)
	return c >= 0 && !d.cases[c].Ignore
}
