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
// `when` is a list of conditions in the condition language of package
// cond. The templates render in a tmpl.Vars, whose documentation lists the
// names (body.*, query.*, header.*, path.*, baseURL, auth.user, index,
// element.*, current; from the store, see StoreKey: record.*, key, found,
// count and answer.*) and the calls (now, id, seq, random, randomInt,
// uuid, isoDate).
//
// It may import: internal/cond, internal/tmpl.
package live

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/chatmock/chatmock/internal/cond"
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
	When    []cond.Cond
	Example string
	Status  int    // 0: the example's own
	Base    string // "request" or "record" (record.answer): where the body starts instead of the example's value
	Set     []tmpl.SetAt
	Headers map[string]*tmpl.Template
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
	for i, w := range r.When {
		c, err := cond.Compile(w)
		if err != nil {
			return nil, fmt.Errorf("when/%d: %v", i, err)
		}
		e.When = append(e.When, c)
	}
	set, bad, err := tmpl.CompileSet(r.Set)
	if err != nil {
		return nil, fmt.Errorf("set %s: %v", bad, err)
	}
	e.Set = set
	for k, v := range r.Headers {
		t, err := tmpl.Compile(v)
		if err != nil {
			return nil, fmt.Errorf("headers %s: %v", k, err)
		}
		e.Headers[k] = t
	}
	return e, nil
}

// Choose returns the first entry whose conditions the request meets;
// templated operands render in s.
func (p *Plan) Choose(req cond.Request, s tmpl.Scope) *Entry {
	for _, e := range p.Entries {
		if cond.All(e.When, req, s) {
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
