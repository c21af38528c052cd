package schemafast

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// compiler turns a schema graph into nodes, one per *jsonschema.Schema, so
// that $ref cycles compile to cycles of nodes.
type compiler struct {
	ext   ExtFunc
	nodes map[*jsonschema.Schema]*node
	why   string // the first reason the schema is unsupported
}

func (c *compiler) node(s *jsonschema.Schema) *node {
	if n, ok := c.nodes[s]; ok {
		return n
	}
	n := &node{}
	c.nodes[s] = n
	if c.why == "" {
		c.fill(n, s)
	}
	return n
}

func (c *compiler) fail(s *jsonschema.Schema, format string, args ...any) {
	if c.why == "" {
		c.why = s.Location + ": " + fmt.Sprintf(format, args...)
	}
}

func (c *compiler) list(list []*jsonschema.Schema) []*node {
	if len(list) == 0 {
		return nil
	}
	out := make([]*node, len(list))
	for i, s := range list {
		out[i] = c.node(s)
	}
	return out
}

// optional compiles s, or returns nil for a nil s.
func (c *compiler) optional(s *jsonschema.Schema) *node {
	if s == nil {
		return nil
	}
	return c.node(s)
}

func (c *compiler) fill(n *node, s *jsonschema.Schema) {
	if s.Bool != nil {
		n.isBool, n.boolVal = true, *s.Bool
		return
	}
	c.rejectUnsupported(s)
	if s.Types != nil {
		for _, t := range s.Types.ToStrings() {
			n.types |= kindNames[t]
		}
	}
	if s.Const != nil {
		n.hasConst, n.constVal = true, *s.Const
	}
	if s.Enum != nil {
		n.enum = newEnum(s.Enum.Values)
	}
	n.format = s.Format
	if s.Ref != nil {
		n.ref = c.node(s.Ref)
		n.refOnly = s.DraftVersion < 2019
	}
	n.obj = c.objectRules(s)
	n.arr = c.arrayRules(s)
	n.str = stringRulesOf(s)
	n.num = numberRulesOf(s)
	n.not = c.optional(s.Not)
	n.allOf = c.list(s.AllOf)
	n.anyOf = c.list(s.AnyOf)
	n.oneOf = c.list(s.OneOf)
	n.ifNode, n.then, n.els = c.optional(s.If), c.optional(s.Then), c.optional(s.Else)
	for _, e := range s.Extensions {
		var pred func(any) bool
		ok := false
		if c.ext != nil {
			pred, ok = c.ext(e)
		}
		if !ok || pred == nil {
			c.fail(s, "extension %T", e)
			return
		}
		n.exts = append(n.exts, pred)
	}
}

// rejectUnsupported fails on the keywords the Checker does not implement.
func (c *compiler) rejectUnsupported(s *jsonschema.Schema) {
	switch {
	case s.RecursiveRef != nil:
		c.fail(s, "$recursiveRef")
	case s.DynamicRef != nil:
		c.fail(s, "$dynamicRef")
	case s.UnevaluatedProperties != nil:
		c.fail(s, "unevaluatedProperties")
	case s.UnevaluatedItems != nil:
		c.fail(s, "unevaluatedItems")
	case s.ContentSchema != nil:
		c.fail(s, "contentSchema")
	case s.ContentEncoding != nil && s.ContentEncoding.Decode == nil:
		c.fail(s, "contentEncoding without a decoder")
	case s.ContentMediaType != nil && s.ContentMediaType.Validate == nil:
		c.fail(s, "contentMediaType without a validator")
	case s.Format != nil && s.Format.Validate == nil:
		c.fail(s, "format without a validator")
	case s.MultipleOf != nil && s.MultipleOf.Sign() == 0:
		c.fail(s, "multipleOf 0")
	}
}

func (c *compiler) objectRules(s *jsonschema.Schema) *objectRules {
	o := &objectRules{minProps: intOr(s.MinProperties), maxProps: intOr(s.MaxProperties), required: s.Required}
	used := s.MinProperties != nil || s.MaxProperties != nil || len(s.Required) > 0
	for _, name := range slices.Sorted(maps.Keys(s.Dependencies)) {
		used = true
		switch dep := s.Dependencies[name].(type) {
		case []string:
			o.depRequired = append(o.depRequired, depRequired{name, dep})
		case *jsonschema.Schema:
			o.depSchemas = append(o.depSchemas, namedNode{name: name, node: c.node(dep)})
		default:
			c.fail(s, "dependencies of type %T", dep)
		}
	}
	if len(s.Properties) > 0 {
		used = true
		o.propIndex = make(map[string]*node, len(s.Properties))
		for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
			n := c.node(s.Properties[name])
			o.props = append(o.props, namedNode{name, n, slices.Contains(s.Required, name)})
			o.propIndex[name] = n
		}
	}
	for _, name := range s.Required {
		if _, ok := s.Properties[name]; !ok {
			o.extraRequired = append(o.extraRequired, name)
		}
	}
	patterns := slices.SortedFunc(maps.Keys(s.PatternProperties), func(a, b jsonschema.Regexp) int {
		return strings.Compare(a.String(), b.String())
	})
	for _, re := range patterns {
		used = true
		o.patterns = append(o.patterns, patternNode{re, c.node(s.PatternProperties[re])})
	}
	switch a := s.AdditionalProperties.(type) {
	case nil:
	case bool:
		used, o.noAdditional = used || !a, !a
	case *jsonschema.Schema:
		used, o.additional = true, c.node(a)
	default:
		c.fail(s, "additionalProperties of type %T", a)
	}
	// objValidate stops after additionalProperties in draft 4, and after
	// propertyNames in draft 6.
	if s.DraftVersion != 4 && s.PropertyNames != nil {
		used, o.propertyNames = true, c.node(s.PropertyNames)
	}
	if s.DraftVersion != 4 && s.DraftVersion != 6 {
		for _, name := range slices.Sorted(maps.Keys(s.DependentSchemas)) {
			used = true
			o.depSchemas = append(o.depSchemas, namedNode{name: name, node: c.node(s.DependentSchemas[name])})
		}
		for _, name := range slices.Sorted(maps.Keys(s.DependentRequired)) {
			used = true
			o.depRequired = append(o.depRequired, depRequired{name, s.DependentRequired[name]})
		}
	}
	if !used {
		return nil
	}
	return o
}

func (c *compiler) arrayRules(s *jsonschema.Schema) *arrayRules {
	a := &arrayRules{minItems: intOr(s.MinItems), maxItems: intOr(s.MaxItems), unique: s.UniqueItems,
		minContains: -1, maxContains: -1}
	if s.DraftVersion < 2020 {
		switch items := s.Items.(type) {
		case nil:
		case *jsonschema.Schema:
			a.rest = c.node(items)
		case []*jsonschema.Schema:
			a.prefix = c.list(items)
		default:
			c.fail(s, "items of type %T", items)
		}
		if _, all := s.Items.(*jsonschema.Schema); !all {
			switch more := s.AdditionalItems.(type) {
			case nil:
			case bool:
				a.noRest = !more
			case *jsonschema.Schema:
				a.rest = c.node(more)
			default:
				c.fail(s, "additionalItems of type %T", more)
			}
		}
	} else {
		a.prefix = c.list(s.PrefixItems)
		a.rest = c.optional(s.Items2020)
	}
	if s.Contains != nil {
		a.contains = c.node(s.Contains)
		a.minContains, a.maxContains = intOr(s.MinContains), intOr(s.MaxContains)
	}
	if a.minItems < 0 && a.maxItems < 0 && !a.unique && a.prefix == nil && a.rest == nil && !a.noRest && a.contains == nil {
		return nil
	}
	return a
}

func stringRulesOf(s *jsonschema.Schema) *stringRules {
	r := &stringRules{minLength: intOr(s.MinLength), maxLength: intOr(s.MaxLength), pattern: s.Pattern}
	if s.DraftVersion != 6 {
		r.encoding, r.mediaType = s.ContentEncoding, s.ContentMediaType
	}
	if r.minLength < 0 && r.maxLength < 0 && r.pattern == nil && r.encoding == nil && r.mediaType == nil {
		return nil
	}
	return r
}

func numberRulesOf(s *jsonschema.Schema) *numberRules {
	if s.Minimum == nil && s.Maximum == nil && s.ExclusiveMinimum == nil && s.ExclusiveMaximum == nil && s.MultipleOf == nil {
		return nil
	}
	r := &numberRules{}
	if s.Minimum != nil {
		r.min = newBound(s.Minimum)
	}
	if s.Maximum != nil {
		r.max = newBound(s.Maximum)
	}
	if s.ExclusiveMinimum != nil {
		r.exclMin = newBound(s.ExclusiveMinimum)
	}
	if s.ExclusiveMaximum != nil {
		r.exclMax = newBound(s.ExclusiveMaximum)
	}
	if s.MultipleOf != nil && s.MultipleOf.Sign() != 0 {
		r.multipleOf = newMultiple(s.MultipleOf)
	}
	return r
}

func intOr(p *int) int {
	if p == nil {
		return -1
	}
	return *p
}

// sameValueCycle finds a cycle of schemas applied to one and the same value
// ($ref, allOf, not, ... leading back to a schema already being applied).
// jsonschema reports such a cycle as an error where the Checker would
// recurse for ever, so a schema with one is unsupported.
func sameValueCycle(nodes map[*jsonschema.Schema]*node) string {
	loc := make(map[*node]string, len(nodes))
	for s, n := range nodes {
		loc[n] = s.Location
	}
	const (
		unseen = iota
		active
		done
	)
	color := make(map[*node]int, len(nodes))
	var visit func(n *node) string
	visit = func(n *node) string {
		switch color[n] {
		case active:
			return loc[n] + ": a cycle of schemas applied to the same value"
		case done:
			return ""
		}
		color[n] = active
		for _, m := range n.sameValueEdges() {
			if why := visit(m); why != "" {
				return why
			}
		}
		color[n] = done
		return ""
	}
	for _, n := range nodes {
		if why := visit(n); why != "" {
			return why
		}
	}
	return ""
}

// sameValueEdges lists the schemas n applies to the value n is applied to.
func (n *node) sameValueEdges() []*node {
	out := []*node{n.ref, n.not, n.ifNode, n.then, n.els}
	out = append(out, n.allOf...)
	out = append(out, n.anyOf...)
	out = append(out, n.oneOf...)
	if n.obj != nil {
		for _, d := range n.obj.depSchemas {
			out = append(out, d.node)
		}
	}
	return slices.DeleteFunc(out, func(m *node) bool { return m == nil })
}
