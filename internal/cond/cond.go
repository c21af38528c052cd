// Package cond is chatmock's one condition language: a test of one value
// of the request, as live answers (x-chatmock-response), business rules
// and scenarios write it under `when`. Each condition names one value and
// one or more tests, all of which must hold:
//
//	{body: GroupId, exists: true}                 body: a gjson path; query, header, path: a name
//	{body: Type, equals: Community}               equals, notEquals: a string, number, boolean or null
//	{query: SdkAppId, in: [1400000000, 1400000001]}   in, notIn: a list of them
//	{header: User-Agent, matches: '^curl/'}       matches, notMatches: a Go regular expression, on a string
//	{body: MemberList.#, gt: 100}                 gt, gte, lt, lte: compared as numbers
//	{body: Name, bytesGt: 30}                     bytesGt, bytesGte, bytesLt, bytesLte: the value's length in bytes
//
// Values are compared as text, numbers also as numbers (1 equals 1.0). An
// operand may be a template ("{{edition.MaxMembers}}"), rendered in the
// scope the caller gives; an operand that renders undefined fails its test.
// A test other than exists and notEquals, notIn or notMatches fails on an
// absent value; those three pass on one.
//
// It may import: internal/tmpl.
package cond

import (
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/chatmock/chatmock/internal/tmpl"
)

// Request is what conditions read of a request: Get(source, path) with
// source body (a gjson path), query, header or path (a name). The mock's
// is *tmpl.Request.
type Request interface {
	Get(source, path string) (any, bool)
}

// Sources are the parts of a request a condition may name.
var Sources = []string{"body", "query", "header", "path"}

// Tests are the tests a condition may make.
var Tests = []string{"exists", "equals", "notEquals", "in", "notIn", "matches", "notMatches",
	"gt", "gte", "lt", "lte", "bytesGt", "bytesGte", "bytesLt", "bytesLte"}

// SchemaName and SchemaJSON are the JSON Schema of one condition, for the
// schemas of the files that hold conditions to refer to ($ref).
const SchemaName = "chatmock-condition.json"

//go:embed schema.json
var SchemaJSON []byte

// Cond is one compiled condition.
type Cond struct {
	Source, Path string
	exists       *bool
	equals       *Operand
	notEquals    *Operand
	in, notIn    []Operand
	matches      *regexp.Regexp
	notMatches   *regexp.Regexp
	cmp          []Comparison // gt..lte on the value, bytes* on its length
}

// Comparison is one of gt, gte, lt, lte (of the value as a number) or
// bytesGt.. (of its length in bytes) with its bound.
type Comparison struct {
	op    string // gt gte lt lte
	bytes bool   // compare the value's length in bytes
	bound Operand
}

// Operand is a constant or a template rendered per request.
type Operand struct {
	v any
	t *tmpl.Template // nil: v is the constant
}

// Error is a condition that does not compile. Key is the key at fault
// ("in/2" for an element of in; "" for the condition as a whole).
type Error struct {
	Key string
	Msg string
}

func (e *Error) Error() string {
	if e.Key == "" {
		return e.Msg
	}
	return e.Key + ": " + e.Msg
}

func bad(key, format string, args ...any) error {
	return &Error{Key: key, Msg: fmt.Sprintf(format, args...)}
}

// Compile compiles one condition as decoded from YAML or JSON.
func Compile(m map[string]any) (Cond, error) {
	var c Cond
	for k := range m {
		if !slices.Contains(Sources, k) && !slices.Contains(Tests, k) {
			return c, bad(k, "unknown key %q (a condition names one of %s, tested with %s)", k, strings.Join(Sources, ", "), strings.Join(Tests, ", "))
		}
	}
	n := 0
	for _, src := range Sources {
		v, ok := m[src]
		if !ok {
			continue
		}
		p, isString := v.(string)
		if !isString || p == "" {
			return c, bad(src, "want the %s path as a non-empty string", src)
		}
		c.Source, c.Path = src, p
		n++
	}
	if n != 1 {
		return c, bad("", "a condition names one of %s", strings.Join(Sources, ", "))
	}
	if len(m) < 2 {
		return c, bad("", "the condition on %s %q tests nothing (add exists, equals, in, matches, gt, ...)", c.Source, c.Path)
	}
	if v, ok := m["exists"]; ok {
		b, isBool := v.(bool)
		if !isBool {
			return c, bad("exists", "want true or false")
		}
		c.exists = &b
	}
	var err error
	if c.equals, err = scalarOperand(m, "equals"); err != nil {
		return c, err
	}
	if c.notEquals, err = scalarOperand(m, "notEquals"); err != nil {
		return c, err
	}
	if c.in, err = listOperand(m, "in"); err != nil {
		return c, err
	}
	if c.notIn, err = listOperand(m, "notIn"); err != nil {
		return c, err
	}
	if c.matches, err = regexpOf(m, "matches"); err != nil {
		return c, err
	}
	if c.notMatches, err = regexpOf(m, "notMatches"); err != nil {
		return c, err
	}
	c.cmp, err = comparisons(m, "gt", "gte", "lt", "lte", "bytesGt", "bytesGte", "bytesLt", "bytesLte")
	return c, err
}

// Comparisons compiles the gt, gte, lt and lte keys of m.
func Comparisons(m map[string]any) ([]Comparison, error) {
	return comparisons(m, "gt", "gte", "lt", "lte")
}

func comparisons(m map[string]any, keys ...string) ([]Comparison, error) {
	var out []Comparison
	for _, k := range keys {
		v, ok := m[k]
		if !ok {
			continue
		}
		o, err := CompileOperand(v)
		if err != nil {
			return nil, bad(k, "%v", err)
		}
		if o.t == nil {
			if _, isNum := number(o.v); !isNum {
				return nil, bad(k, "want a number (or a template), got %v", v)
			}
		}
		op, bytes := k, false
		if rest, ok := strings.CutPrefix(k, "bytes"); ok {
			op, bytes = strings.ToLower(rest), true
		}
		out = append(out, Comparison{op: op, bytes: bytes, bound: o})
	}
	return out, nil
}

// CompileList compiles a `when` list; an error's Key starts with the
// condition's index ("2/equals").
func CompileList(list []any) ([]Cond, error) {
	out := make([]Cond, 0, len(list))
	for i, v := range list {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, bad(strconv.Itoa(i), "want a condition (an object), got %T", v)
		}
		c, err := Compile(m)
		if err != nil {
			e := err.(*Error)
			key := strconv.Itoa(i)
			if e.Key != "" {
				key += "/" + e.Key
			}
			return nil, &Error{Key: key, Msg: e.Msg}
		}
		out = append(out, c)
	}
	return out, nil
}

// CompileOperand compiles a value that may be a template.
func CompileOperand(v any) (Operand, error) {
	t, err := tmpl.Compile(v)
	if err != nil {
		return Operand{}, err
	}
	if c, ok := t.Constant(); ok {
		return Operand{v: c}, nil
	}
	return Operand{t: t}, nil
}

func scalarOperand(m map[string]any, key string) (*Operand, error) {
	v, ok := m[key]
	if !ok {
		return nil, nil
	}
	switch v.(type) {
	case map[string]any, []any:
		return nil, bad(key, "compare with a string, number, boolean or null")
	}
	o, err := CompileOperand(v)
	if err != nil {
		return nil, bad(key, "%v", err)
	}
	return &o, nil
}

func listOperand(m map[string]any, key string) ([]Operand, error) {
	v, ok := m[key]
	if !ok {
		return nil, nil
	}
	list, isList := v.([]any)
	if !isList {
		return nil, bad(key, "want a list of strings, numbers, booleans or nulls")
	}
	out := []Operand{}
	for i, e := range list {
		o, err := scalarOperand(map[string]any{"x": e}, "x")
		if err != nil {
			return nil, bad(fmt.Sprintf("%s/%d", key, i), "%s", err.(*Error).Msg)
		}
		out = append(out, *o)
	}
	return out, nil
}

func regexpOf(m map[string]any, key string) (*regexp.Regexp, error) {
	v, ok := m[key]
	if !ok {
		return nil, nil
	}
	s, isString := v.(string)
	if !isString {
		return nil, bad(key, "want a regular expression as a string")
	}
	re, err := regexp.Compile(s)
	if err != nil {
		return nil, bad(key, "not a regular expression: %v", err)
	}
	return re, nil
}
