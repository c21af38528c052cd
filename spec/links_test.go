package spec

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

const linksDoc = `openapi: 3.1.0
info: {title: rooms, version: "1"}
paths:
  /rooms:
    post:
      operationId: createRoom
      responses:
        "201":
          description: created
          links:
            GetRoom:
              operationId: getRoom
              parameters: {roomId: '$response.body#/id'}
            DeleteRoom: {$ref: '#/components/links/DeleteRoom'}
            ByRef:
              operationRef: '#/paths/~1rooms~1{roomId}/get'
              parameters: {roomId: '{$response.body#/id}', query.limit: 5, query.tags: [a, b]}
              requestBody: '$request.body#/name'
              description: the room made
            Missing: {operationId: nope}
            Both: {operationId: getRoom, operationRef: '#/paths/~1rooms~1{roomId}/get'}
            Neither: {parameters: {roomId: '$response.body#/id'}}
            BadExpression: {operationId: getRoom, parameters: {roomId: '$response.query.id'}}
            Template: {operationId: getRoom, parameters: {roomId: 'rooms/{$response.body#/id}'}}
            Elsewhere: {operationRef: 'other.yaml#/paths/~1rooms/post'}
            NoOperation: {operationRef: '#/paths/~1rooms/put'}
        default:
          description: failed
          links:
            Again: {operationId: createRoom, requestBody: {name: copy}}
  /rooms/{roomId}:
    parameters:
      - {name: roomId, in: path, required: true, schema: {type: string}}
    get:
      operationId: getRoom
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
      responses:
        "200": {$ref: '#/components/responses/Room'}
    delete:
      operationId: deleteRoom
      responses:
        "204": {description: gone}
components:
  responses:
    Room:
      description: a room
      links:
        Delete: {$ref: '#/components/links/DeleteRoom'}
        Bad: {$ref: '#/components/links/Bad'}
  links:
    DeleteRoom:
      operationRef: '#/paths/~1rooms~1%7BroomId%7D/delete'
      parameters: {path.roomId: '$request.path.roomId'}
      description: delete it
    Bad: {operationId: gone}
`

func writeDoc(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// A response's links are read, $refs and operationRefs followed, in status
// then name order; a link that names no operation, or is otherwise wrong,
// is left out with a warning and its operation serves.
func TestLinks(t *testing.T) {
	path := writeDoc(t, "links.yaml", linksDoc)
	set, err := loadPaths(t, nil, path)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(set.Operations()); n != 3 {
		t.Errorf("served %d operations, want 3", n)
	}
	create := operation(t, set, "createRoom")
	want := []Link{
		{Name: "ByRef", Status: "201", Pointer: "/paths/~1rooms/post/responses/201/links/ByRef", OperationID: "getRoom",
			Parameters:  map[string]string{"roomId": "{$response.body#/id}", "query.limit": "5", "query.tags": `["a","b"]`},
			RequestBody: "$request.body#/name", Description: "the room made"},
		{Name: "DeleteRoom", Status: "201", Pointer: "/paths/~1rooms/post/responses/201/links/DeleteRoom", OperationID: "deleteRoom",
			Parameters: map[string]string{"path.roomId": "$request.path.roomId"}, Description: "delete it"},
		{Name: "GetRoom", Status: "201", Pointer: "/paths/~1rooms/post/responses/201/links/GetRoom", OperationID: "getRoom",
			Parameters: map[string]string{"roomId": "$response.body#/id"}},
		{Name: "Again", Status: "default", Pointer: "/paths/~1rooms/post/responses/default/links/Again", OperationID: "createRoom",
			RequestBody: map[string]any{"name": "copy"}},
	}
	if !reflect.DeepEqual(create.Links, want) {
		t.Errorf("createRoom links:\n got %+v\nwant %+v", create.Links, want)
	}
	if got := create.LinkTarget(create.Links[0]); got != operation(t, set, "getRoom") {
		t.Errorf("ByRef's target: %v", got)
	}
	get := operation(t, set, "getRoom")
	wantGet := []Link{{Name: "Delete", Status: "200", Pointer: "/paths/~1rooms~1{roomId}/get/responses/200/links/Delete", OperationID: "deleteRoom",
		Parameters: map[string]string{"path.roomId": "$request.path.roomId"}, Description: "delete it"}}
	if !reflect.DeepEqual(get.Links, wantGet) {
		t.Errorf("getRoom links:\n got %+v\nwant %+v", get.Links, wantGet)
	}
	if l := operation(t, set, "deleteRoom").Links; l != nil {
		t.Errorf("deleteRoom links: %+v", l)
	}
	var got []string
	for _, w := range set.Warnings {
		got = append(got, strings.TrimPrefix(w.String(), path+": "))
	}
	wantWarnings := []string{
		`/paths/~1rooms/post/responses/201/links/BadExpression/parameters/roomId: warning: link "BadExpression" of POST /rooms (201) is left out: runtime expression "$response.query.id": want $url, $method, $statusCode, $request.(path|query|header|body)... or $response.(header|body)...`,
		`/paths/~1rooms/post/responses/201/links/Both: warning: link "Both" of POST /rooms (201) is left out: a link has operationId or operationRef, not both`,
		`/paths/~1rooms/post/responses/201/links/Elsewhere/operationRef: warning: link "Elsewhere" of POST /rooms (201) is left out: operationRef "other.yaml#/paths/~1rooms/post": only operations inside the document are followed`,
		`/paths/~1rooms/post/responses/201/links/Missing/operationId: warning: link "Missing" of POST /rooms (201) is left out: operationId "nope" names no operation of the document`,
		`/paths/~1rooms/post/responses/201/links/Neither: warning: link "Neither" of POST /rooms (201) is left out: the link has neither operationId nor operationRef`,
		`/paths/~1rooms/post/responses/201/links/NoOperation/operationRef: warning: link "NoOperation" of POST /rooms (201) is left out: operationRef "#/paths/~1rooms/put" points to no operation of the document`,
		`/paths/~1rooms/post/responses/201/links/Template/parameters/roomId: warning: link "Template" of POST /rooms (201) is left out: runtime expression "rooms/{$response.body#/id}": expressions embedded in a longer string are not supported`,
		`/components/links/Bad/operationId: warning: link "Bad" of GET /rooms/{roomId} (200) is left out: operationId "gone" names no operation of the document`,
	}
	if !reflect.DeepEqual(got, wantWarnings) {
		t.Errorf("warnings:\n got %q\nwant %q", got, wantWarnings)
	}
	// Strictly, each is fatal; kin-openapi, which checks then, finds Both too.
	_, err = loadPaths(t, []LoadOption{Strict()}, path)
	var le *LoadError
	if !errors.As(err, &le) {
		t.Fatalf("strict: %v", err)
	}
	got = nil
	for _, p := range le.Problems {
		if p.Pointer == "" && strings.Contains(p.Message, "are mutually exclusive") {
			continue
		}
		got = append(got, strings.TrimPrefix(p.String(), path+": "))
	}
	if !reflect.DeepEqual(got, wantWarnings) || len(le.Problems) != len(wantWarnings)+1 {
		t.Errorf("strict:\n%v", err)
	}
}

func TestParseExpression(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Expression
	}{
		{"$url", Expression{Source: "url"}},
		{"$method", Expression{Source: "method"}},
		{"$statusCode", Expression{Source: "statusCode"}},
		{"$request.path.id", Expression{Source: "request.path", Name: "id"}},
		{"$request.query.q", Expression{Source: "request.query", Name: "q"}},
		{"$request.query.filter.name", Expression{Source: "request.query", Name: "filter.name"}},
		{"$request.header.X-Request-ID", Expression{Source: "request.header", Name: "X-Request-ID"}},
		{"$request.body", Expression{Source: "request.body"}},
		{"$request.body#/data/id", Expression{Source: "request.body", Pointer: "/data/id"}},
		{"$response.header.Location", Expression{Source: "response.header", Name: "Location"}},
		{"$response.body#/id", Expression{Source: "response.body", Pointer: "/id"}},
		{"$response.body#", Expression{Source: "response.body"}},
		{"$response.body#/a~1b/0/c~0d", Expression{Source: "response.body", Pointer: "/a~1b/0/c~0d"}},
		{"{$response.body#/id}", Expression{Source: "response.body", Pointer: "/id"}},
		{"general", Expression{Constant: "general"}},
		{"", Expression{}},
		{"a {b} c", Expression{Constant: "a {b} c"}},
	} {
		got, err := ParseExpression(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseExpression(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
	for in, msg := range map[string]string{
		"$":                        `runtime expression "$": want $url`,
		"$foo":                     `runtime expression "$foo": want $url`,
		"$urls":                    `runtime expression "$urls": not a valid $url expression`,
		"$statusCode.x":            `not a valid $statusCode expression`,
		"$request.path.":           `not a valid $request.path expression`,
		"$request.path":            `want $url`,
		"$request.header.Bad Name": `not a valid $request.header expression`,
		"$request.header.":         `not a valid $request.header expression`,
		"$request.body/id":         `not a valid $request.body expression`,
		"$response.body#id":        `not a valid $response.body expression`,
		"$response.body#/a~2":      `not a valid $response.body expression`,
		"$response.body#/a~":       `not a valid $response.body expression`,
		"$response.query.q":        `want $url`,
		"$response.path.id":        `want $url`,
		"rooms/{$request.path.id}": `expressions embedded in a longer string are not supported`,
		"{$request.path.id}/x":     `expressions embedded in a longer string are not supported`,
		"{$request.path.id}{$url}": `expressions embedded in a longer string are not supported`,
		"{$request.path}":          `runtime expression "{$request.path}": want $url`,
	} {
		got, err := ParseExpression(in)
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("ParseExpression(%q) = %+v, %v; want an error with %q", in, got, err, msg)
		}
	}
}

// mastodon is the path of Mastodon's document in the shared corpus (beside
// the repository); without it the test is skipped.
func mastodon(tb testing.TB) string {
	tb.Helper()
	path := filepath.Join("..", "..", "shared", "corpus", "mastodon", "dist", "schema.json")
	if _, err := os.Stat(path); err != nil {
		tb.Skipf("the corpus is not beside the repository: %v", err)
	}
	return path
}

// Mastodon's document links every status response to the status's other
// operations, each through components/links.
func TestMastodonLinks(t *testing.T) {
	set, err := loadPaths(t, nil, mastodon(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range set.Warnings {
		if strings.Contains(w.Message, "link") {
			t.Errorf("warning: %v", w)
		}
	}
	create := operation(t, set, "createStatus")
	if create.Method != "POST" || create.Path != "/api/v1/statuses" {
		t.Fatalf("createStatus is %s %s", create.Method, create.Path)
	}
	if len(create.Links) != 21 {
		t.Errorf("POST /api/v1/statuses has %d links, want 21", len(create.Links))
	}
	var found bool
	for _, l := range create.Links {
		if l.Name != "getStatus" {
			continue
		}
		found = true
		want := Link{Name: "getStatus", Status: "200", Pointer: "/paths/~1api~1v1~1statuses/post/responses/200/links/getStatus",
			OperationID: "getStatus", Parameters: map[string]string{"id": "$response.body#/id"},
			Description: "Get the resource using the response ID"}
		if !reflect.DeepEqual(l, want) {
			t.Errorf("getStatus link:\n got %+v\nwant %+v", l, want)
		}
		if target := create.LinkTarget(l); target == nil || target.Method != "GET" || target.Path != "/api/v1/statuses/{id}" {
			t.Errorf("getStatus's target: %+v", target)
		}
	}
	if !found {
		t.Errorf("no getStatus link: %+v", create.Links)
	}
	total := 0
	for _, op := range set.Operations() {
		total += len(op.Links)
	}
	if total != 252 {
		t.Errorf("the document has %d links, want 252", total)
	}
}

// BenchmarkMastodonLinks reads the links of Mastodon's document (252), the
// part of loading it that collectLinks adds.
//
//	go test -run '^$' -bench MastodonLinks -benchmem ./spec
func BenchmarkMastodonLinks(b *testing.B) {
	srcs, err := FromPaths([]string{mastodon(b)})
	if err != nil {
		b.Fatal(err)
	}
	set, err := Load(context.Background(), srcs)
	if err != nil {
		b.Fatal(err)
	}
	d := set.Documents[0]
	b.ReportAllocs()
	for b.Loop() {
		for _, op := range d.Operations {
			op.Links = nil
		}
		if ps := d.collectLinks(); len(ps) > 0 {
			b.Fatal(ps)
		}
	}
}

// A security requirement naming a scheme in a document with no
// components.securitySchemes at all (found by FuzzDerive) leaves the
// operation out with a warning, as an undefined scheme does.
func TestSecurityWithoutSchemes(t *testing.T) {
	path := writeDoc(t, "nosch.yaml", `openapi: 3.1.0
info: {title: t, version: "1"}
security: [{token: []}]
paths:
  /a:
    get:
      operationId: getA
      responses: {"200": {description: ok}}
  /b:
    get:
      operationId: getB
      security: []
      responses: {"200": {description: ok}}
`)
	set, err := loadPaths(t, nil, path)
	if err != nil {
		t.Fatal(err)
	}
	if ops := set.Operations(); len(ops) != 1 || ops[0].ID != "getB" {
		t.Errorf("served %v, want getB only", ops)
	}
	var msgs []string
	for _, w := range set.Warnings {
		msgs = append(msgs, w.Message)
	}
	if !slices.ContainsFunc(msgs, func(m string) bool { return strings.Contains(m, `security scheme "token" is not defined`) }) {
		t.Errorf("warnings %q", msgs)
	}
}
