// Package schemafast answers "is this value valid?" for a schema that
// jsonschema/v6 has already compiled, exactly as (*jsonschema.Schema).Validate
// would, but without building errors, scopes or evaluation state: the
// accept path of request validation.
//
// A Checker is compiled once, at start-up, from a *jsonschema.Schema. The
// caller asks the Checker first and runs jsonschema's Validate only when
// the Checker says no, to get the detailed errors. A schema that uses a
// keyword this package does not implement (unevaluatedProperties,
// $dynamicRef, contentSchema, an unknown extension, ...) does not compile:
// the caller then always uses jsonschema.
//
// Where the Checker cannot be sure it agrees with jsonschema (a value of a
// Go type that is not JSON, a number big.Rat cannot read) it answers no, so
// the caller falls back; it never answers yes where jsonschema would not.
//
// It may import: nothing of the module.
package schemafast

import "github.com/santhosh-tekuri/jsonschema/v6"

// Checker is a compiled, read-only validity test; it is safe for
// concurrent use.
type Checker struct {
	root *node
}

// ExtFunc turns a schema extension (an entry of Schema.Extensions) into a
// predicate that says whether a value satisfies it. It answers false for an
// extension it does not know.
type ExtFunc = func(jsonschema.SchemaExt) (func(v any) bool, bool)

// Compile builds a Checker from a compiled schema. ext translates the
// schema's extensions; with a nil ext any extension makes the schema
// unsupported. ok is false when the schema, anywhere reachable, uses a
// keyword the Checker does not implement.
func Compile(s *jsonschema.Schema, ext func(jsonschema.SchemaExt) (func(v any) bool, bool)) (*Checker, bool) {
	c, why := compile(s, ext)
	return c, why == ""
}

// compile is Compile that says why a schema is unsupported ("" when it is
// supported).
func compile(s *jsonschema.Schema, ext ExtFunc) (*Checker, string) {
	if s == nil {
		return nil, "nil schema"
	}
	cc := &compiler{ext: ext, nodes: map[*jsonschema.Schema]*node{}}
	root := cc.node(s)
	if cc.why == "" {
		cc.why = sameValueCycle(cc.nodes)
	}
	if cc.why != "" {
		return nil, cc.why
	}
	return &Checker{root: root}, ""
}

// Valid reports whether v is valid against the schema. v is a decoded JSON
// value: map[string]any, []any, json.Number, string, bool or nil; the Go
// number types jsonschema accepts (float64, int, int64, ...) work too.
func (c *Checker) Valid(v any) bool {
	var st state
	return c.root.check(v, &st) && !st.unsure
}

// state is what one Valid call carries down the value.
type state struct {
	// unsure is set where jsonschema's answer depends on something the
	// Checker does not reproduce (a non-JSON value inside an enum or
	// uniqueItems comparison, a number big.Rat cannot parse); Valid then
	// answers false.
	unsure bool
}
