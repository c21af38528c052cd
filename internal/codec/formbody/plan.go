// Package formbody decodes application/x-www-form-urlencoded request bodies
// into the same values a JSON body decodes to (map[string]any, []any,
// json.Number, bool, string, nil), driven by the OpenAPI schema of the media
// type, the way ASP.NET Web API 2 model binding reads a complex type from
// form data:
//
//   - keys nest in bracket form (group[name], members[0][member_id]) and in
//     dotted form (group.name, members[0].member_id), mixed freely;
//   - numeric segments index arrays, which are built from index 0 upward and
//     stop at the first missing index; "[]" appends;
//   - property names match case-insensitively and come out spelled as in
//     the schema; keys that match nothing are not bound;
//   - text is converted by the property's JSON types; text that fits none
//     stays a string, so validating the decoded value reports the type error
//     at the same JSON pointer as for a JSON body.
//
// The schema is compiled into a plan once, at start-up; decoding walks each
// key along the plan, so keys nest only as deep as the schema does.
//
// It may import: internal/codec/jsonbody, internal/schema/schemanode.
package formbody

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/chatmock/chatmock/internal/schema/schemanode"
)

type kind int

const (
	kindScalar kind = iota
	kindObject
	kindArray
)

// plan is what the schema of one position says about binding it.
type plan struct {
	kind     kind
	types    []string // JSON types, "null" excluded (scalars)
	nullable bool

	// objects
	props  map[string]*prop // by the schema's spelling
	folded map[string]*prop // by the lower-cased spelling
	extra  *plan            // additionalProperties; nil: unknown keys are not bound

	// arrays
	item *plan
}

type prop struct {
	name string
	plan *plan
}

// lookup finds the property a key segment binds to: the exact spelling
// first, then case-insensitively. Otherwise, when the object takes
// additional properties, the segment is kept as sent.
func (p *plan) lookup(seg string) (string, *plan, bool) {
	if pr, ok := p.props[seg]; ok {
		return pr.name, pr.plan, true
	}
	if pr, ok := p.folded[strings.ToLower(seg)]; ok {
		return pr.name, pr.plan, true
	}
	if p.extra != nil {
		return seg, p.extra, true
	}
	return "", nil, false
}

// anyPlan binds free-form values: the text, kept as a string.
var anyPlan = &plan{kind: kindScalar}

type planner struct {
	resolve schemanode.Resolver
	seen    map[uintptr]*plan // by schema node identity, so recursive schemas end
	depth   int
}

func (c *planner) compile(node map[string]any) (*plan, error) {
	var id uintptr
	if len(node) > 0 {
		id = reflect.ValueOf(node).Pointer()
		if p, ok := c.seen[id]; ok {
			return p, nil
		}
	}
	c.depth++
	defer func() { c.depth-- }()
	if c.depth > schemanode.MaxDepth {
		return nil, fmt.Errorf("schema nests deeper than %d levels", schemanode.MaxDepth)
	}
	p := &plan{}
	if id != 0 {
		c.seen[id] = p // before the children: a recursive schema refers back to p
	}
	s, err := schemanode.Merged(node, c.resolve)
	if err != nil {
		return nil, err
	}
	types := schemanode.Types(s)
	p.nullable = schemanode.Nullable(s)
	switch {
	case slices.Contains(types, "array"):
		p.kind = kindArray
		itemNode, _ := s["items"].(map[string]any)
		if p.item, err = c.compile(itemNode); err != nil {
			return nil, fmt.Errorf("items: %w", err)
		}
	case slices.Contains(types, "object") || s["properties"] != nil:
		p.kind = kindObject
		props, _ := s["properties"].(map[string]any)
		names := make([]string, 0, len(props))
		for name := range props {
			names = append(names, name)
		}
		sort.Strings(names) // of two names that fold alike, the first in order binds
		p.props = make(map[string]*prop, len(names))
		p.folded = make(map[string]*prop, len(names))
		for _, name := range names {
			pn, ok := props[name].(map[string]any)
			if !ok {
				continue // a boolean schema binds nothing in particular
			}
			child, err := c.compile(pn)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			pr := &prop{name: name, plan: child}
			p.props[name] = pr
			if _, dup := p.folded[strings.ToLower(name)]; !dup {
				p.folded[strings.ToLower(name)] = pr
			}
		}
		switch ap := s["additionalProperties"].(type) {
		case map[string]any:
			if p.extra, err = c.compile(ap); err != nil {
				return nil, fmt.Errorf("additionalProperties: %w", err)
			}
		case bool:
			if ap {
				p.extra = anyPlan
			}
		case nil:
			if props == nil { // a free-form object keeps what it is sent
				p.extra = anyPlan
			}
		}
	default:
		p.kind = kindScalar
		p.types = types
	}
	return p, nil
}
