package contracts

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/chatmock/chatmock/internal/envelope"
	"github.com/chatmock/chatmock/internal/schema/schemanode"
	"github.com/chatmock/chatmock/internal/tmpl"
	"github.com/chatmock/chatmock/spec"
)

// Want is what a negative case expects: the answer the API's declaration
// gives for the one failure the case causes — the same declaration the
// mock answers from, so the two cannot drift apart.
type Want struct {
	Failure envelope.Failure
	Status  int   // the status; 0: any refusal (4xx), the document declaring none for the failure
	Accept  []int // the other statuses that answer it as well: those of its kind the operation documents
	Body    any   // the rendered error body: its codes and pointers must match
	Success bool  // the API does not check this (the declaration ignores it): expect a success
}

// deriveNegative lists one case per constraint of the operation's JSON
// request body, per required parameter and security scheme, plus a
// malformed body and a wrong media type.
func deriveNegative(op *spec.Operation, base *Case) []*Case {
	var out []*Case
	add := func(name string, f envelope.Failure, mutate func(c *Case)) {
		c := base.clone()
		c.ID = strings.Join([]string{op.Doc.API, op.ID, "negative", name}, "/")
		c.Tags = []string{"negative"}
		mutate(c)
		c.Want = want(op, c, f)
		out = append(out, c)
	}
	for _, p := range op.Parameters {
		if p.Required && p.In == "query" {
			add("missing-query-"+p.Name, envelope.Failure{Class: envelope.Parameter, In: "query", Name: p.Name, Keyword: "required"},
				func(c *Case) {
					c.Query.Del(p.Name)
					for k := range p.SampleFields { // an exploded object's fields
						c.Query.Del(k)
					}
				})
		}
	}
	if len(op.Security) == 1 {
		for _, sch := range op.Security[0] {
			f := envelope.Failure{Class: envelope.Security, Name: sch.Key, In: sch.In}
			if sch.Type == "apiKey" {
				f.Name = sch.Param
			}
			add("missing-credential-"+f.Name, f, func(c *Case) { c.Query.Del(sch.Param); delete(c.Header, "Authorization") })
			if sch.Type == "apiKey" && sch.In == "query" {
				add("empty-credential-"+f.Name, f, func(c *Case) { c.Query.Set(sch.Param, "") })
			}
		}
	} else if len(op.Security) > 1 && !slices.ContainsFunc(op.Security, func(alt []spec.SecurityScheme) bool { return len(alt) == 0 }) {
		// Alternatives: a request fails only when it meets none of them, so
		// every credential of every one goes.
		first := op.Security[0][0]
		f := envelope.Failure{Class: envelope.Security, Name: first.Key, In: "header"}
		anyAuthorization := false // an apiKey named Authorization: any value meets it
		strip := func(c *Case) {
			delete(c.Header, "Authorization")
			for _, alt := range op.Security {
				for _, sch := range alt {
					if sch.Type != "apiKey" {
						continue
					}
					c.Query.Del(sch.Param)
					for k := range c.Header {
						if strings.EqualFold(k, sch.Param) {
							delete(c.Header, k)
						}
					}
				}
			}
		}
		for _, alt := range op.Security {
			for _, sch := range alt {
				if sch.Type == "apiKey" && sch.In == "header" && strings.EqualFold(sch.Param, "Authorization") {
					anyAuthorization = true
				}
			}
		}
		add("missing-credentials", f, strip)
		if !anyAuthorization {
			add("bad-basic-credentials", f, func(c *Case) { strip(c); c.Header["Authorization"] = "Basic not-base64!" })
			add("empty-bearer-token", f, func(c *Case) { strip(c); c.Header["Authorization"] = "Bearer " })
		}
	}
	m := jsonMedia(op)
	if m == nil || base.value == nil {
		return out
	}
	add("malformed-body", envelope.Failure{Class: envelope.BodyMalformed}, func(c *Case) {
		c.Body = c.Body[:len(c.Body)/2]
	})
	add("wrong-media-type", envelope.Failure{Class: envelope.MediaUnsupported, Value: "text/plain", HasValue: true},
		func(c *Case) { c.Header["Content-Type"] = "text/plain" })
	node := m.SchemaNode(op.Doc)
	walkConstraints(op.Doc, node, "", 0, func(ptr string, kw string, bad any, missing bool) {
		// Only where the base example has the parent, so that the case
		// breaks this constraint alone.
		if _, ok := spec.Lookup(base.value, ptr[:strings.LastIndex(ptr, "/")]); !ok {
			return
		}
		name := kw + strings.ReplaceAll(ptr, "/", "-")
		f := envelope.Failure{Class: envelope.Schema, In: "body", Pointer: ptr, Keyword: kw}
		if !missing {
			f.Value, f.HasValue = bad, true
		}
		add(name, f, func(c *Case) {
			v := tmpl.DeepCopy(c.value)
			if missing {
				v = remove(v, ptr)
			} else {
				v = set(v, ptr, bad)
			}
			c.value = v
			c.Body, _ = json.Marshal(v)
		})
	})
	return out
}

// want renders what the API answers for f, from its declaration.
func want(op *spec.Operation, c *Case, f envelope.Failure) *Want {
	w := &Want{Failure: f}
	req := &envelope.Request{Method: op.Method, Path: op.Path, URL: op.Path, ContentType: c.Header["Content-Type"]}
	if op.Doc.Errors.Ignores(&f, req) {
		w.Success = true
		return w
	}
	resp, err := envelope.Render(op.Doc.Errors, []envelope.Failure{f}, req, op.Examples, op.Documented)
	if err != nil {
		return w
	}
	w.Status = resp.Status
	if op.Doc.Errors != nil {
		// The API's declared envelope: its codes must be in the answer. An
		// answer the document only describes is checked by its schema.
		w.Body = resp.Body
		return w
	}
	// The document's own error responses: any it documents for the
	// failure's kind (400 or 422 for a schema failure, 401 or 403 for
	// credentials) answers it. Where it documents none, the mock's stand-in
	// (its nearest documented 4xx, or problem+json) is no declaration: any
	// refusal is right.
	for _, s := range envelope.Fitting(f.Class) {
		if _, ok := op.Responses[strconv.Itoa(s)]; ok {
			w.Accept = append(w.Accept, s)
		}
	}
	if !slices.Contains(w.Accept, w.Status) {
		w.Status, w.Accept = 0, nil
	}
	return w
}

func jsonMedia(op *spec.Operation) *spec.Media {
	for _, m := range op.RequestBody {
		if m.Kind == spec.KindJSON {
			return m
		}
	}
	return nil
}

// walkConstraints calls found for each constraint of the schema that a
// value can break, with the pointer, the keyword and a value breaking it
// (or missing for a required property). Array items are reached at index 0.
func walkConstraints(d *spec.Document, node map[string]any, ptr string, depth int, found func(ptr, kw string, bad any, missing bool)) {
	if depth > 8 || node == nil {
		return
	}
	s, err := schemanode.Merged(node, d.ResolveSchema)
	if err != nil {
		return
	}
	types := schemanode.Types(s)
	if ptr != "" && len(types) > 0 && !schemanode.Nullable(s) {
		found(ptr, "type", wrongType(types), false)
	}
	if enum, ok := s["enum"].([]any); ok && ptr != "" {
		found(ptr, "enum", outside(enum), false)
	}
	switch {
	case slices.Contains(types, "string"):
		strConstraints(s, ptr, found)
	case slices.Contains(types, "array"):
		if n, ok := intOf(s["maxItems"]); ok && n < 1000 {
			item := map[string]any{}
			if items, ok := s["items"].(map[string]any); ok {
				if m, err := schemanode.Merged(items, d.ResolveSchema); err == nil && !slices.Contains(schemanode.Types(m), "object") {
					found(ptr, "maxItems", repeat("x", n+1), false)
					break
				}
			}
			found(ptr, "maxItems", repeat(item, n+1), false)
		}
		if items, ok := s["items"].(map[string]any); ok {
			walkConstraints(d, items, ptr+"/0", depth+1, found)
		}
	case slices.Contains(types, "object") || s["properties"] != nil:
		props, _ := s["properties"].(map[string]any)
		required, _ := s["required"].([]any)
		keys := make([]string, 0, len(props))
		for k := range props {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			p := ptr + spec.Pointer(k)
			if slices.Contains(required, any(k)) {
				found(p, "required", nil, true)
			}
			if pm, ok := props[k].(map[string]any); ok {
				walkConstraints(d, pm, p, depth+1, found)
			}
		}
	}
}

func strConstraints(s map[string]any, ptr string, found func(ptr, kw string, bad any, missing bool)) {
	maxLen, hasMax := intOf(s["maxLength"])
	if n, ok := intOf(s[spec.MaxBytesKeyword]); ok {
		// Over the byte limit in three-byte characters, within maxLength.
		over := strings.Repeat("腾", n/3+1)
		if !hasMax || len([]rune(over)) <= maxLen {
			found(ptr, spec.MaxBytesKeyword, over, false)
		}
	}
	if hasMax {
		found(ptr, "maxLength", strings.Repeat("x", maxLen+1), false)
	}
	if p, ok := s["pattern"].(string); ok {
		if re, err := regexp.Compile(p); err == nil {
			for _, cand := range []string{"é群 ", " bad value ", "\t", "!"} {
				if !re.MatchString(cand) {
					found(ptr, "pattern", cand, false)
					break
				}
			}
		}
	}
}

func wrongType(types []string) any {
	switch types[0] {
	case "string":
		return json.Number("12345")
	case "object", "array", "boolean":
		return "not-a-" + types[0]
	}
	return "not-a-number"
}

func outside(enum []any) any {
	if len(enum) > 0 {
		if _, ok := enum[0].(json.Number); ok {
			max := 0.0
			for _, e := range enum {
				if f, err := e.(json.Number).Float64(); err == nil && f > max {
					max = f
				}
			}
			return json.Number(strconv.FormatFloat(max+1, 'f', -1, 64))
		}
	}
	return "chatmock-not-in-enum"
}

func repeat(v any, n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = tmpl.DeepCopy(v)
	}
	return out
}

func intOf(v any) (int, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := n.Int64()
	return int(i), err == nil
}

// set puts v at a JSON pointer, making objects and a first array element
// on the way.
func set(root any, ptr string, v any) any {
	toks := spec.Tokens(ptr)
	if len(toks) == 0 {
		return v
	}
	return setTok(root, toks, v)
}

func setTok(node any, toks []string, v any) any {
	if len(toks) == 0 {
		return v
	}
	if i, err := strconv.Atoi(toks[0]); err == nil {
		arr, _ := node.([]any)
		for len(arr) <= i {
			arr = append(arr, map[string]any{})
		}
		arr[i] = setTok(arr[i], toks[1:], v)
		return arr
	}
	m, ok := node.(map[string]any)
	if !ok {
		m = map[string]any{}
	}
	m[toks[0]] = setTok(m[toks[0]], toks[1:], v)
	return m
}

// remove deletes the member at a JSON pointer.
func remove(root any, ptr string) any {
	toks := spec.Tokens(ptr)
	node := root
	for i, t := range toks {
		last := i == len(toks)-1
		switch x := node.(type) {
		case map[string]any:
			if last {
				delete(x, t)
				return root
			}
			node = x[t]
		case []any:
			j, err := strconv.Atoi(t)
			if err != nil || j >= len(x) {
				return root
			}
			node = x[j]
		default:
			return root
		}
	}
	return root
}

func (c *Case) clone() *Case {
	n := *c
	n.Query = make(map[string][]string, len(c.Query))
	for k, v := range c.Query {
		n.Query[k] = slices.Clone(v)
	}
	n.Header = make(map[string]string, len(c.Header))
	for k, v := range c.Header {
		n.Header[k] = v
	}
	n.Body = slices.Clone(c.Body)
	n.value = tmpl.DeepCopy(c.value)
	return &n
}

// envelopeProbe is a failure used to see what an API's error envelope
// holds, whatever the failure.
var envelopeProbe = envelope.Failure{Class: envelope.Schema, Pointer: "/chatmock-probe", Keyword: "type"}

// Expected says in a few words what the case expects.
func (c *Case) Expected() string {
	var steps []string
	for _, s := range c.Steps {
		steps = append(steps, s.Op.ID+" ("+s.Expect+")")
	}
	if c.Flow != nil {
		for _, s := range c.Flow.Steps {
			steps = append(steps, s.Op.ID+" ("+s.Expect+")")
		}
	}
	if len(steps) > 0 {
		return strings.Join(c.Expect, " or ") + ", then " + strings.Join(steps, ", then ")
	}
	if c.Want == nil || c.Want.Success {
		return strings.Join(c.Expect, " or ")
	}
	return fmt.Sprintf("%s for %s", c.Want.statuses(), describe(c.Want))
}

// statuses are the statuses the case accepts, as text: "400 or 422",
// "4xx".
func (w *Want) statuses() string {
	if w.Status == 0 {
		return "4xx"
	}
	out := []string{strconv.Itoa(w.Status)}
	for _, s := range w.Accept {
		if s != w.Status {
			out = append(out, strconv.Itoa(s))
		}
	}
	return strings.Join(out, " or ")
}
