package mockserver

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/chatmock/chatmock/internal/envelope"
	"github.com/chatmock/chatmock/internal/live"
	"github.com/chatmock/chatmock/internal/tmpl"
	"github.com/chatmock/chatmock/spec"
)

// respond answers a valid request: what Prefer asks for (code=N,
// example=NAME, dynamic=true), else the live plan's first matching entry,
// else the first documented success example.
func (rt *route) respond(ex *exchange) *answer {
	dynamic := strings.EqualFold(ex.prefer["dynamic"], "true")
	if name := ex.prefer["example"]; name != "" {
		found := rt.op.FindExample(name)
		if found == nil {
			return rt.preferError(ex, fmt.Sprintf("no example is named %q", name), "validExamples", rt.op.ExampleNames())
		}
		var entry *live.Entry
		if rt.op.Live != nil && !rt.readsStore() {
			entry = rt.op.Live.ForExample(name) // a read has no record to make the example live from
		}
		return rt.answerWith(ex, found.Status, name, entry, false)
	}
	if code := ex.prefer["code"]; code != "" {
		status, ok := rt.statusFor(code)
		if !ok {
			return rt.preferError(ex, fmt.Sprintf("no response has the status %s", code), "validCodes", rt.op.Statuses())
		}
		if status != rt.success {
			return rt.answerWith(ex, status, "", nil, dynamic)
		}
	}
	return rt.stateful(ex, dynamic)
}

// documented renders the answer of a valid request that no rule refused:
// the live plan's first matching entry, else the first success example.
func (rt *route) documented(ex *exchange, dynamic bool, la *tmpl.Vars) (*rendered, error) {
	if rt.op.Live != nil {
		if entry := rt.op.Live.Choose(&ex.req, la); entry != nil {
			return rt.render(ex, rt.statusOf(entry), entry.Example, entry, dynamic, la)
		}
	}
	if rt.success == "" {
		return &rendered{status: http.StatusNoContent, headers: map[string]string{}}, nil
	}
	return rt.render(ex, rt.success, "", nil, dynamic, la)
}

// readsStore tells whether the operation's answers are made from records.
func (rt *route) readsStore() bool {
	return rt.op.Store != nil && (rt.op.Store.Read != nil || rt.op.Store.List != nil)
}

// statusOf is the status an entry of the live plan answers with.
func (rt *route) statusOf(e *live.Entry) string {
	if st, ok := rt.entryStatus[e]; ok {
		return st
	}
	return rt.findStatus(e)
}

// findStatus is statusOf worked out: the entry's status, its example's,
// else the success status.
func (rt *route) findStatus(e *live.Entry) string {
	if e.Status != 0 {
		return strconv.Itoa(e.Status)
	}
	if e.Example != "" {
		if found := rt.op.FindExample(e.Example); found != nil {
			return found.Status
		}
	}
	return rt.success
}

// statusFor finds the documented status a Prefer code names: exactly, or
// by its class ("4XX").
func (rt *route) statusFor(code string) (string, bool) {
	if _, ok := rt.op.Responses[code]; ok {
		return code, true
	}
	if len(code) == 3 {
		class := code[:1] + "XX"
		if _, ok := rt.op.Responses[class]; ok {
			return class, true
		}
	}
	return "", false
}

// rendered is an answer before it is encoded.
type rendered struct {
	status  int
	media   *spec.Media // nil: no body
	value   any
	json    []byte // value already encoded (tmpl.EncodeJSON), when it was
	headers map[string]string
}

// answerWith renders and encodes a documented response.
func (rt *route) answerWith(ex *exchange, status, example string, entry *live.Entry, dynamic bool) *answer {
	r, err := rt.render(ex, status, example, entry, dynamic, rt.templateVars(ex))
	if err != nil {
		return internalError(err)
	}
	return r.encode()
}

// templateVars is the scope an answer's templates are rendered in.
func (rt *route) templateVars(ex *exchange) *tmpl.Vars {
	return &tmpl.Vars{Gen: rt.s.gen, Request: &ex.req, BaseURL: baseURL(ex.r), User: ex.user,
		Counter: rt.op.Doc.API + "." + rt.op.ID}
}

// render builds a documented response: its media type negotiated, its body
// the named example (or the first), made live by entry, or generated from
// the schema when dynamic.
func (rt *route) render(ex *exchange, status, example string, entry *live.Entry, dynamic bool, la *tmpl.Vars) (*rendered, error) {
	media := rt.pick(ex, status, example)
	var value any
	var err error
	switch {
	case media == nil:
	case dynamic:
		value, err = rt.generate(media)
	case entry != nil && entry.Base == "request":
		value = ex.req.Body
	case entry != nil && entry.Base == "record":
		value, _ = la.Lookup("record.answer")
	default:
		value, err = rt.exampleValue(media, status, example)
	}
	if err != nil {
		return nil, err
	}
	headers := map[string]string{}
	if entry != nil {
		if value, headers, err = entry.Apply(value, la); err != nil {
			return nil, err
		}
	}
	rt.addDocumentedHeaders(spec.StatusCode(status), headers)
	return &rendered{status: spec.StatusCode(status), media: media, value: value, headers: headers}, nil
}

func (r *rendered) encode() *answer {
	if r.media == nil {
		return &answer{status: r.status, headers: r.headers}
	}
	var ans *answer
	var err error
	if r.json != nil && r.media.Kind == spec.KindJSON {
		ans = &answer{status: r.status, mediaType: r.media.Type, headers: map[string]string{}, body: r.json}
	} else if ans, err = encode(r.media, r.status, r.value); err != nil {
		return internalError(err)
	}
	for k, v := range r.headers {
		ans.headers[k] = v
	}
	return ans
}

// pick negotiates the media type of a status's response; a named example
// that only one media type has decides it.
func (rt *route) pick(ex *exchange, status, example string) *spec.Media {
	list := rt.op.Responses[status]
	if len(list) == 0 {
		return nil
	}
	chosen := list[0]
	if mt, ok := negotiate(ex.accept, rt.offers(status)); ok {
		chosen = mediaOf(list, mt)
	}
	if example != "" && exampleIn(chosen, example) == nil {
		for _, m := range list {
			if m.Kind == spec.KindOther && exampleIn(m, example) != nil {
				return m // an example only a plain-text body has (an empty 200)
			}
		}
	}
	return chosen
}

// exampleValue is the named (or first) example of the status as a value;
// an example documented in another media type of the status serves too.
func (rt *route) exampleValue(media *spec.Media, status, name string) (any, error) {
	candidates := append([]*spec.Media{media}, rt.op.Responses[status]...)
	for _, m := range candidates {
		for _, e := range m.Examples {
			if name != "" && e.Name != name || name == "" && e.Breaks != "" {
				continue // another example, or one that breaks its schema
			}
			if m.Kind != media.Kind && m.Kind == spec.KindOther {
				continue
			}
			return m.Instance(rt.op.Doc, e)
		}
	}
	if name != "" {
		return nil, fmt.Errorf("the example %q has no value for %s", name, media.Type)
	}
	return rt.generate(media) // nothing documented: make one up from the schema
}

func (rt *route) generate(media *spec.Media) (any, error) {
	var v any
	var err error
	rt.s.gen.Rand(func(r *rand.Rand) {
		v, err = media.Generate(rt.op.Doc, r, rt.s.gen.Now)
	})
	return v, err
}

// offers lists a status's media types, JSON first: the order a client that
// accepts anything gets them in.
func (rt *route) offers(status string) []string {
	var out []string
	for _, kind := range []spec.Kind{spec.KindJSON, spec.KindXML, spec.KindForm, spec.KindMultipart, spec.KindOther} {
		for _, m := range rt.op.Responses[status] {
			if m.Kind == kind {
				out = append(out, m.Type)
			}
		}
	}
	return out
}

func (rt *route) preferError(ex *exchange, detail, key string, valid []string) *answer {
	body := envelope.Problem("prefer", http.StatusBadRequest, detail+" for operation "+rt.op.ID)
	body[key] = valid
	ans, err := encodeJSON(envelope.ProblemMediaType, http.StatusBadRequest, body)
	if err != nil {
		return internalError(err)
	}
	return ans
}

// examples finds the examples an error case names: the operation's first,
// then the document's.
func (rt *route) examples() envelope.Examples { return rt.op.Examples }

func exampleIn(m *spec.Media, name string) *spec.Example {
	i := slices.IndexFunc(m.Examples, func(e *spec.Example) bool { return e.Name == name })
	if i < 0 {
		return nil
	}
	return m.Examples[i]
}

func mediaOf(list []*spec.Media, mt string) *spec.Media {
	for _, m := range list {
		if m.Type == mt {
			return m
		}
	}
	return list[0]
}

// baseURL is the scheme and host the request was sent to, as links in
// answers use them.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "http" || p == "https" {
		scheme = p
	}
	return scheme + "://" + r.Host
}
