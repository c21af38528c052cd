// Package xmlbody decodes XML request and response bodies into the same
// values a JSON body decodes to (map[string]any, []any, json.Number, bool,
// string, nil), and encodes such values back to XML, driven by the OpenAPI
// schema of the media type: its `xml` objects (name, namespace, prefix,
// wrapped, attribute) and the project's extension
// `x-xml-member-order: alphabetical`, which orders an object's members the
// way .NET's DataContractSerializer does.
//
// The schema is compiled into a plan once, at start-up; decoding then walks
// the XML tokens and the plan together, so validation of the decoded value
// reports the same violations, at the same JSON pointers, as for JSON;
// encoding walks the value and the plan together.
//
// It may import: internal/codec/jsonbody, internal/schema/schemanode.
package xmlbody

import (
	"fmt"
	"slices"
	"strings"

	"github.com/chatmock/chatmock/internal/schema/schemanode"
)

// Resolver returns the schema a local reference points to.
type Resolver = schemanode.Resolver

type kind int

const (
	kindScalar kind = iota
	kindObject
	kindArray
)

// element is the plan for one XML element (or attribute).
type element struct {
	name      string // XML local name, encoded as XmlConvert.EncodeLocalName does
	namespace string // expected namespace URI ("" for none)
	prefix    string // the schema's xml.prefix, used when encoding ("" for none)
	attribute bool
	kind      kind
	types     []string // JSON types for a scalar, "null" excluded

	// objects
	members []*member
	ordered bool // DataContract: members in ordinal order of their names
	// additional is the plan of additionalProperties' values (a map such as
	// HttpError.ModelState): each key is an element of its own, named by
	// the key; nil when the schema gives no additionalProperties schema.
	additional *element

	// arrays
	wrapped bool
	item    *element
}

// member is a property of an object: its JSON name and its element's plan.
type member struct {
	key string
	el  *element
}

const maxPlanDepth = schemanode.MaxDepth

type planner struct {
	resolve Resolver
	depth   int
}

// compile builds the plan of node for an element called name in parentNS.
func (p *planner) compile(node map[string]any, name, parentNS string) (*element, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxPlanDepth {
		return nil, fmt.Errorf("schema nests deeper than %d levels (recursive $ref?)", maxPlanDepth)
	}
	own := xmlObject(node) // the property's own xml object wins over its target's
	s, err := schemanode.Merged(node, p.resolve)
	if err != nil {
		return nil, err
	}
	x := xmlObject(s)
	for k, v := range own {
		x[k] = v
	}
	el := &element{name: name, namespace: parentNS}
	if n, ok := x["name"].(string); ok && n != "" {
		el.name = n
	}
	el.name = EncodeLocalName(el.name)
	if ns, ok := x["namespace"].(string); ok {
		el.namespace = ns
	}
	el.prefix, _ = x["prefix"].(string)
	el.attribute, _ = x["attribute"].(bool)
	if _, ok := x["namespace"]; el.attribute && !ok {
		el.namespace = "" // an unprefixed attribute is in no namespace
	}
	el.wrapped, _ = x["wrapped"].(bool)
	types := schemanode.Types(s)
	switch {
	case slices.Contains(types, "array"):
		el.kind = kindArray
		itemNode, _ := s["items"].(map[string]any)
		if itemNode == nil {
			itemNode = map[string]any{}
		}
		itemName := el.name // unnamed items repeat the property's name
		if el.item, err = p.compile(itemNode, itemName, el.namespace); err != nil {
			return nil, err
		}
	case slices.Contains(types, "object") || s["properties"] != nil || isMap(s["additionalProperties"]):
		el.kind = kindObject
		el.ordered = s["x-xml-member-order"] == "alphabetical"
		if ap, ok := s["additionalProperties"].(map[string]any); ok {
			// Named by each key at run time; in the object's namespace
			// unless the schema says otherwise.
			if el.additional, err = p.compile(ap, "", el.namespace); err != nil {
				return nil, fmt.Errorf("additionalProperties: %w", err)
			}
		}
		props, _ := s["properties"].(map[string]any)
		for key, pn := range props {
			pm, ok := pn.(map[string]any)
			if !ok {
				continue
			}
			child, err := p.compile(pm, key, el.namespace)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", key, err)
			}
			el.members = append(el.members, &member{key: key, el: child})
		}
		slices.SortFunc(el.members, func(a, b *member) int { return strings.Compare(a.el.name, b.el.name) })
	default:
		el.kind = kindScalar
		el.types = types
	}
	return el, nil
}

func isMap(v any) bool {
	_, ok := v.(map[string]any)
	return ok
}

func xmlObject(node map[string]any) map[string]any {
	x := map[string]any{}
	if m, ok := node["xml"].(map[string]any); ok {
		for k, v := range m {
			x[k] = v
		}
	}
	return x
}
