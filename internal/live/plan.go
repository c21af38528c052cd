// Package live turns an operation's documented success examples into live
// answers, as its x-chatmock-response extension declares: which example
// answers which request, and which values are generated (IDs in the API's
// format, timestamps) or echoed from the request.
//
//	x-chatmock-response:
//	  - when: {body: Type, equals: Community}      # first entry whose conditions hold
//	    example: community
//	    set:
//	      GroupId: "{{body.GroupId ?? random('@TGS#_@TGS#', 12)}}"
//	  - example: success
//	    set:
//	      GroupId: "{{random('@TGS#2', 8)}}"
//	    headers:
//	      Location: "{{baseURL}}/groups/{{id()}}"
//	  - base: request                              # start from the request's own body
//	    example: created
//	    set:
//	      members.#.id: "{{seq('member')}}"        # '#': every element of the array
//
// Names in templates: body.<gjson path>, query.<name>, header.<Name>,
// path.<name>, baseURL, auth.user, index and element.<path> (the array
// index '#' took and the element there),
// current (the value at the path being set), and from the store (see
// StoreKey) record.<gjson path>, key, found, count and answer.<gjson path>. Calls take names or constants: now(layout?)
// (a Go time layout; RFC 3339 with milliseconds by default),
// id(name?) (one value per answer), seq(name?) (a new value each call),
// random(prefix, n, alphabet?), randomInt(min, max), uuid(name?) (from the
// name, so it is stable; random without one), isoDate(value) (a
// .NET /Date(ms+hhmm)/ as ISO 8601; ISO 8601 as it is).
//
// It may import: internal/record, internal/tmpl.
package live

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/chatmock/chatmock/internal/tmpl"
)

// Key is the operation extension holding the plan.
const Key = "x-chatmock-response"

// Plan is an operation's compiled x-chatmock-response.
type Plan struct {
	Entries []*Entry
}

// Entry is one way to answer.
type Entry struct {
	When    []Cond
	Example string
	Status  int    // 0: the example's own
	Base    string // "request" or "record" (record.answer): where the body starts instead of the example's value
	Set     []Setter
	Headers map[string]*tmpl.Template
}

// Setter sets one dotted path of the answer.
type Setter struct {
	Path string
	T    *tmpl.Template
}

// Cond is one condition on the request.
type Cond struct {
	Source string // body, query or header
	Path   string
	Exists *bool
	Equals any
	In     []any
}

type rawEntry struct {
	When    []map[string]any `json:"when"`
	Example string           `json:"example"`
	Status  int              `json:"status"`
	Base    string           `json:"base"`
	Set     map[string]any   `json:"set"`
	Headers map[string]any   `json:"headers"`
}

// Parse compiles the plan found under Key in an operation; nil, nil when
// there is none. Errors name a JSON pointer below ptr.
func Parse(op map[string]any, ptr string) (*Plan, error) {
	v, ok := op[Key]
	if !ok {
		return nil, nil
	}
	ptr += "/" + Key
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", ptr, err)
	}
	var raws []rawEntry
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(&raws); err != nil {
		return nil, fmt.Errorf("%s: %v", ptr, err)
	}
	p := &Plan{}
	for i, r := range raws {
		e, err := compileEntry(r)
		if err != nil {
			return nil, fmt.Errorf("%s/%d: %v", ptr, i, err)
		}
		p.Entries = append(p.Entries, e)
	}
	return p, nil
}

func compileEntry(r rawEntry) (*Entry, error) {
	e := &Entry{Example: r.Example, Status: r.Status, Headers: map[string]*tmpl.Template{}}
	switch r.Base {
	case "", "example":
	case "request", "record":
		e.Base = r.Base
	default:
		return nil, fmt.Errorf("base: want example, request or record, got %q", r.Base)
	}
	if e.Example == "" && e.Base == "" {
		return nil, fmt.Errorf("an entry names an example (or base: request)")
	}
	for _, w := range r.When {
		c, err := compileCond(w)
		if err != nil {
			return nil, fmt.Errorf("when: %v", err)
		}
		e.When = append(e.When, c)
	}
	paths := make([]string, 0, len(r.Set))
	for k := range r.Set {
		paths = append(paths, k)
	}
	slices.Sort(paths) // a fixed order, so seeded values repeat
	for _, k := range paths {
		t, err := tmpl.Compile(r.Set[k])
		if err != nil {
			return nil, fmt.Errorf("set %s: %v", k, err)
		}
		e.Set = append(e.Set, Setter{Path: k, T: t})
	}
	for k, v := range r.Headers {
		t, err := tmpl.Compile(v)
		if err != nil {
			return nil, fmt.Errorf("headers %s: %v", k, err)
		}
		e.Headers[k] = t
	}
	return e, nil
}

func compileCond(w map[string]any) (Cond, error) {
	var c Cond
	for _, src := range []string{"body", "query", "header"} {
		if p, ok := w[src].(string); ok {
			c.Source, c.Path = src, p
		}
	}
	if c.Source == "" {
		return c, fmt.Errorf("a condition names body, query or header")
	}
	for k, v := range w {
		switch k {
		case "body", "query", "header":
		case "exists":
			b, ok := v.(bool)
			if !ok {
				return c, fmt.Errorf("exists: want true or false")
			}
			c.Exists = &b
		case "equals":
			c.Equals = v
		case "in":
			list, ok := v.([]any)
			if !ok {
				return c, fmt.Errorf("in: want a list")
			}
			c.In = list
		default:
			return c, fmt.Errorf("unknown key %q (want body|query|header with exists, equals or in)", k)
		}
	}
	return c, nil
}

// Request is what conditions and templates read of a request.
type Request interface {
	// Get returns a value of the request: a body path, a query parameter
	// or a header.
	Get(source, path string) (any, bool)
}

// Choose returns the first entry whose conditions the request meets.
func (p *Plan) Choose(req Request) *Entry {
	for _, e := range p.Entries {
		if e.holds(req) {
			return e
		}
	}
	return nil
}

// ForExample returns the first entry that answers with the named example.
func (p *Plan) ForExample(name string) *Entry {
	for _, e := range p.Entries {
		if e.Example == name {
			return e
		}
	}
	return nil
}

func (e *Entry) holds(req Request) bool {
	for _, c := range e.When {
		v, ok := req.Get(c.Source, c.Path)
		if c.Exists != nil && ok != *c.Exists {
			return false
		}
		if c.Equals != nil && (!ok || !equal(v, c.Equals)) {
			return false
		}
		if c.In != nil && (!ok || !slices.ContainsFunc(c.In, func(w any) bool { return equal(v, w) })) {
			return false
		}
	}
	return true
}

func equal(a, b any) bool {
	return tmpl.Text(a) == tmpl.Text(b)
}
