package spec

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/chatmock/chatmock/internal/schema/schemagen"
	"github.com/chatmock/chatmock/internal/schema/schemanode"
)

// Header is a response header an operation documents for a status.
type Header struct {
	Name     string
	Required bool
	Schema   *Schema  // nil when it has none
	Types    []string // the JSON types its text is read as (an array's: its items')
	Array    bool     // a list, its items separated by commas
	// Sample is the text the mock sends it with: its example, else a value
	// made from its schema; "" when neither meets the schema (it is not
	// sent).
	Sample string
}

// Value is the header's text as the JSON value its schema describes: a
// list split at its commas, a number, a boolean, else the text.
func (h *Header) Value(text string) any {
	if !h.Array {
		return TextValue(strings.TrimSpace(text), h.Types)
	}
	parts := strings.Split(text, ",")
	out := make([]any, len(parts))
	for i, p := range parts {
		out[i] = TextValue(strings.TrimSpace(p), h.Types)
	}
	return out
}

// ResponseKey is the key of the response that documents status: the
// status itself ("404"), its class ("4XX") or "default"; false when none
// does.
func (o *Operation) ResponseKey(status int) (string, bool) {
	key := strconv.Itoa(status)
	if _, ok := o.Responses[key]; ok {
		return key, true
	}
	if len(key) == 3 {
		if _, ok := o.Responses[key[:1]+"XX"]; ok {
			return key[:1] + "XX", true
		}
	}
	if _, ok := o.Responses["default"]; ok {
		return "default", true
	}
	return "", false
}

// collectHeaders compiles the headers a response at ptr documents, by
// name; Content-Type is not one (OpenAPI: it is ignored there).
func (d *Document) collectHeaders(ptr string, resp map[string]any) ([]*Header, []Problem) {
	headers, _ := resp["headers"].(map[string]any)
	names := make([]string, 0, len(headers))
	for name := range headers {
		if !strings.EqualFold(name, "Content-Type") {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	var out []*Header
	var problems []Problem
	for _, name := range names {
		// A header that cannot be read is left unchecked, the operation
		// served all the same: a warning.
		warn := func(ptr, format string, args ...any) {
			p := d.problem(ptr, format+": the header is not checked", args...)
			p.Warning = true
			problems = append(problems, p)
		}
		hptr, node, err := d.resolve(ptr+Pointer("headers", name), headers[name])
		if err != nil {
			warn(ptr+Pointer("headers", name), "%v", err)
			continue
		}
		h := &Header{Name: name}
		h.Required, _ = node["required"].(bool)
		if sn, ok := node["schema"].(map[string]any); ok {
			if h.Schema, err = d.compileIn(d.response, hptr+"/schema"); err != nil {
				warn(hptr+"/schema", "schema does not compile: %v", err)
			}
			if merged, err := schemanode.Merged(sn, d.ResolveSchema); err == nil {
				h.Types = schemanode.Types(merged)
				h.Array = slices.Contains(h.Types, "array")
				if items, ok := merged["items"].(map[string]any); ok && h.Array {
					if mi, err := schemanode.Merged(items, d.ResolveSchema); err == nil {
						h.Types = schemanode.Types(mi)
					}
				}
			}
		}
		h.Sample = d.headerSample(node, h)
		out = append(out, h)
	}
	return out, problems
}

// headerSample is a documented header's text that meets its schema: its
// example, else one made from the schema; "" when there is none.
func (d *Document) headerSample(node map[string]any, h *Header) string {
	sn, _ := node["schema"].(map[string]any)
	var v any
	if ex, ok := node["example"]; ok {
		v = ex
	} else if ex, ok := sn["example"]; ok {
		v = ex
	} else if sn != nil {
		var err error
		if v, err = schemagen.New(d.ResolveSchema, nil, fixedNow).Generate(sn); err != nil {
			return ""
		}
	}
	text := headerText(v)
	if text == "" || h.Schema != nil && h.Schema.Schema.Validate(h.Value(text)) != nil { // the fast path is not ready at load
		return ""
	}
	return text
}

// headerText is a value as a header carries it: a list's items joined by
// commas; "" for an object, or a value with a line break.
func headerText(v any) string {
	var text string
	switch x := v.(type) {
	case nil, map[string]any:
		return ""
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = headerText(e)
		}
		text = strings.Join(parts, ",")
	default:
		text = fmt.Sprint(x)
	}
	if strings.ContainsAny(text, "\r\n") {
		return ""
	}
	return text
}
