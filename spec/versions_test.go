package spec

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func loadPaths(t *testing.T, opts []LoadOption, paths ...string) (*Set, error) {
	t.Helper()
	srcs, err := FromPaths(paths)
	if err != nil {
		t.Fatal(err)
	}
	return Load(context.Background(), srcs, opts...)
}

func jsonValue(t *testing.T, s string) any {
	t.Helper()
	v, err := decodeValue([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// checkSchema checks what the schema says of each value.
func checkSchema(t *testing.T, name string, s *Schema, cases map[string]bool) {
	t.Helper()
	if s == nil {
		t.Fatalf("%s: no schema", name)
	}
	for v, want := range cases {
		if got := s.Validate(jsonValue(t, v)) == nil; got != want {
			t.Errorf("%s: %s valid = %v, want %v", name, v, got, want)
		}
	}
}

// A Swagger 2.0 document is converted: body and formData parameters become
// request bodies of the consumed media types, x-example an example,
// definitions components, securityDefinitions schemes.
func TestSwagger2(t *testing.T) {
	set, err := loadPaths(t, nil, "testdata/swagger2.json")
	if err != nil {
		t.Fatal(err)
	}
	create := operation(t, set, "createRoom")
	if create.Path != "/rooms" || len(create.RequestBody) != 1 || create.RequestBody[0].Type != "application/json" {
		t.Fatalf("createRoom: %s %+v", create.Path, create.RequestBody)
	}
	checkSchema(t, "createRoom body", create.RequestBody[0].Schema, map[string]bool{`{"name":"general"}`: true, `{}`: false})
	if ex := create.Responses["201"][0].Examples; len(ex) != 1 {
		t.Errorf("createRoom 201 examples: %+v", ex)
	}
	if len(create.Security) != 1 || create.Security[0][0].Type != "apiKey" || create.Security[0][0].Param != "X-Token" {
		t.Errorf("createRoom security: %+v", create.Security)
	}
	post := operation(t, set, "postMessage")
	if len(post.RequestBody) != 1 || post.RequestBody[0].Type != "application/x-www-form-urlencoded" {
		t.Fatalf("postMessage body: %+v", post.RequestBody)
	}
	checkSchema(t, "postMessage form", post.RequestBody[0].Schema, map[string]bool{`{"text":"hi"}`: true, `{"text":"far too long"}`: false, `{}`: false})
	if len(post.Security) != 1 || post.Security[0][0].Scheme != "basic" {
		t.Errorf("postMessage security: %+v", post.Security)
	}
	if len(post.Parameters) != 1 || post.Parameters[0].Sample != "7" {
		t.Errorf("the path parameter's x-example: %+v", post.Parameters)
	}
}

// OpenAPI 3.0 keywords mean what 3.0 says; a defect in one operation
// leaves that operation out, with a warning, unless loading is strict.
func TestOpenAPI30AndLenience(t *testing.T) {
	set, err := loadPaths(t, nil, "testdata/nullable30.yaml")
	if err != nil {
		t.Fatal(err)
	}
	create := operation(t, set, "createRoom")
	checkSchema(t, "3.0 body", create.RequestBody[0].Schema, map[string]bool{
		`{"topic":null,"kind":null,"owner":null}`:            true,
		`{"topic":"x","kind":"public","owner":{"name":"a"}}`: true,
		`{"kind":"other"}`:        false,
		`{"size":1}`:              false, // exclusiveMinimum: true
		`{"size":2}`:              true,
		`{"size":10}`:             true,  // exclusiveMaximum: false
		`{"nullable":{"on":"x"}}`: false, // a property named nullable is a property
	})
	if len(set.Operations()) != 1 {
		t.Errorf("served %d operations, want only createRoom", len(set.Operations()))
	}
	var texts []string
	for _, w := range set.Warnings {
		texts = append(texts, w.String())
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{
		`nullable30.yaml: /paths/~1broken/get/responses/200/content/application~1json/schema: warning: $ref "#/components/schemas/Missing" points to nothing`,
		"(GET /broken is not served)",
		`/paths/~1rooms~1again/get/operationId: warning: operationId "createRoom" is also used by POST /rooms`,
		"(GET /rooms/again is not served)",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings lack %q:\n%s", want, all)
		}
	}
	_, err = loadPaths(t, []LoadOption{Strict()}, "testdata/nullable30.yaml")
	var le *LoadError
	if !errors.As(err, &le) || len(le.Problems) < 2 {
		t.Errorf("strict: %v", err)
	}
}

// $refs into other files are resolved from the file that holds them,
// fragments and whole files, nested and recursive.
func TestSplitDocument(t *testing.T) {
	set, err := loadPaths(t, []LoadOption{Strict()}, "testdata/split/chat.yaml")
	if err != nil {
		t.Fatal(err)
	}
	op := operation(t, set, "getRoom")
	if len(op.Parameters) != 1 || op.Parameters[0].Name != "roomId" || op.Parameters[0].In != "path" {
		t.Fatalf("parameters: %+v", op.Parameters)
	}
	checkSchema(t, "roomId", op.Parameters[0].Schema, map[string]bool{`"R1"`: true, `"x"`: false})
	checkSchema(t, "200", op.Responses["200"][0].Schema, map[string]bool{
		`{"id":"R1","owner":{"name":"abc"},"parent":{"id":"R0","parent":{"id":"R"}}}`: true,
		`{"id":"R1","owner":{"name":"abcdef"}}`:                                       false,
		`{"id":"R1","parent":{}}`:                                                     false, // the recursive Room requires id
	})
	checkSchema(t, "404", op.Responses["404"][0].Schema, map[string]bool{`{"errcode":"M_NOT_FOUND"}`: true, `{}`: false})
	b, _ := json.Marshal(set.Documents[0].Raw)
	if strings.Contains(string(b), ".yaml") {
		t.Errorf("a $ref to another file is left: %s", b)
	}
}

// A $ref never leaves the folder the document was given in, never goes to
// the network, and one that cannot be resolved names its file and pointer.
func TestRefsStayInTheFolder(t *testing.T) {
	set, err := loadPaths(t, nil, "testdata/outside")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(set.Operations()); n != 0 {
		t.Errorf("%d operations served; each has a $ref that does not resolve", n)
	}
	var texts []string
	for _, w := range set.Warnings {
		texts = append(texts, w.String())
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{
		`escape.yaml: /paths/~1a/get/responses/200/content/application~1json/schema: warning: $ref "../split/common/user.yaml": ../split/common/user.yaml is outside`,
		`/paths/~1b/get/responses/200/content/application~1json/schema: warning: $ref "https://example.com/schema.json": only files beside the document are read, not https URLs`,
		`/paths/~1c/get/responses/200/content/application~1json/schema: warning: $ref "nope.yaml#/X": cannot read testdata/outside/nope.yaml`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings lack %q:\n%s", want, all)
		}
	}
	if _, err := loadPaths(t, []LoadOption{Strict()}, "testdata/outside"); err == nil {
		t.Error("strict loading took $refs that do not resolve")
	}
}

// An operation without x-chatmock-errors answers with its own documented
// errors: its example, or a body generated from its schema, with the path
// of its message field.
func TestDocumentedErrors(t *testing.T) {
	set, err := loadPaths(t, []LoadOption{Strict()}, "testdata/split/chat.yaml", "testdata/swagger2.json")
	if err != nil {
		t.Fatal(err)
	}
	op := operation(t, set, "getRoom")
	nf, ok := op.Documented["404"]
	if !ok || nf.MediaType != "application/json" {
		t.Fatalf("404: %+v", op.Documented)
	}
	if m, _ := nf.Value.(map[string]any); m == nil || m["errcode"] == nil {
		t.Errorf("the 404 is generated from its schema (errcode required): %v", nf.Value)
	}
	if err := op.Responses["404"][0].Schema.Validate(nf.Value); err != nil {
		t.Errorf("the generated 404 breaks its schema: %v", err)
	}
	if _, ok := operation(t, set, "createRoom").Documented["201"]; ok {
		t.Error("a success is not an error answer")
	}
	var s map[string]any
	_ = json.Unmarshal([]byte(`{"type":"object","properties":{"errcode":{"type":"string"},"error":{"type":"string"}}}`), &s)
	d := set.Documents[0]
	if got := d.messageField(s, 0); got != "error" {
		t.Errorf("messageField: %q, want error", got)
	}
	_ = json.Unmarshal([]byte(`{"type":"object","properties":{"error":{"type":"object","properties":{"code":{"type":"integer"},"Message":{"type":["string","null"]}}}}}`), &s)
	if got := d.messageField(s, 0); got != "error.Message" {
		t.Errorf("messageField: %q, want error.Message", got)
	}
}

// readOnly properties are not required of a request; writeOnly ones are
// neither required of nor generated in an answer.
func TestReadOnlyAndWriteOnly(t *testing.T) {
	set, err := loadPaths(t, []LoadOption{Strict()}, "testdata/readwrite.yaml")
	if err != nil {
		t.Fatal(err)
	}
	op := operation(t, set, "createUser")
	checkSchema(t, "request", op.RequestBody[0].Schema, map[string]bool{
		`{"name":"a","password":"secret12"}`: true, // no id: it is readOnly
		`{"name":"a"}`:                       false,
		`{"name":"a","password":"short"}`:    false,
	})
	resp := op.Responses["201"][0]
	checkSchema(t, "answer", resp.Schema, map[string]bool{
		`{"id":"U1","name":"a"}`: true, // no password: it is writeOnly
		`{"name":"a"}`:           false,
	})
	v, err := resp.Generate(set.Documents[0], nil, fixedNow)
	m, _ := v.(map[string]any)
	if err != nil || m["id"] == nil || m["name"] == nil {
		t.Fatalf("generated answer %v %v", v, err)
	}
	if _, ok := m["password"]; ok {
		t.Errorf("a writeOnly property in a generated answer: %v", v)
	}
	if err := resp.Schema.Validate(v); err != nil {
		t.Errorf("the generated answer breaks its schema: %v", err)
	}
	// The document itself is left as it was.
	user := set.Documents[0].Raw["components"].(map[string]any)["schemas"].(map[string]any)["User"].(map[string]any)
	if len(user["required"].([]any)) != 3 || user["properties"].(map[string]any)["password"] == nil {
		t.Errorf("the document changed: %v", user)
	}
}

// Format byte is base64 text; binary is anything.
func TestByteFormat(t *testing.T) {
	c, err := newCompiler()
	if err != nil {
		t.Fatal(err)
	}
	var doc any = map[string]any{"properties": map[string]any{"b": map[string]any{"type": "string", "format": "byte"}, "x": map[string]any{"type": "string", "format": "binary"}}}
	if err := c.AddResource("mem:///byte.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("mem:///byte.json")
	if err != nil {
		t.Fatal(err)
	}
	for v, want := range map[string]bool{`{"b":"aGVsbG8="}`: true, `{"b":"aGVsbG8"}`: true, `{"b":"a-_b"}`: true, `{"b":"not base64!"}`: false, `{"x":"\u0000\u00ff"}`: true} {
		if got := s.Validate(jsonValue(t, v)) == nil; got != want {
			t.Errorf("%s: valid %v, want %v", v, got, want)
		}
	}
}

// A schema that is no schema leaves its operation out, naming where it
// fails; the others serve.
func TestSchemaThatIsNoSchema(t *testing.T) {
	set, err := loadPaths(t, nil, "testdata/badschema.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Operations()) != 1 || set.Operations()[0].ID != "good" {
		t.Fatalf("served %d operations", len(set.Operations()))
	}
	checkSchema(t, "good", set.Operations()[0].Responses["200"][0].Schema, map[string]bool{`{"id":"a"}`: true, `{}`: false})
	if len(set.Warnings) != 1 || !strings.Contains(set.Warnings[0].String(), "/paths/~1bad/get/responses/200/content/application~1json/schema/type: warning: not a valid JSON Schema") {
		t.Errorf("warnings: %v", set.Warnings)
	}
}
