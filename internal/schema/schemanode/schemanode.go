// Package schemanode reads raw JSON Schema nodes (map[string]any, as
// decoded from an OpenAPI document): it follows local $refs and allOf,
// laying each node's own keywords over what it refers to, and tells a
// node's JSON types. The XML codec, the form decoder and the example
// generator all walk schemas through it.
//
// It may import: nothing of the module.
package schemanode

import (
	"fmt"
	"slices"
)

// Resolver returns the schema a local reference ("#/components/schemas/X")
// points to.
type Resolver func(ref string) (map[string]any, error)

// MaxDepth bounds $ref chains and nesting, so a recursive schema cannot
// loop.
const MaxDepth = 64

// Merged follows $ref and allOf from node, laying each node's own keywords
// over what it refers to (properties are merged key by key), and fills in a
// missing type from the first anyOf/oneOf branch that has one.
func Merged(node map[string]any, resolve Resolver) (map[string]any, error) {
	out := map[string]any{}
	if err := mergeInto(out, node, resolve, 0); err != nil {
		return nil, err
	}
	if Types(out) == nil {
		for _, key := range []string{"anyOf", "oneOf"} {
			branches, _ := out[key].([]any)
			for _, b := range branches {
				bm, ok := b.(map[string]any)
				if !ok {
					continue
				}
				bs, err := Merged(bm, resolve)
				if err != nil {
					return nil, err
				}
				if t := Types(bs); t != nil {
					typ := make([]any, len(t))
					for i, s := range t {
						typ[i] = s
					}
					out["type"] = typ
					return out, nil
				}
			}
		}
	}
	return out, nil
}

func mergeInto(out, n map[string]any, resolve Resolver, depth int) error {
	if depth > MaxDepth {
		return fmt.Errorf("$ref chain deeper than %d", MaxDepth)
	}
	if ref, ok := n["$ref"].(string); ok {
		target, err := resolve(ref)
		if err != nil {
			return err
		}
		if err := mergeInto(out, target, resolve, depth+1); err != nil {
			return err
		}
	}
	if all, ok := n["allOf"].([]any); ok {
		for _, a := range all {
			if am, ok := a.(map[string]any); ok {
				if err := mergeInto(out, am, resolve, depth+1); err != nil {
					return err
				}
			}
		}
	}
	for k, v := range n {
		if k == "$ref" || k == "allOf" {
			continue
		}
		if k == "properties" {
			merged := map[string]any{}
			if props, ok := out[k].(map[string]any); ok {
				for pk, pv := range props {
					merged[pk] = pv
				}
			}
			if np, ok := v.(map[string]any); ok {
				for pk, pv := range np {
					merged[pk] = pv
				}
			}
			out[k] = merged
			continue
		}
		out[k] = v
	}
	return nil
}

// Types lists the node's JSON types other than "null", in the order given.
func Types(node map[string]any) []string {
	var out []string
	switch t := node["type"].(type) {
	case string:
		out = append(out, t)
	case []any:
		for _, v := range t {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
	case []string:
		out = append(out, t...)
	}
	return slices.DeleteFunc(out, func(s string) bool { return s == "null" })
}

// Nullable tells whether the node's type allows null.
func Nullable(node map[string]any) bool {
	switch t := node["type"].(type) {
	case string:
		return t == "null"
	case []any:
		return slices.Contains(t, any("null"))
	}
	return false
}
