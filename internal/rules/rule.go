package rules

import (
	"fmt"
	"strings"

	"github.com/chatmock/chatmock/internal/cond"
	"github.com/chatmock/chatmock/internal/envelope"
	"github.com/chatmock/chatmock/internal/store"
	"github.com/chatmock/chatmock/internal/tmpl"
	"github.com/tidwall/gjson"
)

// Rule is one business rule: when every condition holds, the operation is
// answered with the effect instead of succeeding.
type Rule struct {
	Name      string
	Operation string
	Where     string // file: line, for messages
	when      []condition
	Then      *Effect
}

// Effect is a rule's answer: a documented example (with overrides) or an
// inline answer.
type Effect struct {
	Example string
	Status  int
	set     []tmpl.SetAt
	answer  *inlineAnswer
}

// Static tells whether the effect's answer is the same for every request:
// a documented example, as documented.
func (e *Effect) Static() bool { return e.answer == nil && len(e.set) == 0 }

type inlineAnswer struct {
	status      int
	contentType string
	body        *tmpl.Template
}

// StoreView is what conditions read of the store.
type StoreView interface {
	Get(kind, key string) (store.Record, bool)
	Count(kind string, where func(store.Record) bool) int
}

// Env is what a rule is evaluated against: the request its conditions
// test, the store, and the scope of the templates in conditions and
// effects (the mock's: body.*, query.*, header.*, path.* and edition.*).
type Env struct {
	Request cond.Request
	Store   StoreView
	Scope   tmpl.Scope
}

// Holds tells whether every condition of the rule holds.
func (r *Rule) Holds(env *Env) bool {
	for _, c := range r.when {
		if !c.holds(env) {
			return false
		}
	}
	return true
}

// Render answers with the effect. Examples are the operation's.
func (e *Effect) Render(env *Env, ex envelope.Examples) (*envelope.Answer, error) {
	resp := &envelope.Answer{Case: -1, Headers: map[string]string{}}
	if e.answer != nil {
		body, err := e.answer.body.Render(env.Scope)
		if err != nil {
			return nil, err
		}
		resp.Status, resp.MediaType, resp.Body = e.answer.status, e.answer.contentType, body
	} else {
		status, body, ok := ex.Instance(e.Example)
		if !ok {
			return nil, fmt.Errorf("the example %q is not documented", e.Example)
		}
		resp.Status, resp.Body = status, body
	}
	if err := resp.Apply(e.Status, e.set, env.Scope); err != nil {
		return nil, err
	}
	return resp, nil
}

// condition is one compiled condition.
type condition interface {
	holds(env *Env) bool
}

// requestCond is a condition of the condition language (package cond).
type requestCond struct{ c cond.Cond }

func (r *requestCond) holds(env *Env) bool { return r.c.Holds(env.Request, env.Scope) }

// storeCond checks a record of the store.
type storeCond struct {
	kind           string
	key            cond.Operand
	exists         bool
	owner, creator *cond.Operand
}

func (c *storeCond) holds(env *Env) bool {
	k, ok := c.key.Get(env.Scope)
	if !ok {
		return false
	}
	rec, found := env.Store.Get(c.kind, tmpl.Text(k))
	if found != c.exists {
		return false
	}
	if c.owner != nil {
		o, ok := c.owner.Get(env.Scope)
		if !ok || rec.Owner != tmpl.Text(o) {
			return false
		}
	}
	if c.creator != nil {
		o, ok := c.creator.Get(env.Scope)
		if !ok || rec.Creator != tmpl.Text(o) {
			return false
		}
	}
	return true
}

// countCond compares how many records of a kind there are.
type countCond struct {
	kind      string
	owner     *cond.Operand
	field     string // a gjson path, made from the rule's dotted field once at load
	equals    *cond.Operand
	notEquals *cond.Operand
	cmp       []cond.Comparison
}

func (c *countCond) holds(env *Env) bool {
	for _, cmp := range c.cmp {
		if !cmp.Defined(env.Scope) {
			return false // an undefined bound (no edition chosen): no need to count
		}
	}
	var owner string
	if c.owner != nil {
		o, ok := c.owner.Get(env.Scope)
		if !ok {
			return false
		}
		owner = tmpl.Text(o)
	}
	var eq, neq string
	if c.equals != nil {
		v, _ := c.equals.Get(env.Scope)
		eq = tmpl.Text(v)
	}
	if c.notEquals != nil {
		v, _ := c.notEquals.Get(env.Scope)
		neq = tmpl.Text(v)
	}
	n := env.Store.Count(c.kind, func(r store.Record) bool {
		if c.owner != nil && r.Owner != owner {
			return false
		}
		if c.field != "" {
			fv := fieldText(r.Data, c.field)
			if c.equals != nil && fv != eq || c.notEquals != nil && fv == neq {
				return false
			}
		}
		return true
	})
	for _, cmp := range c.cmp {
		if !cmp.Holds(n, env.Scope) {
			return false
		}
	}
	return true
}

// fieldPath turns a dotted path of field names (array indexes as numbers)
// into a gjson path, escaping what gjson would read as syntax.
func fieldPath(dotted string) string {
	parts := strings.Split(dotted, ".")
	for i, p := range parts {
		parts[i] = gjson.Escape(p)
	}
	return strings.Join(parts, ".")
}

// fieldText reads a gjson path in a record's JSON, as text.
func fieldText(data []byte, path string) string {
	r := gjson.GetBytes(data, path)
	if !r.Exists() {
		return ""
	}
	return tmpl.Text(tmpl.GJSONValue(r))
}
