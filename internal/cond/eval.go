package cond

import (
	"slices"
	"strconv"

	"github.com/chatmock/chatmock/internal/tmpl"
)

// All tells whether every condition holds (true for none). Templated
// operands render in s; with a nil s they see the request alone (body.*,
// query.*, header.*, path.*).
func All(conds []Cond, req Request, s tmpl.Scope) bool {
	for i := range conds {
		if !conds[i].Holds(req, s) {
			return false
		}
	}
	return true
}

// Holds tells whether the condition holds for the request.
func (c *Cond) Holds(req Request, s tmpl.Scope) bool {
	v, ok := req.Get(c.Source, c.Path)
	if c.exists != nil && ok != *c.exists {
		return false
	}
	if s == nil {
		s = requestScope{req}
	}
	if c.equals != nil && (!ok || !c.equals.same(v, s)) {
		return false
	}
	if c.notEquals != nil && ok && c.notEquals.same(v, s) {
		return false
	}
	if c.in != nil && (!ok || !slices.ContainsFunc(c.in, func(o Operand) bool { return o.same(v, s) })) {
		return false
	}
	if c.notIn != nil && ok && slices.ContainsFunc(c.notIn, func(o Operand) bool { return o.same(v, s) }) {
		return false
	}
	text, isString := v.(string)
	if c.matches != nil && (!ok || !isString || !c.matches.MatchString(text)) {
		return false
	}
	if c.notMatches != nil && ok && isString && c.notMatches.MatchString(text) {
		return false
	}
	for _, cmp := range c.cmp {
		if !ok || !cmp.Holds(v, s) {
			return false
		}
	}
	return true
}

// Get is the operand's value; ok is false when a template renders
// undefined.
func (o Operand) Get(s tmpl.Scope) (any, bool) {
	if o.t == nil {
		return o.v, true
	}
	x, err := o.t.Render(s)
	return x, err == nil && x != nil
}

// same compares as text, and numbers as numbers (1 equals 1.0).
func (o Operand) same(v any, s tmpl.Scope) bool {
	w, ok := o.Get(s)
	if !ok {
		return false
	}
	a, b := tmpl.Text(v), tmpl.Text(w)
	if a == b {
		return true
	}
	_, vs := v.(string)
	_, ws := w.(string)
	if vs || ws {
		return false
	}
	x, ok1 := number(v)
	y, ok2 := number(w)
	return ok1 && ok2 && x == y
}

// Defined tells whether the bound renders to a number.
func (c Comparison) Defined(s tmpl.Scope) bool {
	b, ok := c.bound.Get(s)
	if ok {
		_, ok = number(b)
	}
	return ok
}

// Holds tells whether the value meets the comparison.
func (c Comparison) Holds(v any, s tmpl.Scope) bool {
	bound, ok := c.bound.Get(s)
	if !ok {
		return false
	}
	b, ok := number(bound)
	if !ok {
		return false
	}
	var a float64
	if c.bytes {
		a = float64(len(tmpl.Text(v)))
	} else if a, ok = number(v); !ok {
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

func number(v any) (float64, bool) {
	switch v.(type) {
	case map[string]any, []any, nil, bool:
		return 0, false
	}
	f, err := strconv.ParseFloat(tmpl.Text(v), 64)
	return f, err == nil
}

// requestScope renders operands that read the request when the caller has
// no scope of its own.
type requestScope struct{ req Request }

func (r requestScope) Lookup(name string) (any, bool) {
	for _, src := range Sources {
		if path, ok := cutPrefix(name, src); ok {
			return r.req.Get(src, path)
		}
	}
	return nil, false
}

func (requestScope) Call(string, []any) (any, bool, error) { return nil, false, nil }

func (requestScope) Items() []tmpl.Scope { return nil }

func cutPrefix(name, src string) (string, bool) {
	if len(name) > len(src) && name[:len(src)] == src && name[len(src)] == '.' {
		return name[len(src)+1:], true
	}
	return "", false
}
