package spec

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
)

// fromSwagger2 converts a Swagger 2.0 document, given as JSON, to OpenAPI
// 3.0 JSON with kin-openapi's openapi2conv: consumes and produces become
// media types, body and formData parameters request bodies, definitions
// components. What the converter leaves as an extension is then carried
// over: a parameter's x-example becomes its example.
func fromSwagger2(js []byte) ([]byte, error) {
	var doc2 openapi2.T
	if err := json.Unmarshal(js, &doc2); err != nil {
		return nil, fmt.Errorf("not a Swagger 2.0 document: %v", err)
	}
	doc3, err := openapi2conv.ToV3(&doc2)
	if err != nil {
		return nil, fmt.Errorf("converting Swagger 2.0: %v", err)
	}
	out, err := json.Marshal(doc3)
	if err != nil {
		return nil, fmt.Errorf("converting Swagger 2.0: %v", err)
	}
	return out, nil
}

// carryXExample moves the x-example of Swagger 2.0 parameters (kept by the
// converter as an extension) to where OpenAPI 3 reads examples.
func carryXExample(raw map[string]any) {
	walkParameters(raw, func(p map[string]any) {
		if ex, ok := p["x-example"]; ok {
			if _, has := p["example"]; !has {
				p["example"] = ex
			}
			delete(p, "x-example")
		}
	})
}

// walkParameters calls f on every parameter object of the document: the
// components' and each path item's and operation's.
func walkParameters(raw map[string]any, f func(map[string]any)) {
	each := func(list any) {
		switch l := list.(type) {
		case []any:
			for _, p := range l {
				if m, ok := p.(map[string]any); ok {
					f(m)
				}
			}
		case map[string]any:
			for _, p := range l {
				if m, ok := p.(map[string]any); ok {
					f(m)
				}
			}
		}
	}
	if c, ok := raw["components"].(map[string]any); ok {
		each(c["parameters"])
	}
	paths, _ := raw["paths"].(map[string]any)
	for _, item := range paths {
		pi, _ := item.(map[string]any)
		each(pi["parameters"])
		for _, m := range methods {
			if op, ok := pi[m].(map[string]any); ok {
				each(op["parameters"])
			}
		}
	}
}

// version30 tells whether the document is OpenAPI 3.0.x, whose schemas
// differ from JSON Schema 2020-12 in nullable and in boolean
// exclusiveMinimum and exclusiveMaximum.
func version30(raw map[string]any) bool {
	v, _ := raw["openapi"].(string)
	return strings.HasPrefix(v, "3.0")
}

// to2020 rewrites the OpenAPI 3.0 schema keywords that JSON Schema 2020-12
// reads otherwise, in place, anywhere in the document: nullable: true adds
// "null" to the type (and null to an enum); a boolean exclusiveMinimum or
// exclusiveMaximum becomes the number it qualifies. A key is rewritten only
// with the value type 3.0 gives it, so a property named "nullable" (an
// object) is left alone.
func to2020(v any) {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			to2020(e)
		}
	case map[string]any:
		for k, e := range x {
			if !dataKeyword(k) {
				to2020(e)
			}
		}
		if n, ok := x["nullable"].(bool); ok {
			delete(x, "nullable")
			if n {
				addNull(x)
			}
		}
		for kw, bound := range map[string]string{"exclusiveMinimum": "minimum", "exclusiveMaximum": "maximum"} {
			b, ok := x[kw].(bool)
			if !ok {
				continue
			}
			delete(x, kw)
			if n, has := x[bound]; b && has {
				x[kw] = n
				delete(x, bound)
			}
		}
	}
}

// dataKeyword tells whether a key's value is an instance (an example, a
// default, an enum) or an extension, not schemas to rewrite.
func dataKeyword(k string) bool {
	switch k {
	case "example", "examples", "default", "enum", "const":
		return true
	}
	return strings.HasPrefix(k, "x-")
}

// addNull lets a nullable schema's instance be null.
func addNull(s map[string]any) {
	switch t := s["type"].(type) {
	case string:
		s["type"] = []any{t, "null"}
	case []any:
		if !slices.Contains(t, any("null")) {
			s["type"] = append(t, "null")
		}
	}
	if e, ok := s["enum"].([]any); ok && !slices.Contains(e, nil) {
		s["enum"] = append(e, nil)
	}
	for _, kw := range []string{"allOf", "oneOf", "anyOf", "$ref"} {
		if _, ok := s[kw]; ok && s["type"] == nil {
			// nullable beside a composition or a $ref: null, or the rest.
			rest := map[string]any{}
			for k, v := range s {
				rest[k] = v
				delete(s, k)
			}
			s["anyOf"] = []any{map[string]any{"type": "null"}, rest}
			return
		}
	}
}
