package schemagen_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"

	"github.com/chatmock/chatmock/internal/schema/schemagen"
	"github.com/chatmock/chatmock/internal/schema/schemanode"
	"github.com/chatmock/chatmock/spec"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

var fixedNow = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

func now() time.Time { return fixedNow }

const seeds = 20

// resolver follows "#/..." references inside raw.
func resolver(raw map[string]any) schemanode.Resolver {
	return func(ref string) (map[string]any, error) {
		if !strings.HasPrefix(ref, "#") {
			return nil, fmt.Errorf("$ref %q is not local", ref)
		}
		frag, err := url.PathUnescape(ref[1:])
		if err != nil {
			return nil, err
		}
		v, ok := spec.Lookup(raw, frag)
		if !ok {
			return nil, fmt.Errorf("$ref %q points to nothing", ref)
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("$ref %q is not a schema object", ref)
		}
		return m, nil
	}
}

// generators returns a generator without a source and one per seed.
func generators(resolve schemanode.Resolver) map[string]func() *schemagen.Generator {
	out := map[string]func() *schemagen.Generator{
		"nil": func() *schemagen.Generator { return schemagen.New(resolve, nil, now) },
	}
	for s := range uint64(seeds) {
		out["seed"+strconv.FormatUint(s+1, 10)] = func() *schemagen.Generator {
			return schemagen.New(resolve, rand.New(rand.NewPCG(s+1, 42)), now)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// check generates from schema with every generator, validates each value,
// checks that generation repeats, and hands each value to extra.
func check(t *testing.T, schema map[string]any, resolve schemanode.Resolver, compiled *jsonschema.Schema,
	extra func(t *testing.T, source string, v any)) {
	t.Helper()
	gens := generators(resolve)
	for _, name := range sortedKeys(gens) {
		t.Run(name, func(t *testing.T) {
			v, err := gens[name]().Generate(schema)
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			if err := compiled.Validate(v); err != nil {
				b, _ := json.Marshal(v)
				t.Fatalf("generated value %s is invalid: %v", b, err)
			}
			if _, err := json.Marshal(v); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
			again, err := gens[name]().Generate(schema)
			if err != nil || !reflect.DeepEqual(v, again) {
				t.Errorf("not repeatable: %#v then %#v (%v)", v, again, err)
			}
			if extra != nil {
				extra(t, name, v)
			}
		})
	}
}

// Every request-body and response schema of the bundled documents.
func TestBundledSchemas(t *testing.T) {
	set, err := spec.Load(context.Background(), spec.Bundled())
	if err != nil {
		t.Fatal(err)
	}
	count := 0
	for _, op := range set.Operations() {
		resolve := resolver(op.Doc.Raw)
		type entry struct {
			name  string
			media *spec.Media
		}
		var entries []entry
		for _, m := range op.RequestBody {
			entries = append(entries, entry{"request " + m.Type, m})
		}
		for _, status := range sortedKeys(op.Responses) {
			for _, m := range op.Responses[status] {
				entries = append(entries, entry{"response " + status + " " + m.Type, m})
			}
		}
		for _, e := range entries {
			t.Run(op.Doc.API+"/"+op.ID+"/"+e.name, func(t *testing.T) {
				if e.media.Schema == nil {
					t.Fatal("media has no compiled schema")
				}
				node, ok := spec.Lookup(op.Doc.Raw, e.media.Pointer+"/schema")
				schema, _ := node.(map[string]any)
				if !ok || schema == nil {
					t.Fatalf("no schema object at %s/schema", e.media.Pointer)
				}
				check(t, schema, resolve, e.media.Schema.Schema, nil)
			})
			count++
		}
	}
	if count < 20 {
		t.Errorf("only %d media schemas found in the bundled documents", count)
	}
}

// compileSchemas loads a document whose components hold schemas, with one
// operation per schema, and returns each compiled with the project's
// compiler (x-max-bytes included), and a resolver over the document.
func compileSchemas(t *testing.T, schemas map[string]any) (map[string]*jsonschema.Schema, *spec.Document) {
	t.Helper()
	paths := map[string]any{}
	for name := range schemas {
		paths["/"+name] = map[string]any{"post": map[string]any{
			"operationId": name,
			"responses": map[string]any{"200": map[string]any{
				"description": "ok",
				"content": map[string]any{"application/json": map[string]any{
					"schema": map[string]any{"$ref": "#/components/schemas/" + name},
				}},
			}},
		}}
	}
	doc := map[string]any{
		"openapi":    "3.1.0",
		"info":       map[string]any{"title": "schemagen test", "version": "1"},
		"paths":      paths,
		"components": map[string]any{"schemas": schemas},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	d, problems := spec.LoadDocument(context.Background(), spec.Source{
		FS: fstest.MapFS{"test.json": {Data: b}}, Path: "test.json", Name: "test.json",
	})
	if len(problems) > 0 {
		t.Fatalf("test document: %v", problems)
	}
	out := map[string]*jsonschema.Schema{}
	for _, op := range d.Operations {
		out[op.ID] = op.Responses["200"][0].Schema.Schema
	}
	return out, d
}

func TestFocused(t *testing.T) {
	identifier := `^[A-Za-z0-9_-]([A-Za-z0-9_ -]*[A-Za-z0-9_-])?$`
	schemas := map[string]any{
		"Enum":      map[string]any{"type": "string", "enum": []any{"a", "b", "c"}},
		"Const":     map[string]any{"const": map[string]any{"k": []any{1, "x", nil}}},
		"DateTime":  map[string]any{"type": "string", "format": "date-time"},
		"Date":      map[string]any{"type": "string", "format": "date"},
		"Formats":   formatsSchema(),
		"Exact12":   map[string]any{"type": "string", "minLength": 12, "maxLength": 12},
		"Short":     map[string]any{"type": "string", "maxLength": 3},
		"Empty":     map[string]any{"type": "string", "maxLength": 0},
		"MaxBytes":  map[string]any{"type": "string", "minLength": 20, "maxLength": 100, "x-max-bytes": 25},
		"Bytes4":    map[string]any{"type": "string", "minLength": 2, "maxLength": 100, "x-max-bytes": 4},
		"Ident":     map[string]any{"type": "string", "minLength": 1, "maxLength": 128, "pattern": identifier},
		"Printable": map[string]any{"type": "string", "minLength": 1, "maxLength": 48, "x-max-bytes": 48, "pattern": `^[ -~]+$`},
		"Class":     map[string]any{"type": "string", "minLength": 40, "pattern": `^[A-Za-z0-9_-]+$`},
		"Upper":     map[string]any{"type": "string", "pattern": `^[A-Z]+$`},
		"Code":      map[string]any{"type": "string", "pattern": `^[A-Z]{3}-[0-9]{4}$`},
		"DotNet":    map[string]any{"type": "string", "pattern": `^/Date\(-?[0-9]+([+-][0-9]{4})?\)/$`},
		"ExclMin":   map[string]any{"type": "integer", "exclusiveMinimum": 0},
		"ExclMax":   map[string]any{"type": "integer", "exclusiveMaximum": -5},
		"Multiple":  map[string]any{"type": "integer", "minimum": 10, "maximum": 100, "multipleOf": 7},
		"Quarter":   map[string]any{"type": "number", "minimum": 0.3, "multipleOf": 0.25},
		"Narrow":    map[string]any{"type": "number", "exclusiveMinimum": 0.1, "exclusiveMaximum": 0.2},
		"NotZero":   map[string]any{"type": "integer", "not": map[string]any{"const": 0}},
		"Nullable":  map[string]any{"type": []any{"string", "null"}, "minLength": 2},
		"NullFirst": map[string]any{"type": []any{"null", "integer"}, "minimum": 3},
		"Null":      map[string]any{"type": "null"},
		"Bool":      map[string]any{"type": "boolean"},
		"AnyOfDate": map[string]any{"type": "string", "anyOf": []any{
			map[string]any{"format": "date-time"},
			map[string]any{"pattern": `^x$`},
		}},
		"Unique": map[string]any{"type": "array", "minItems": 3, "maxItems": 3, "uniqueItems": true,
			"items": map[string]any{"type": "object", "required": []any{"n"}, "properties": map[string]any{
				"n": map[string]any{"type": "integer", "minimum": 1, "maximum": 3},
			}}},
		"Skipped": map[string]any{"type": "object", "additionalProperties": false, "properties": map[string]any{
			"id":    map[string]any{"not": map[string]any{}},
			"never": false,
			"name":  map[string]any{"type": "string"},
		}},
		"Node": map[string]any{"type": "object", "required": []any{"name"}, "properties": map[string]any{
			"name":     map[string]any{"type": "string"},
			"children": map[string]any{"type": "array", "items": map[string]any{"$ref": "#/components/schemas/Node"}},
			"parent":   map[string]any{"$ref": "#/components/schemas/Node"},
		}},
		"List": map[string]any{"type": "array", "items": map[string]any{"$ref": "#/components/schemas/List"}},
	}
	compiled, doc := compileSchemas(t, schemas)
	resolve := resolver(doc.Raw)
	raw := func(name string) map[string]any {
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	str := func(t *testing.T, v any) string {
		t.Helper()
		s, ok := v.(string)
		if !ok {
			t.Fatalf("got %#v, want a string", v)
		}
		return s
	}
	num := func(t *testing.T, v any) json.Number {
		t.Helper()
		n, ok := v.(json.Number)
		if !ok {
			t.Fatalf("got %#v (%T), want a json.Number", v, v)
		}
		return n
	}
	// whenNil applies want only to the deterministic generator.
	whenNil := func(want any) func(t *testing.T, source string, v any) {
		return func(t *testing.T, source string, v any) {
			if source == "nil" && !reflect.DeepEqual(v, want) {
				t.Errorf("got %#v, want %#v", v, want)
			}
		}
	}
	cases := []struct {
		name  string
		extra func(t *testing.T, source string, v any)
	}{
		{"Enum", whenNil("a")},
		{"Const", func(t *testing.T, _ string, v any) {
			want := map[string]any{"k": []any{json.Number("1"), "x", nil}}
			if !reflect.DeepEqual(v, want) {
				t.Errorf("got %#v, want %#v", v, want)
			}
		}},
		{"DateTime", func(t *testing.T, _ string, v any) {
			if s := str(t, v); s != "2025-01-02T03:04:05Z" {
				t.Errorf("got %q, want the fixed now", s)
			}
		}},
		{"Date", func(t *testing.T, _ string, v any) {
			if s := str(t, v); s != "2025-01-02" {
				t.Errorf("got %q", s)
			}
		}},
		{"Formats", func(t *testing.T, source string, v any) {
			obj := v.(map[string]any)
			if source == "nil" {
				for k, want := range map[string]string{
					"uri":   "https://example.com/resource",
					"email": "user@example.com",
					"uuid":  "3fa85f64-5717-4562-b3fc-2c963f66afa6",
				} {
					if obj[k] != want {
						t.Errorf("%s = %#v, want %q", k, obj[k], want)
					}
				}
			}
			if !strings.HasPrefix(str(t, obj["url"]), "https://example.com/") {
				t.Errorf("url = %#v", obj["url"])
			}
		}},
		{"Exact12", func(t *testing.T, _ string, v any) {
			if n := len(str(t, v)); n != 12 {
				t.Errorf("length %d, want 12", n)
			}
		}},
		{"Short", whenNil("str")},
		{"Empty", whenNil("")},
		{"MaxBytes", func(t *testing.T, _ string, v any) {
			if s := str(t, v); len(s) < 20 || len(s) > 25 || utf8.RuneCountInString(s) != len(s) {
				t.Errorf("%q: want 20 to 25 ASCII characters", s)
			}
		}},
		{"Bytes4", func(t *testing.T, _ string, v any) {
			if s := str(t, v); len(s) < 2 || len(s) > 4 {
				t.Errorf("%q: want 2 to 4 bytes", s)
			}
		}},
		{"Ident", func(t *testing.T, source string, v any) {
			s := str(t, v)
			if !regexp.MustCompile(identifier).MatchString(s) {
				t.Errorf("%q does not match", s)
			}
			if source == "nil" && s != "string" {
				t.Errorf("got %q, want the plain word", s)
			}
		}},
		{"Printable", nil},
		{"Class", func(t *testing.T, _ string, v any) {
			if s := str(t, v); len(s) < 40 {
				t.Errorf("%q shorter than 40", s)
			}
		}},
		{"Upper", whenNil("AAAAA")},
		{"Code", whenNil("AAA-0000")},
		{"DotNet", nil},
		{"ExclMin", func(t *testing.T, source string, v any) {
			n, err := num(t, v).Int64()
			if err != nil || n <= 0 {
				t.Errorf("got %v, want a positive integer", v)
			}
			if source == "nil" && n != 1 {
				t.Errorf("got %d, want 1", n)
			}
		}},
		{"ExclMax", whenNil(json.Number("-6"))},
		{"Multiple", func(t *testing.T, source string, v any) {
			n, err := num(t, v).Int64()
			if err != nil || n%7 != 0 || n < 10 || n > 100 {
				t.Errorf("got %v", v)
			}
			if source == "nil" && n != 14 {
				t.Errorf("got %d, want 14", n)
			}
		}},
		{"Quarter", whenNil(json.Number("0.5"))},
		{"Narrow", whenNil(json.Number("0.15"))},
		{"NotZero", whenNil(json.Number("1"))},
		{"Nullable", func(t *testing.T, _ string, v any) {
			if len(str(t, v)) < 2 {
				t.Errorf("got %q", v)
			}
		}},
		{"NullFirst", whenNil(json.Number("3"))},
		{"Null", func(t *testing.T, _ string, v any) {
			if v != nil {
				t.Errorf("got %#v, want nil", v)
			}
		}},
		{"Bool", whenNil(true)},
		{"AnyOfDate", func(t *testing.T, _ string, v any) {
			if s := str(t, v); s != "2025-01-02T03:04:05Z" {
				t.Errorf("got %q, want the first branch's date-time", s)
			}
		}},
		{"Unique", func(t *testing.T, _ string, v any) {
			if n := len(v.([]any)); n != 3 {
				t.Errorf("%d items, want 3", n)
			}
		}},
		{"Skipped", func(t *testing.T, _ string, v any) {
			obj := v.(map[string]any)
			if _, ok := obj["name"]; !ok || len(obj) != 1 {
				t.Errorf("got %#v, want only name", obj)
			}
		}},
		{"Node", func(t *testing.T, _ string, v any) {
			// The first level expands Node's properties; below it, where Node
			// recurs, only the required name.
			obj := v.(map[string]any)
			parent, ok := obj["parent"].(map[string]any)
			if !ok || len(parent) != 1 {
				t.Errorf("parent = %#v, want only its name", obj["parent"])
			}
			children, ok := obj["children"].([]any)
			if !ok || len(children) != 1 {
				t.Fatalf("children = %#v", obj["children"])
			}
			if c := children[0].(map[string]any); len(c) != 1 {
				t.Errorf("child = %#v, want only its name", c)
			}
		}},
		{"List", func(t *testing.T, _ string, v any) {
			if !reflect.DeepEqual(v, []any{[]any{}}) {
				t.Errorf("got %#v, want [[]]", v)
			}
		}},
	}
	if len(cases) != len(schemas) {
		t.Fatalf("%d cases for %d schemas", len(cases), len(schemas))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			check(t, raw(c.name), resolve, compiled[c.name], c.extra)
		})
	}
}

func formatsSchema() map[string]any {
	props := map[string]any{}
	var required []any
	for _, f := range []string{"date-time", "date", "time", "duration", "email", "idn-email", "hostname",
		"ipv4", "ipv6", "uri", "url", "iri", "uri-reference", "iri-reference", "uri-template", "uuid",
		"json-pointer", "relative-json-pointer", "byte", "semver", "period"} {
		props[f] = map[string]any{"type": "string", "format": f}
		required = append(required, f)
	}
	return map[string]any{"type": "object", "required": required, "properties": props}
}

// A required cycle has no finite valid value; generation still stops, with
// an empty object once schemanode.MaxDepth levels deep.
func TestRequiredCycleStops(t *testing.T) {
	raw := map[string]any{"components": map[string]any{"schemas": map[string]any{
		"Chain": map[string]any{"type": "object", "required": []any{"next"}, "properties": map[string]any{
			"next": map[string]any{"$ref": "#/components/schemas/Chain"},
		}},
	}}}
	for name, gen := range generators(resolver(raw)) {
		t.Run(name, func(t *testing.T) {
			v, err := gen().Generate(map[string]any{"$ref": "#/components/schemas/Chain"})
			if err != nil {
				t.Fatal(err)
			}
			depth := 0
			for {
				m := v.(map[string]any)
				next, ok := m["next"]
				if !ok {
					break
				}
				v, depth = next, depth+1
			}
			if depth != schemanode.MaxDepth {
				t.Errorf("depth %d, want %d", depth, schemanode.MaxDepth)
			}
		})
	}
}

// Tencent's response is oneOf success/failure: the value satisfies the
// first branch only.
func TestTencentOneOfFirstBranch(t *testing.T) {
	set, err := spec.Load(context.Background(), spec.Bundled())
	if err != nil {
		t.Fatal(err)
	}
	var op *spec.Operation
	for _, o := range set.Operations() {
		if o.ID == "create_group" {
			op = o
		}
	}
	if op == nil {
		t.Fatal("no create_group operation")
	}
	media := op.Responses["200"][0]
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource("mem:///tencent.json", any(op.Doc.Raw)); err != nil {
		t.Fatal(err)
	}
	success, err := c.Compile("mem:///tencent.json#/components/schemas/CreateGroupSuccess")
	if err != nil {
		t.Fatal(err)
	}
	failure, err := c.Compile("mem:///tencent.json#/components/schemas/ErrorResponse")
	if err != nil {
		t.Fatal(err)
	}
	schema := map[string]any{"$ref": "#/components/schemas/CreateGroupResponse"}
	check(t, schema, resolver(op.Doc.Raw), media.Schema.Schema, func(t *testing.T, source string, v any) {
		if err := success.Validate(v); err != nil {
			t.Errorf("not a CreateGroupSuccess: %v", err)
		}
		if failure.Validate(v) == nil {
			t.Error("also an ErrorResponse: oneOf would fail")
		}
		obj := v.(map[string]any)
		if obj["ActionStatus"] != "OK" || obj["ErrorCode"] != json.Number("0") {
			t.Errorf("got %#v", obj)
		}
	})
}

// Values vary with the seed and generation errors are reported.
func TestSeedsVaryAndErrors(t *testing.T) {
	schema := map[string]any{"type": "object", "required": []any{"s", "n"}, "properties": map[string]any{
		"s": map[string]any{"type": "string"},
		"n": map[string]any{"type": "integer", "minimum": 0, "maximum": 1000000},
	}}
	seen := map[string]bool{}
	for s := range uint64(seeds) {
		v, err := schemagen.New(nil, rand.New(rand.NewPCG(s, 1)), now).Generate(schema)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(v)
		seen[string(b)] = true
	}
	if len(seen) < seeds/2 {
		t.Errorf("only %d distinct values from %d seeds", len(seen), seeds)
	}
	if _, err := schemagen.New(nil, nil, now).Generate(map[string]any{"$ref": "#/components/schemas/Missing"}); err == nil {
		t.Error("an unresolvable $ref should fail")
	}
	// Mutating a generated const must not change the schema.
	schema = map[string]any{"const": map[string]any{"a": []any{"b"}}}
	v, _ := schemagen.New(nil, nil, now).Generate(schema)
	v.(map[string]any)["a"].([]any)[0] = "changed"
	if schema["const"].(map[string]any)["a"].([]any)[0] != "b" {
		t.Error("Generate returned the schema's own const")
	}
}

// Branch picks another branch of a oneOf or anyOf, modulo their number.
func TestBranch(t *testing.T) {
	node := map[string]any{"oneOf": []any{
		map[string]any{"type": "object", "properties": map[string]any{"a": map[string]any{"type": "string"}}},
		false,
		map[string]any{"type": "null"},
	}}
	g := schemagen.New(nil, nil, now)
	for k, want := range map[int]string{0: `{"a":"string"}`, 1: `null`, 2: `{"a":"string"}`} {
		v, err := g.Branch(k).Generate(node)
		if b, _ := json.Marshal(v); err != nil || string(b) != want {
			t.Errorf("Branch(%d): %s %v, want %s", k, b, err, want)
		}
	}
}

// A discriminator's property gets the value that selects the branch made:
// its mapping's key, else the name its $ref ends with.
func TestDiscriminator(t *testing.T) {
	defs := map[string]map[string]any{
		"Text":  {"type": "object", "properties": map[string]any{"kind": map[string]any{"type": "string"}, "text": map[string]any{"type": "string"}}},
		"Image": {"type": "object", "properties": map[string]any{"kind": map[string]any{"type": "string"}, "url": map[string]any{"type": "string"}}},
	}
	resolve := func(ref string) (map[string]any, error) { return defs[ref[strings.LastIndexByte(ref, '/')+1:]], nil }
	for _, tt := range []struct {
		mapping any
		branch  int
		want    string
	}{
		{nil, 0, "Text"},
		{nil, 1, "Image"},
		{map[string]any{"text": "#/components/schemas/Text", "image": "#/components/schemas/Image"}, 1, "image"},
	} {
		disc := map[string]any{"propertyName": "kind"}
		if tt.mapping != nil {
			disc["mapping"] = tt.mapping
		}
		node := map[string]any{"oneOf": []any{map[string]any{"$ref": "#/components/schemas/Text"}, map[string]any{"$ref": "#/components/schemas/Image"}}, "discriminator": disc}
		v, err := schemagen.New(resolve, nil, now).Branch(tt.branch).Generate(node)
		m, _ := v.(map[string]any)
		if err != nil || m["kind"] != tt.want {
			t.Errorf("branch %d, mapping %v: %v %v, want kind %q", tt.branch, tt.mapping, v, err, tt.want)
		}
	}
}

// With Defaults, a schema's default is its value.
func TestDefaults(t *testing.T) {
	node := map[string]any{"type": "object", "required": []any{"limit", "sort"}, "properties": map[string]any{
		"limit": map[string]any{"type": "integer", "default": json.Number("20")},
		"sort":  map[string]any{"type": "string", "enum": []any{"asc", "desc"}, "default": "desc"},
	}}
	g := schemagen.New(nil, nil, now)
	v, err := g.Defaults().Generate(node)
	if b, _ := json.Marshal(v); err != nil || string(b) != `{"limit":20,"sort":"desc"}` {
		t.Errorf("with defaults: %s %v", b, err)
	}
	v, _ = g.Generate(node)
	if b, _ := json.Marshal(v); string(b) == `{"limit":20,"sort":"desc"}` {
		t.Errorf("without defaults: %s", b)
	}
}
