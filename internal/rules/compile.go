package rules

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/chatmock/chatmock/internal/envelope"
	"github.com/chatmock/chatmock/internal/tmpl"
	"github.com/chatmock/chatmock/spec"
)

// File is one compiled rule file.
type File struct {
	Name     string
	API      string
	Editions map[string]map[string]any
	Full     *Effect
	Rules    []*Rule
}

// problem is a compile error at a JSON pointer of the file.
type problem struct {
	ptr string
	msg string
}

func (p *problem) Error() string { return p.ptr + ": " + p.msg }

func fail(ptr, format string, args ...any) error {
	return &problem{ptr: ptr, msg: fmt.Sprintf(format, args...)}
}

// compileFile builds a File from a document the schema has accepted.
func compileFile(name string, doc map[string]any) (*File, error) {
	f := &File{Name: name, API: doc["api"].(string), Editions: map[string]map[string]any{}}
	if eds, ok := doc["editions"].(map[string]any); ok {
		for k, v := range eds {
			f.Editions[k], _ = v.(map[string]any)
		}
	}
	if full, ok := doc["full"].(map[string]any); ok {
		e, err := compileEffect(full, "/full")
		if err != nil {
			return nil, err
		}
		f.Full = e
	}
	list, _ := doc["rules"].([]any)
	seen := map[string]bool{}
	for i, r := range list {
		ptr := fmt.Sprintf("/rules/%d", i)
		rm := r.(map[string]any)
		rule := &Rule{Name: rm["name"].(string), Operation: rm["operation"].(string)}
		if seen[rule.Name] {
			return nil, fail(ptr+"/name", "another rule is already named %q", rule.Name)
		}
		seen[rule.Name] = true
		when, _ := rm["when"].([]any)
		for j, c := range when {
			cc, err := compileCond(c.(map[string]any), fmt.Sprintf("%s/when/%d", ptr, j))
			if err != nil {
				return nil, err
			}
			rule.when = append(rule.when, cc)
		}
		e, err := compileEffect(rm["then"].(map[string]any), ptr+"/then")
		if err != nil {
			return nil, err
		}
		rule.Then = e
		f.Rules = append(f.Rules, rule)
	}
	return f, nil
}

func compileEffect(m map[string]any, ptr string) (*Effect, error) {
	e := &Effect{}
	e.Example, _ = m["example"].(string)
	if s, ok := m["status"]; ok {
		n, err := intOf(s)
		if err != nil {
			return nil, fail(ptr+"/status", "%v", err)
		}
		e.Status = n
	}
	if a, ok := m["answer"].(map[string]any); ok {
		status, _ := intOf(a["status"])
		body, err := tmpl.Compile(a["body"])
		if err != nil {
			return nil, fail(ptr+"/answer/body", "%v", err)
		}
		e.answer = &inlineAnswer{status: status, body: body}
		e.answer.contentType, _ = a["contentType"].(string)
	}
	if (e.Example == "") == (e.answer == nil) {
		return nil, fail(ptr, "an effect names an example or gives an answer, one of the two")
	}
	set, _ := m["set"].(map[string]any)
	var bad string
	var err error
	if e.set, bad, err = envelope.CompileSet(set); err != nil {
		return nil, fail(ptr+"/set"+spec.Pointer(bad), "%v", err)
	}
	return e, nil
}

var (
	requestKeys = []string{"body", "query", "header", "path", "exists", "equals", "notEquals", "in", "notIn", "matches", "notMatches", "gt", "gte", "lt", "lte", "bytesGt"}
	storeKeys   = []string{"store", "key", "exists", "owner", "creator"}
	countKeys   = []string{"count", "owner", "field", "equals", "notEquals", "gt", "gte", "lt", "lte"}
)

func compileCond(m map[string]any, ptr string) (cond, error) {
	var known []string
	switch {
	case m["store"] != nil:
		known = storeKeys
	case m["count"] != nil:
		known = countKeys
	default:
		known = requestKeys
	}
	for k := range m {
		if !slices.Contains(known, k) {
			return nil, fail(ptr+spec.Pointer(k), "unknown key %q (a condition of this kind takes %s)", k, strings.Join(known, ", "))
		}
	}
	switch {
	case m["store"] != nil:
		return compileStoreCond(m, ptr)
	case m["count"] != nil:
		return compileCountCond(m, ptr)
	}
	return compileRequestCond(m, ptr)
}

func compileRequestCond(m map[string]any, ptr string) (cond, error) {
	c := &requestCond{}
	n := 0
	for _, src := range []string{"body", "query", "header", "path"} {
		if p, ok := m[src].(string); ok {
			c.source, c.path = src, p
			n++
		}
	}
	if n != 1 {
		return nil, fail(ptr, "a condition on the request names one of body, query, header or path")
	}
	if len(m) < 2 {
		return nil, fail(ptr, "the condition on %s %q tests nothing (add exists, equals, matches, gt, ...)", c.source, c.path)
	}
	var err error
	if b, ok := m["exists"].(bool); ok {
		c.exists = &b
	}
	if c.equals, err = optValue(m, "equals", ptr); err != nil {
		return nil, err
	}
	if c.notEquals, err = optValue(m, "notEquals", ptr); err != nil {
		return nil, err
	}
	if c.bytesGt, err = optValue(m, "bytesGt", ptr); err != nil {
		return nil, err
	}
	for _, k := range []string{"in", "notIn"} {
		list, ok := m[k].([]any)
		if !ok {
			continue
		}
		vals := []value{}
		for i, v := range list {
			val, err := compileValue(v, fmt.Sprintf("%s/%s/%d", ptr, k, i))
			if err != nil {
				return nil, err
			}
			vals = append(vals, val)
		}
		if k == "in" {
			c.in = vals
		} else {
			c.notIn = vals
		}
	}
	for _, k := range []string{"matches", "notMatches"} {
		s, ok := m[k].(string)
		if !ok {
			continue
		}
		re, err := regexp.Compile(s)
		if err != nil {
			return nil, fail(ptr+"/"+k, "not a regular expression: %v", err)
		}
		if k == "matches" {
			c.matches = re
		} else {
			c.notMatches = re
		}
	}
	c.cmp, err = comparisons(m, ptr)
	return c, err
}

func compileStoreCond(m map[string]any, ptr string) (cond, error) {
	c := &storeCond{exists: true}
	c.kind, _ = m["store"].(string)
	key, err := compileValue(m["key"], ptr+"/key")
	if err != nil {
		return nil, err
	}
	c.key = key
	if b, ok := m["exists"].(bool); ok {
		c.exists = b
	}
	if c.owner, err = optValue(m, "owner", ptr); err != nil {
		return nil, err
	}
	if c.creator, err = optValue(m, "creator", ptr); err != nil {
		return nil, err
	}
	return c, nil
}

func compileCountCond(m map[string]any, ptr string) (cond, error) {
	c := &countCond{}
	c.kind, _ = m["count"].(string)
	if field, _ := m["field"].(string); field != "" {
		c.field = fieldPath(field)
	}
	var err error
	if c.owner, err = optValue(m, "owner", ptr); err != nil {
		return nil, err
	}
	if c.equals, err = optValue(m, "equals", ptr); err != nil {
		return nil, err
	}
	if c.notEquals, err = optValue(m, "notEquals", ptr); err != nil {
		return nil, err
	}
	if (c.equals != nil || c.notEquals != nil) && c.field == "" {
		return nil, fail(ptr, "equals and notEquals compare a field: name it")
	}
	if c.cmp, err = comparisons(m, ptr); err != nil {
		return nil, err
	}
	if len(c.cmp) == 0 {
		return nil, fail(ptr, "a count condition compares the count: add gt, gte, lt or lte")
	}
	return c, nil
}

func comparisons(m map[string]any, ptr string) ([]comparison, error) {
	var out []comparison
	for _, op := range []string{"gt", "gte", "lt", "lte"} {
		v, ok := m[op]
		if !ok {
			continue
		}
		val, err := compileValue(v, ptr+"/"+op)
		if err != nil {
			return nil, err
		}
		out = append(out, comparison{op: op, bound: val})
	}
	return out, nil
}

func optValue(m map[string]any, key, ptr string) (*value, error) {
	v, ok := m[key]
	if !ok {
		return nil, nil
	}
	val, err := compileValue(v, ptr+"/"+key)
	if err != nil {
		return nil, err
	}
	return &val, nil
}

func compileValue(v any, ptr string) (value, error) {
	t, err := tmpl.Compile(v)
	if err != nil {
		return value{}, fail(ptr, "%v", err)
	}
	return value{t: t}, nil
}

func intOf(v any) (int, error) {
	var n int
	_, err := fmt.Sscan(tmpl.Text(v), &n)
	if err != nil {
		return 0, fmt.Errorf("want an integer, got %v", v)
	}
	return n, nil
}
