// Package tmpl compiles the JSON templates that documents declare — error
// envelopes (x-chatmock-errors) and live success answers
// (x-chatmock-response) — once, at start-up, and renders them per request.
//
// A template is any JSON value. Strings may hold placeholders:
//
//	"{{field}} is required"        text: each placeholder's value as text
//	"{{value}}"                    a string that is one placeholder keeps the value's JSON type
//	"{{body.GroupId ?? random('@TGS#2', 9)}}"  the first defined of several terms
//
// A term is a name with an optional dotted path (field, body.Name,
// header.Authorization), a call (now(), seq('member'), random('x', 8)), a
// quoted string or a number. Objects with one of these keys repeat over the
// items of a scope (each failure of an error answer):
//
//	{"$each": T}                            an array, T rendered per item
//	{"$group": {"key": K, "value": V}}      an object: key K → array of V
//	{"$join": {"item": T, "sep": ", "}}     a string: T per item, joined
//	{"$if": "{{found}}", "then": T, "else": E}   T when the value is set and
//	                                         not false, "" or 0; else E (null if absent)
//
// It may import: internal/record.
package tmpl

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Scope supplies the values of names and calls while rendering.
type Scope interface {
	// Lookup returns the value of a name with its dotted path
	// ("body.GroupId"); ok is false when it is undefined.
	Lookup(name string) (v any, ok bool)
	// Call runs a function; ok is false when its value is undefined.
	Call(fn string, args []any) (v any, ok bool, err error)
	// Items are the scopes $each, $group and $join repeat over.
	Items() []Scope
}

// Template is a compiled template.
type Template struct {
	node node
	src  any
}

// Compile compiles a JSON template value.
func Compile(v any) (*Template, error) {
	n, err := compileNode(v)
	if err != nil {
		return nil, err
	}
	return &Template{node: n, src: v}, nil
}

// Mentions tells whether the template's text contains s anywhere.
func (t *Template) Mentions(s string) bool {
	b, err := json.Marshal(t.src)
	return err == nil && strings.Contains(string(b), s)
}

// Source is the template as written, when it is a string ("" otherwise).
func (t *Template) Source() string {
	s, _ := t.src.(string)
	return s
}

// MustCompile is Compile for templates written in Go code.
func MustCompile(v any) *Template {
	t, err := Compile(v)
	if err != nil {
		panic(err)
	}
	return t
}

// Omitted is what an optional value renders to when it is undefined: the
// object key or array element that holds it is left out.
var Omitted = omitted{}

type omitted struct{}

// Render renders the template in a scope; an omitted value renders as null.
func (t *Template) Render(s Scope) (any, error) {
	v, err := t.node.render(s)
	if v == Omitted {
		v = nil
	}
	return v, err
}

// RenderOptional renders the template and tells whether the value is
// present (false when it is an optional value left undefined).
func (t *Template) RenderOptional(s Scope) (any, bool, error) {
	v, err := t.node.render(s)
	if v == Omitted {
		return nil, false, err
	}
	return v, true, err
}

// RenderString renders the template and returns it as text.
func (t *Template) RenderString(s Scope) (string, error) {
	v, err := t.Render(s)
	if err != nil {
		return "", err
	}
	return Text(v), nil
}

type node interface {
	render(s Scope) (any, error)
}

func compileNode(v any) (node, error) {
	switch x := v.(type) {
	case string:
		return compileString(x)
	case []any:
		out := make(arrayNode, len(x))
		for i, e := range x {
			n, err := compileNode(e)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			out[i] = n
		}
		return out, nil
	case map[string]any:
		return compileObject(x)
	}
	return literal{v}, nil
}

func compileObject(x map[string]any) (node, error) {
	if len(x) == 1 {
		for k, v := range x {
			switch k {
			case "$each":
				n, err := compileNode(v)
				if err != nil {
					return nil, fmt.Errorf("$each: %w", err)
				}
				return eachNode{n}, nil
			case "$group", "$join":
				return compileRepeat(k, v)
			}
		}
	}
	if c, ok := x["$if"]; ok {
		return compileIf(c, x)
	}
	out := make(objectNode, len(x))
	for k, v := range x {
		if strings.HasPrefix(k, "$") {
			return nil, fmt.Errorf("%s: unknown directive (want $each, $group or $join alone in their object, or $if with then and else)", k)
		}
		n, err := compileNode(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		out[k] = n
	}
	return out, nil
}

func compileRepeat(directive string, v any) (node, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: want an object", directive)
	}
	first, second := "key", "value"
	if directive == "$join" {
		first, second = "item", "sep"
	}
	a, err := compileNode(m[first])
	if err != nil {
		return nil, fmt.Errorf("%s.%s: %w", directive, first, err)
	}
	b, err := compileNode(m[second])
	if err != nil {
		return nil, fmt.Errorf("%s.%s: %w", directive, second, err)
	}
	if directive == "$join" {
		return joinNode{a, b}, nil
	}
	return groupNode{a, b}, nil
}

func compileIf(c any, x map[string]any) (node, error) {
	for k := range x {
		if k != "$if" && k != "then" && k != "else" {
			return nil, fmt.Errorf("$if: unexpected key %q (want then and else)", k)
		}
	}
	cond, err := compileNode(c)
	if err != nil {
		return nil, fmt.Errorf("$if: %w", err)
	}
	then, err := compileNode(x["then"])
	if err != nil {
		return nil, fmt.Errorf("then: %w", err)
	}
	els, err := compileNode(x["else"])
	if err != nil {
		return nil, fmt.Errorf("else: %w", err)
	}
	return ifNode{cond, then, els}, nil
}

type ifNode struct{ cond, then, els node }

func (n ifNode) render(s Scope) (any, error) {
	c, err := n.cond.render(s)
	if err != nil {
		return nil, err
	}
	switch c {
	case nil, false, "", json.Number("0"):
		return n.els.render(s)
	}
	return n.then.render(s)
}

type literal struct{ v any }

func (l literal) render(Scope) (any, error) { return l.v, nil }

type arrayNode []node

func (a arrayNode) render(s Scope) (any, error) {
	out := make([]any, 0, len(a))
	for _, n := range a {
		v, err := n.render(s)
		if err != nil {
			return nil, err
		}
		if v != Omitted {
			out = append(out, v)
		}
	}
	return out, nil
}

type objectNode map[string]node

func (o objectNode) render(s Scope) (any, error) {
	out := make(map[string]any, len(o))
	for k, n := range o {
		v, err := n.render(s)
		if err != nil {
			return nil, err
		}
		if v != Omitted {
			out[k] = v
		}
	}
	return out, nil
}

type eachNode struct{ item node }

func (e eachNode) render(s Scope) (any, error) {
	out := []any{}
	for _, it := range s.Items() {
		v, err := e.item.render(it)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

type groupNode struct{ key, value node }

func (g groupNode) render(s Scope) (any, error) {
	out := map[string]any{}
	for _, it := range s.Items() {
		k, err := g.key.render(it)
		if err != nil {
			return nil, err
		}
		v, err := g.value.render(it)
		if err != nil {
			return nil, err
		}
		key := Text(k)
		list, _ := out[key].([]any)
		out[key] = append(list, v)
	}
	return out, nil
}

type joinNode struct{ item, sep node }

func (j joinNode) render(s Scope) (any, error) {
	sep, err := j.sep.render(s)
	if err != nil {
		return nil, err
	}
	var parts []string
	for _, it := range s.Items() {
		v, err := j.item.render(it)
		if err != nil {
			return nil, err
		}
		parts = append(parts, Text(v))
	}
	return strings.Join(parts, Text(sep)), nil
}

// Text is a value as text: strings as they are, null as "", others as JSON.
func Text(v any) string {
	switch x := v.(type) {
	case nil, omitted:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// Constant is the template's value when it has no placeholder to render:
// a plain string, number, boolean or null.
func (t *Template) Constant() (any, bool) {
	l, ok := t.node.(literal)
	return l.v, ok
}
