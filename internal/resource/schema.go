package resource

import (
	"slices"
	"strings"
)

// reader reads a media type's schema the way inference needs it: $refs
// followed, allOf, anyOf and oneOf branches read as one object.
type reader struct {
	resolve func(ref string) (map[string]any, error)
}

// maxDepth bounds how far a schema is followed ($ref chains, branches).
const maxDepth = 32

// deref follows n's $ref chain; nil when it leads nowhere.
func (r reader) deref(n map[string]any) map[string]any {
	for range maxDepth {
		ref, ok := n["$ref"].(string)
		if !ok || r.resolve == nil {
			return n
		}
		next, err := r.resolve(ref)
		if err != nil {
			return nil
		}
		n = next
	}
	return nil
}

// node is v as a schema object, its $refs followed; nil when it is none.
func (r reader) node(v any) map[string]any {
	m, _ := v.(map[string]any)
	if m == nil {
		return nil
	}
	return r.deref(m)
}

// branches are n and the schemas its allOf, anyOf and oneOf combine,
// depth first.
func (r reader) branches(n map[string]any) []map[string]any {
	var out []map[string]any
	var walk func(m map[string]any, depth int)
	walk = func(m map[string]any, depth int) {
		if m == nil || depth > maxDepth {
			return
		}
		out = append(out, m)
		for _, k := range []string{"allOf", "anyOf", "oneOf"} {
			list, _ := m[k].([]any)
			for _, b := range list {
				walk(r.node(b), depth+1)
			}
		}
	}
	walk(n, 0)
	return out
}

// props are an object schema's properties by name, its branches'
// included (the first schema to name a property wins).
func (r reader) props(n map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, b := range r.branches(n) {
		ps, _ := b["properties"].(map[string]any)
		for name, p := range ps {
			if _, seen := out[name]; seen {
				continue
			}
			if pn := r.node(p); pn != nil {
				out[name] = pn
			}
		}
	}
	return out
}

// required are the names an object schema (or a branch of allOf) requires.
func (r reader) required(n map[string]any) map[string]bool {
	out := map[string]bool{}
	var walk func(m map[string]any, depth int)
	walk = func(m map[string]any, depth int) {
		if m == nil || depth > maxDepth {
			return
		}
		for _, v := range asList(m["required"]) {
			if s, ok := v.(string); ok {
				out[s] = true
			}
		}
		for _, b := range asList(m["allOf"]) {
			walk(r.node(b), depth+1)
		}
	}
	walk(n, 0)
	return out
}

// items is an array schema's items schema; nil when n is no array.
func (r reader) items(n map[string]any) map[string]any {
	for _, b := range r.branches(n) {
		if it := r.node(b["items"]); it != nil {
			return it
		}
	}
	return nil
}

// types are the JSON types a schema allows, from its type keyword and its
// branches'; nil when it does not say.
func (r reader) types(n map[string]any) []string {
	var out []string
	for _, b := range r.branches(n) {
		switch t := b["type"].(type) {
		case string:
			out = append(out, t)
		case []any:
			for _, x := range t {
				if s, ok := x.(string); ok {
					out = append(out, s)
				}
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// isObject tells whether a schema describes an object with properties.
func (r reader) isObject(n map[string]any) bool {
	return n != nil && len(r.props(n)) > 0
}

// flag is a boolean keyword (readOnly, writeOnly) of n or its branches.
func (r reader) flag(n map[string]any, key string) bool {
	for _, b := range r.branches(n) {
		if v, _ := b[key].(bool); v {
			return true
		}
	}
	return false
}

// norm is a name as matching compares it: lower case, without _ and -, so
// that a form's FriendlyName is a JSON answer's friendly_name.
func norm(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		if c != '_' && c != '-' && c != ' ' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}
