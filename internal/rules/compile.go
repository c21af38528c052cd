package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/chatmock/chatmock/internal/cond"
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
	if e.set, bad, err = tmpl.CompileSet(set); err != nil {
		return nil, fail(ptr+"/set"+spec.Pointer(bad), "%v", err)
	}
	return e, nil
}

var (
	storeKeys = []string{"store", "key", "exists", "owner", "creator"}
	countKeys = []string{"count", "owner", "field", "equals", "notEquals", "gt", "gte", "lt", "lte"}
)

// compileCond compiles a condition: on the store (store:), on a count of
// records (count:), else on the request, in the condition language.
func compileCond(m map[string]any, ptr string) (condition, error) {
	var known []string
	switch {
	case m["store"] != nil:
		known = storeKeys
	case m["count"] != nil:
		known = countKeys
	default:
		c, err := cond.Compile(m)
		if err != nil {
			e := err.(*cond.Error)
			if e.Key != "" {
				ptr += "/" + e.Key
			}
			return nil, fail(ptr, "%s", e.Msg)
		}
		return &requestCond{c}, nil
	}
	for k := range m {
		if !slices.Contains(known, k) {
			return nil, fail(ptr+spec.Pointer(k), "unknown key %q (a condition of this kind takes %s)", k, strings.Join(known, ", "))
		}
	}
	if m["store"] != nil {
		return compileStoreCond(m, ptr)
	}
	return compileCountCond(m, ptr)
}

func compileStoreCond(m map[string]any, ptr string) (condition, error) {
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

func compileCountCond(m map[string]any, ptr string) (condition, error) {
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
	if c.cmp, err = cond.Comparisons(m); err != nil {
		e := err.(*cond.Error)
		return nil, fail(ptr+"/"+e.Key, "%s", e.Msg)
	}
	if len(c.cmp) == 0 {
		return nil, fail(ptr, "a count condition compares the count: add gt, gte, lt or lte")
	}
	return c, nil
}

func optValue(m map[string]any, key, ptr string) (*cond.Operand, error) {
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

func compileValue(v any, ptr string) (cond.Operand, error) {
	o, err := cond.CompileOperand(v)
	if err != nil {
		return o, fail(ptr, "%v", err)
	}
	return o, nil
}

func intOf(v any) (int, error) {
	var n int
	_, err := fmt.Sscan(tmpl.Text(v), &n)
	if err != nil {
		return 0, fmt.Errorf("want an integer, got %v", v)
	}
	return n, nil
}
