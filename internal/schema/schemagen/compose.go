package schemagen

import (
	"fmt"
	"slices"
	"strings"

	"github.com/chatmock/chatmock/internal/schema/schemanode"
)

// How oneOf and anyOf become one branch, and what a discriminator makes of it.

// merge follows $ref and allOf, then replaces oneOf/anyOf by their first
// branch merged with the rest of the node.
func (g *Generator) merge(node map[string]any, resolve schemanode.Resolver) (map[string]any, error) {
	m, err := schemanode.Merged(node, resolve)
	if err != nil {
		return nil, err
	}
	for range schemanode.MaxDepth {
		key, branch, found := "", any(nil), false
		for _, k := range []string{"oneOf", "anyOf"} {
			bs, ok := m[k].([]any)
			if !ok {
				continue
			}
			key = k
			var live []any
			for _, b := range bs {
				if b != false {
					live = append(live, b)
				}
			}
			if len(live) > 0 {
				branch, found = live[g.branch%len(live)], true
			}
			break
		}
		if key == "" {
			return m, nil
		}
		parent := make(map[string]any, len(m))
		for k, v := range m {
			if k != key {
				parent[k] = v
			}
		}
		bm, ok := branch.(map[string]any)
		if !found || !ok {
			// No branch, or `true`: nothing to add.
			m = parent
			continue
		}
		merged, err := schemanode.Merged(map[string]any{"allOf": []any{parent, bm}}, resolve)
		if err != nil {
			return nil, err
		}
		discriminate(merged, m["discriminator"], bm)
		req := stringList(parent["required"])
		for _, r := range stringList(merged["required"]) {
			if !slices.Contains(req, r) {
				req = append(req, r)
			}
		}
		if len(req) > 0 {
			list := make([]any, len(req))
			for i, r := range req {
				list[i] = r
			}
			merged["required"] = list
		}
		m = merged
	}
	return nil, fmt.Errorf("oneOf/anyOf nested deeper than %d", schemanode.MaxDepth)
}

// discriminate sets the property an OpenAPI discriminator names to the
// value that selects the chosen branch: the mapping's key for the branch's
// $ref, else the name the $ref ends with.
func discriminate(merged map[string]any, disc any, branch map[string]any) {
	d, _ := disc.(map[string]any)
	prop, _ := d["propertyName"].(string)
	ref, _ := branch["$ref"].(string)
	if prop == "" || ref == "" {
		return
	}
	value := ref[strings.LastIndexByte(ref, '/')+1:]
	if mapping, ok := d["mapping"].(map[string]any); ok {
		for k, v := range mapping {
			if v == ref {
				value = k
				break
			}
		}
	}
	props, _ := merged["properties"].(map[string]any)
	np := make(map[string]any, len(props)+1)
	for k, v := range props {
		np[k] = v
	}
	np[prop] = map[string]any{"const": value}
	merged["properties"] = np
	req := stringList(merged["required"])
	if !slices.Contains(req, prop) {
		list := []any{prop}
		for _, r := range req {
			list = append(list, r)
		}
		merged["required"] = list
	}
}
