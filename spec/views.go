package spec

import (
	"slices"
	"strings"
)

// view is the document as requests or answers see it: OpenAPI's readOnly
// properties are not required of a request, and writeOnly ones are
// neither required of nor put in an answer. A view shares every part of
// the document it leaves as it is.
type view struct {
	raw map[string]any
	url string // its resource in the document's compiler
}

// resolve follows a local $ref in the view.
func (v *view) resolve(ref string) (map[string]any, error) {
	_, m, err := follow(v.raw, "", map[string]any{"$ref": ref})
	return m, err
}

// makeViews builds the request and response views of a document that has
// readOnly or writeOnly properties; without any, both are the document.
func (d *Document) makeViews() {
	d.request = &view{raw: d.Raw, url: d.url}
	d.response = d.request
	if !anyObject(d.Raw, func(m map[string]any) bool { return m["readOnly"] == true || m["writeOnly"] == true }) {
		return
	}
	if r, changed := d.rewrite(d.Raw, "readOnly", false); changed {
		d.request = &view{raw: r.(map[string]any), url: strings.TrimSuffix(d.url, ".json") + ".request.json"}
	}
	if r, changed := d.rewrite(d.Raw, "writeOnly", true); changed {
		d.response = &view{raw: r.(map[string]any), url: strings.TrimSuffix(d.url, ".json") + ".response.json"}
	}
}

// rewrite returns v with the properties marked by flag no longer
// required (and, with drop, no longer declared), copying only the objects
// on the way to a change; changed tells whether there was any.
func (d *Document) rewrite(v any, flag string, drop bool) (any, bool) {
	switch x := v.(type) {
	case []any:
		var out []any
		for i, e := range x {
			if ne, changed := d.rewrite(e, flag, drop); changed {
				if out == nil {
					out = append([]any(nil), x...)
				}
				out[i] = ne
			}
		}
		if out == nil {
			return v, false
		}
		return out, true
	case map[string]any:
		var out map[string]any
		set := func(k string, nv any) {
			if out == nil {
				out = make(map[string]any, len(x))
				for kk, vv := range x {
					out[kk] = vv
				}
			}
			out[k] = nv
		}
		for k, e := range x {
			if !refsBelow(k) {
				continue
			}
			if ne, changed := d.rewrite(e, flag, drop); changed {
				set(k, ne)
			}
		}
		props, _ := x["properties"].(map[string]any)
		var marked []string
		for name, p := range props {
			if pm, ok := p.(map[string]any); ok && d.flagged(pm, flag) {
				marked = append(marked, name)
			}
		}
		if len(marked) > 0 {
			if req, ok := x["required"].([]any); ok {
				kept := make([]any, 0, len(req))
				for _, r := range req {
					if s, _ := r.(string); !slices.Contains(marked, s) {
						kept = append(kept, r)
					}
				}
				if len(kept) != len(req) {
					set("required", kept)
				}
			}
			if drop {
				current, _ := out["properties"].(map[string]any)
				if current == nil {
					current = props
				}
				np := make(map[string]any, len(current))
				for k, v := range current {
					if !slices.Contains(marked, k) {
						np[k] = v
					}
				}
				set("properties", np)
			}
		}
		if out == nil {
			return v, false
		}
		return out, true
	}
	return v, false
}

// flagged tells whether a property's schema, or the schema its local $ref
// names, says flag: true.
func (d *Document) flagged(p map[string]any, flag string) bool {
	if p[flag] == true {
		return true
	}
	if ref, ok := p["$ref"].(string); ok && strings.HasPrefix(ref, "#/") {
		if t, ok := Lookup(d.Raw, ref[1:]); ok {
			if tm, ok := t.(map[string]any); ok {
				return tm[flag] == true
			}
		}
	}
	return false
}
