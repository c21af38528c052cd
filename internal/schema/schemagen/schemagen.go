// Package schemagen generates a value valid against a raw OpenAPI 3.1
// schema node, for the mock's `Prefer: dynamic=true`: a body made from the
// schema instead of taken from an example.
//
// Values come out as the rest of the project reads JSON: objects as
// map[string]any, arrays as []any, strings as string, numbers as
// json.Number, booleans as bool and null as nil.
//
// The rules, in order:
//   - $ref and allOf are followed with schemanode.Merged; oneOf and anyOf
//     take their first branch (one that is not `false`; another with
//     Generator.Branch), merged with the parent's own keywords (required
//     lists are joined); an OpenAPI discriminator's property gets the value
//     that names the branch (its mapping key, else its $ref's last name).
//   - const, then default (with Generator.Defaults), then enum (the first
//     value, or a random one with a source).
//   - A type list takes its first non-null type; a null-only type gives
//     nil. A node without a type gets one from its keywords (properties →
//     object, items → array, minLength/pattern/format → string,
//     minimum/multipleOf → number), or else nil, which such a node allows.
//   - Objects get every required property and every other declared one,
//     but not properties whose schema is `false` or `not: {}`, nor optional
//     ones named by a `not: {required: [...]}`. minProperties is filled up
//     from additionalProperties.
//   - Arrays get max(minItems, 1) items, capped by maxItems (prefixItems
//     first). uniqueItems arrays vary their items and drop duplicates.
//   - Strings honour format, minLength, maxLength, x-max-bytes (the output
//     is ASCII, so bytes are characters) and pattern; see [Generator.Generate].
//   - Integers and numbers honour minimum, maximum, exclusiveMinimum,
//     exclusiveMaximum (numbers, or OpenAPI 3.0 booleans) and multipleOf,
//     with exact rational arithmetic. `not: {const: ...}` and
//     `not: {enum: [...]}` are avoided for scalars.
//   - Booleans are true.
//
// Recursion is bounded: once a $ref is met again below itself, the nested
// node gets only its required properties and minItems items, and past
// schemanode.MaxDepth levels objects and arrays come out empty.
//
// It may import: internal/schema/schemanode.
package schemagen

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/chatmock/chatmock/internal/schema/schemanode"
)

// maxBytesKeyword limits a string's length in UTF-8 bytes (spec.MaxBytesKeyword).
const maxBytesKeyword = "x-max-bytes"

// Generator makes values from schemas. Its randomness comes from the
// *rand.Rand it is given, so a seeded source gives repeatable values; a nil
// source gives deterministic "first choice" values.
//
// A Generator with a source is not safe for concurrent use (neither is
// *rand.Rand); one without a source is.
type Generator struct {
	resolve  schemanode.Resolver
	rnd      *rand.Rand
	now      func() time.Time
	branch   int  // which branch of a oneOf or anyOf: this one, modulo their number
	defaults bool // a schema's default is its value
}

// Defaults is a generator that gives a schema with a default its default:
// the value a client sees when it leaves the field out. A caller checks
// the result, since a document's default may break its own schema.
func (g *Generator) Defaults() *Generator {
	c := *g
	c.defaults = true
	return &c
}

// Branch is a generator whose oneOf and anyOf take their k-th branch
// (modulo how many they have) instead of the first: a caller whose value
// matched two branches of a oneOf tries again with another.
func (g *Generator) Branch(k int) *Generator {
	c := *g
	c.branch = k
	return &c
}

// New returns a generator that follows $refs with resolve and takes the
// current time (format date-time, date, time) from now. A nil resolve
// refuses every $ref; a nil now is time.Now.
func New(resolve schemanode.Resolver, rnd *rand.Rand, now func() time.Time) *Generator {
	if resolve == nil {
		resolve = func(ref string) (map[string]any, error) {
			return nil, fmt.Errorf("$ref %q: no resolver", ref)
		}
	}
	if now == nil {
		now = time.Now
	}
	return &Generator{resolve: resolve, rnd: rnd, now: now}
}

// state is where the walk is.
type state struct {
	depth int
	refs  []string // $refs being expanded above this node
	salt  int      // > 0 asks for a variant (items of a uniqueItems array)
}

// Generate returns a value valid against schema.
//
// Strings: the candidates are the format's value (date-time is now in RFC
// 3339; date, time; uri/url "https://example.com/..."; email; uuid;
// hostname, ipv4, ipv6, duration, ...), a plain word ("string", or a
// random alphanumeric word with a source), digits and an alphanumeric mix,
// each fitted to minLength/maxLength/x-max-bytes. Without a pattern the
// first that fits is taken. With a pattern the first candidate the Go
// regexp matches is kept; if none does, a string is built from the
// pattern's syntax tree (character classes, literals, groups, the first
// alternative, quantifiers repeated as often as the length limits need).
// When even that fails (a pattern Go cannot compile, lookarounds, limits
// that contradict the pattern) the best candidate is returned, which may
// not match.
//
// Generate fails only when a $ref cannot be resolved or a schema is
// `false`; a value it returns can still be invalid for schemas it does not
// understand fully (see the package documentation for what is read):
// if/then/else, contains, dependentSchemas, patternProperties,
// propertyNames and `not` beyond const/enum/required are ignored, and
// oneOf's first branch is not checked against the others.
func (g *Generator) Generate(schema map[string]any) (any, error) {
	return g.gen(schema, state{})
}

func (g *Generator) gen(node any, st state) (any, error) {
	switch n := node.(type) {
	case nil:
		return nil, nil
	case bool:
		if !n {
			return nil, errors.New("schema false allows no value")
		}
		return nil, nil
	case map[string]any:
		return g.genNode(n, st)
	}
	return nil, fmt.Errorf("schema is a %T, want an object or a boolean", node)
}

func (g *Generator) genNode(node map[string]any, st state) (any, error) {
	var refs []string
	resolve := func(ref string) (map[string]any, error) {
		refs = append(refs, ref)
		return g.resolve(ref)
	}
	m, err := g.merge(node, resolve)
	if err != nil {
		return nil, err
	}
	recursive := false
	for _, r := range refs {
		if slices.Contains(st.refs, r) {
			recursive = true
		}
	}
	child := state{depth: st.depth + 1, salt: st.salt}
	child.refs = append(slices.Clip(st.refs), refs...)
	stop := st.depth >= schemanode.MaxDepth

	if c, ok := m["const"]; ok {
		return deepCopy(c), nil
	}
	if d, ok := m["default"]; ok && g.defaults {
		return deepCopy(d), nil
	}
	if e, ok := m["enum"].([]any); ok && len(e) > 0 {
		return deepCopy(g.pickEnum(m, e, st.salt)), nil
	}
	types := schemanode.Types(m)
	typ := ""
	if len(types) > 0 {
		typ = types[0]
	} else if !schemanode.Nullable(m) {
		typ = inferType(m)
	}
	switch typ {
	case "object":
		if stop {
			return map[string]any{}, nil
		}
		return g.genObject(m, child, recursive)
	case "array":
		if stop {
			return []any{}, nil
		}
		return g.genArray(m, child, recursive)
	case "string":
		return g.genString(m, st.salt), nil
	case "integer":
		return g.genNumber(m, true, st.salt), nil
	case "number":
		return g.genNumber(m, false, st.salt), nil
	case "boolean":
		b := st.salt%2 == 0
		if excluded(m, b) {
			b = !b
		}
		return b, nil
	}
	return nil, nil
}

func inferType(m map[string]any) string {
	has := func(keys ...string) bool {
		for _, k := range keys {
			if _, ok := m[k]; ok {
				return true
			}
		}
		return false
	}
	switch {
	case has("properties", "required", "additionalProperties", "minProperties", "maxProperties"):
		return "object"
	case has("items", "prefixItems", "minItems", "maxItems", "uniqueItems"):
		return "array"
	case has("minLength", "maxLength", "pattern", "format", maxBytesKeyword):
		return "string"
	case has("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"):
		return "number"
	}
	return ""
}

func (g *Generator) pickEnum(m map[string]any, values []any, salt int) any {
	allowed := make([]any, 0, len(values))
	for _, v := range values {
		if !excluded(m, v) {
			allowed = append(allowed, v)
		}
	}
	if len(allowed) == 0 {
		allowed = values
	}
	i := salt % len(allowed)
	if g.rnd != nil {
		i = g.rnd.IntN(len(allowed))
	}
	return allowed[i]
}

func (g *Generator) genObject(m map[string]any, child state, recursive bool) (any, error) {
	props, _ := m["properties"].(map[string]any)
	required := stringList(m["required"])
	var forbidden []string
	if not, ok := m["not"].(map[string]any); ok {
		forbidden = stringList(not["required"])
	}
	names := make([]string, 0, len(props)+len(required))
	for k := range props {
		names = append(names, k)
	}
	for _, r := range required {
		if _, ok := props[r]; !ok {
			names = append(names, r)
		}
	}
	slices.Sort(names)
	names = slices.Compact(names)
	extra := m["additionalProperties"]
	out := map[string]any{}
	for _, name := range names {
		isReq := slices.Contains(required, name)
		if !isReq && (recursive || slices.Contains(forbidden, name)) {
			continue
		}
		ps, declared := props[name]
		if !declared {
			ps = extra
			if ps == false {
				ps = nil
			}
		}
		if declared {
			never, err := g.never(ps)
			if err != nil {
				return nil, err
			}
			if never {
				continue
			}
		}
		v, err := g.gen(ps, child)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = v
	}
	if minP := intKeyword(m, "minProperties", 0); len(out) < minP && extra != false {
		for i := 1; len(out) < minP; i++ {
			name := "property" + strconv.Itoa(i)
			if _, ok := out[name]; ok {
				continue
			}
			v, err := g.gen(extra, child)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			out[name] = v
		}
	}
	return out, nil
}

// never tells whether a property schema allows no value: `false`, or
// `not: {}` / `not: true`.
func (g *Generator) never(ps any) (bool, error) {
	switch p := ps.(type) {
	case bool:
		return !p, nil
	case map[string]any:
		m, err := schemanode.Merged(p, g.resolve)
		if err != nil {
			return false, err
		}
		switch not := m["not"].(type) {
		case bool:
			return not, nil
		case map[string]any:
			return len(not) == 0, nil
		}
	}
	return false, nil
}

func (g *Generator) genArray(m map[string]any, child state, recursive bool) (any, error) {
	minItems := intKeyword(m, "minItems", 0)
	maxItems := intKeyword(m, "maxItems", -1)
	n := max(minItems, 1)
	if recursive {
		n = minItems
	}
	if maxItems >= 0 && n > maxItems {
		n = maxItems
	}
	prefix, _ := m["prefixItems"].([]any)
	items, hasItems := m["items"]
	unique, _ := m["uniqueItems"].(bool)
	out := make([]any, 0, n)
	for i := range n {
		var s any
		switch {
		case i < len(prefix):
			s = prefix[i]
		case hasItems && items == false:
			return out, nil
		case hasItems:
			s = items
		}
		if !unique {
			v, err := g.gen(s, child)
			if err != nil {
				return nil, fmt.Errorf("item %d: %w", i, err)
			}
			out = append(out, v)
			continue
		}
		v, err := g.uniqueItem(s, child, i, out)
		if err != nil {
			return nil, fmt.Errorf("item %d: %w", i, err)
		}
		if v != nil {
			out = append(out, *v)
		}
	}
	return out, nil
}

// uniqueItem generates item i of a uniqueItems array, one that differs from
// the items before it: random tries first (with a source), then variants
// by salt. It returns nil when it finds none; the array is then shorter.
func (g *Generator) uniqueItem(s any, child state, i int, before []any) (*any, error) {
	fresh := func(v any) bool { return !slices.ContainsFunc(before, func(o any) bool { return jsonEqual(o, v) }) }
	if g.rnd != nil {
		for range 4 {
			v, err := g.gen(s, child)
			if err != nil {
				return nil, err
			}
			if fresh(v) {
				return &v, nil
			}
		}
	}
	fixed := &Generator{resolve: g.resolve, now: g.now}
	for try := range 16 {
		st := child
		st.salt = child.salt + i + try
		v, err := fixed.gen(s, st)
		if err != nil {
			return nil, err
		}
		if fresh(v) {
			return &v, nil
		}
	}
	return nil, nil
}

// excluded tells whether v is ruled out by the node's `not: {const: ...}`
// or `not: {enum: [...]}`.
func excluded(m map[string]any, v any) bool {
	not, ok := m["not"].(map[string]any)
	if !ok {
		return false
	}
	if c, ok := not["const"]; ok && jsonEqual(c, v) {
		return true
	}
	if e, ok := not["enum"].([]any); ok {
		return slices.ContainsFunc(e, func(x any) bool { return jsonEqual(x, v) })
	}
	return false
}

func stringList(v any) []string {
	var out []string
	switch l := v.(type) {
	case []any:
		for _, x := range l {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	case []string:
		out = append(out, l...)
	}
	return out
}

// intKeyword reads a non-negative integer keyword, def when it is absent
// or not an integer.
func intKeyword(m map[string]any, key string, def int) int {
	r, ok := toRat(m[key])
	if !ok || !r.IsInt() || r.Sign() < 0 || !r.Num().IsInt64() {
		return def
	}
	n := r.Num().Int64()
	if n > 1<<30 {
		n = 1 << 30
	}
	return int(n)
}

// toRat reads a JSON number (json.Number, or a Go number from a
// hand-written schema) exactly.
func toRat(v any) (*big.Rat, bool) {
	switch n := v.(type) {
	case json.Number:
		return new(big.Rat).SetString(n.String())
	case float64:
		r := new(big.Rat)
		if r.SetFloat64(n) == nil {
			return nil, false
		}
		return r, true
	case float32:
		return toRat(float64(n))
	case int:
		return new(big.Rat).SetInt64(int64(n)), true
	case int64:
		return new(big.Rat).SetInt64(n), true
	case int32:
		return new(big.Rat).SetInt64(int64(n)), true
	case uint64:
		return new(big.Rat).SetInt(new(big.Int).SetUint64(n)), true
	}
	return nil, false
}

// jsonEqual compares JSON values, numbers by value.
func jsonEqual(a, b any) bool {
	if ra, ok := toRat(a); ok {
		rb, ok := toRat(b)
		return ok && ra.Cmp(rb) == 0
	}
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !jsonEqual(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !jsonEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	switch b.(type) {
	case map[string]any, []any:
		return false
	}
	if _, ok := toRat(b); ok {
		return false
	}
	return a == b
}

// deepCopy copies a value taken from the document, so that callers may
// change what Generate returns.
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopy(e)
		}
		return out
	case float64, float32, int, int64, int32, uint64:
		if r, ok := toRat(x); ok {
			return json.Number(ratString(r))
		}
	}
	return v
}

// lengthOK tells whether s fits minLength and the maximum (maxLength and
// x-max-bytes together; -1 for none).
func lengthOK(s string, minLen, maxLen, maxBytes int) bool {
	n := utf8.RuneCountInString(s)
	return n >= minLen && (maxLen < 0 || n <= maxLen) && (maxBytes < 0 || len(s) <= maxBytes)
}
