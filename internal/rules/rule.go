package rules

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/chatmock/chatmock/internal/envelope"
	"github.com/chatmock/chatmock/internal/live"
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
	when      []cond
	Then      *Effect
}

// Effect is a rule's answer: a documented example (with overrides) or an
// inline answer.
type Effect struct {
	Example string
	Status  int
	set     []envelope.SetAt
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

// Request is what conditions read of a request.
type Request interface {
	Get(source, path string) (any, bool)
}

// StoreView is what conditions read of the store.
type StoreView interface {
	Get(kind, key string) (store.Record, bool)
	Count(kind string, where func(store.Record) bool) int
}

// Env is what a rule is evaluated against. It is also the scope of the
// templates in conditions and effects: body.*, query.*, header.*, path.*
// and edition.*.
type Env struct {
	Request Request
	Store   StoreView
	Edition map[string]any
}

func (e *Env) Lookup(name string) (any, bool) {
	src, path, _ := strings.Cut(name, ".")
	switch src {
	case "body", "query", "header", "path":
		return e.Request.Get(src, path)
	case "edition":
		v, ok := e.Edition[path]
		return v, ok
	}
	return nil, false
}

func (e *Env) Call(fn string, _ []any) (any, bool, error) {
	return nil, false, fmt.Errorf("rules have no functions (%s)", fn)
}

func (e *Env) Items() []tmpl.Scope { return nil }

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
func (e *Effect) Render(env *Env, ex envelope.Examples) (*envelope.Response, error) {
	resp := &envelope.Response{Case: -1, Headers: map[string]string{}}
	if e.answer != nil {
		body, err := e.answer.body.Render(env)
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
	if err := resp.Apply(e.Status, e.set, env); err != nil {
		return nil, err
	}
	return resp, nil
}

// cond is one compiled condition.
type cond interface {
	holds(env *Env) bool
}

// value is a condition's operand: a constant, or a template over the env.
type value struct {
	t *tmpl.Template
}

func (v value) get(env *Env) (any, bool) {
	if v.t == nil {
		return nil, false
	}
	x, err := v.t.Render(env)
	return x, err == nil && x != nil
}

// requestCond checks one value of the request.
type requestCond struct {
	source, path string
	exists       *bool
	equals       *value
	notEquals    *value
	in, notIn    []value
	matches      *regexp.Regexp
	notMatches   *regexp.Regexp
	cmp          []comparison
	bytesGt      *value
}

type comparison struct {
	op    string // gt gte lt lte
	bound value
}

func (c *requestCond) holds(env *Env) bool {
	v, ok := env.Request.Get(c.source, c.path)
	if c.exists != nil && ok != *c.exists {
		return false
	}
	if c.equals != nil && (!ok || !sameText(env, v, *c.equals)) {
		return false
	}
	if c.notEquals != nil && ok && sameText(env, v, *c.notEquals) {
		return false
	}
	if c.in != nil && (!ok || !slices.ContainsFunc(c.in, func(w value) bool { return sameText(env, v, w) })) {
		return false
	}
	if c.notIn != nil && ok && slices.ContainsFunc(c.notIn, func(w value) bool { return sameText(env, v, w) }) {
		return false
	}
	s, isString := v.(string)
	if c.matches != nil && (!ok || !isString || !c.matches.MatchString(s)) {
		return false
	}
	if c.notMatches != nil && ok && isString && c.notMatches.MatchString(s) {
		return false
	}
	if c.bytesGt != nil {
		n, okN := number(c.bytesGt.get(env))
		if !ok || !isString || !okN || float64(len(s)) <= n {
			return false
		}
	}
	for _, cmp := range c.cmp {
		if !ok || !compare(v, cmp, env) {
			return false
		}
	}
	return true
}

// storeCond checks a record of the store.
type storeCond struct {
	kind           string
	key            value
	exists         bool
	owner, creator *value
}

func (c *storeCond) holds(env *Env) bool {
	k, ok := c.key.get(env)
	if !ok {
		return false
	}
	rec, found := env.Store.Get(c.kind, tmpl.Text(k))
	if found != c.exists {
		return false
	}
	if c.owner != nil {
		o, ok := c.owner.get(env)
		if !ok || rec.Owner != tmpl.Text(o) {
			return false
		}
	}
	if c.creator != nil {
		o, ok := c.creator.get(env)
		if !ok || rec.Creator != tmpl.Text(o) {
			return false
		}
	}
	return true
}

// countCond compares how many records of a kind there are.
type countCond struct {
	kind      string
	owner     *value
	field     string // a gjson path, made from the rule's dotted field once at load
	equals    *value
	notEquals *value
	cmp       []comparison
}

func (c *countCond) holds(env *Env) bool {
	for _, cmp := range c.cmp {
		if _, ok := number(cmp.bound.get(env)); !ok {
			return false // an undefined bound (no edition chosen): no need to count
		}
	}
	var owner string
	if c.owner != nil {
		o, ok := c.owner.get(env)
		if !ok {
			return false
		}
		owner = tmpl.Text(o)
	}
	var eq, neq string
	if c.equals != nil {
		v, _ := c.equals.get(env)
		eq = tmpl.Text(v)
	}
	if c.notEquals != nil {
		v, _ := c.notEquals.get(env)
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
		if !compare(n, cmp, env) {
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
	return tmpl.Text(live.GJSONValue(r))
}

func sameText(env *Env, v any, w value) bool {
	x, ok := w.get(env)
	return ok && tmpl.Text(v) == tmpl.Text(x)
}

func compare(v any, c comparison, env *Env) bool {
	a, ok1 := number(v, true)
	b, ok2 := number(c.bound.get(env))
	if !ok1 || !ok2 {
		return false
	}
	switch c.op {
	case "gt":
		return a > b
	case "gte":
		return a >= b
	case "lt":
		return a < b
	}
	return a <= b
}

func number(v any, ok bool) (float64, bool) {
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(tmpl.Text(v), 64)
	return f, err == nil
}
