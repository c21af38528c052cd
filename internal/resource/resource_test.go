package resource

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chatmock/chatmock/spec"
)

// load loads one document written out to a temporary file.
func load(t *testing.T, doc string) *spec.Set {
	t.Helper()
	p := filepath.Join(t.TempDir(), "api.yaml")
	if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	srcs, err := spec.FromPaths([]string{p})
	if err != nil {
		t.Fatal(err)
	}
	set, err := spec.Load(context.Background(), srcs)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func explain(t *testing.T, m *Model) string {
	t.Helper()
	var b strings.Builder
	if err := m.Explain(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

const chat = `openapi: 3.1.0
info: {title: chat, version: "1"}
paths:
  /v1/conversations:
    post:
      operationId: startConversation
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  conversation: {$ref: '#/components/schemas/Conversation'}
    get:
      operationId: listConversations
      parameters:
        - {name: per_page, in: query, schema: {type: integer, default: 20}}
        - {name: page, in: query, schema: {type: integer, minimum: 1}}
        - {name: starting_after, in: query, schema: {type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  conversations: {type: array, items: {$ref: '#/components/schemas/Conversation'}}
                  tags: {type: array, items: {type: object, properties: {name: {type: string}}}}
  /v1/conversations/{conversationId}:
    get:
      operationId: getConversation
      parameters: [{name: conversationId, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {conversation: {$ref: '#/components/schemas/Conversation'}}}
    post:
      operationId: closeConversation
      parameters: [{name: conversationId, in: path, required: true, schema: {type: string}}]
      responses:
        "204": {description: closed}
  /v1/search:
    post:
      operationId: search
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object, properties: {hits: {type: integer}}}}}}
  /v1/legacy:
    post:
      operationId: legacyCreate
      x-chatmock-store: {create: {kind: legacy, key: '{{answer.id}}'}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object, properties: {id: {type: string}}}}}}
    get:
      operationId: legacyList
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: array, items: {type: object, properties: {id: {type: string}}}}}}}
components:
  schemas:
    Conversation:
      type: object
      properties:
        conversationId: {type: string, format: uuid}
        title: {type: string}
`

// The model of a document: wrappers found, the id named like the path
// parameter, a POST on the item that does not say it updates left alone,
// paging parameters by their usual names, a collection with an explicit
// store and one that creates nothing left out with their reasons.
func TestInferModel(t *testing.T) {
	m, err := Infer(load(t, chat))
	if err != nil {
		t.Fatal(err)
	}
	want := `api: resource conversations (inferred from /v1/conversations)
  keyed by id in conversationId, new ids are uuids
  create   POST   /v1/conversations  (startConversation): object in conversation
  read     GET    /v1/conversations/{conversationId}  (getConversation): object in conversation
  list     GET    /v1/conversations  (listConversations): items in conversations, limit per_page, page page, cursor starting_after
api: not a resource: POST /v1/legacy: its operations declare their own store or answers
api: not a resource: POST /v1/search: no GET reads or lists what it creates
`
	if got := explain(t, m); got != want {
		t.Errorf("explain:\n%s\nwant:\n%s", got, want)
	}
	list := m.Resources[0].Find(List)
	if p := list.Paging; p.Default != 20 || p.PageBase != 1 {
		t.Errorf("paging %+v: want a default of 20 and pages from 1", p)
	}
}

func TestPagingWindow(t *testing.T) {
	p := Paging{Limit: "per_page", Page: "page", Offset: "offset", Cursor: "after", PageBase: 1, Default: 10}
	tests := []struct {
		query map[string]string
		want  Window
	}{
		{nil, Window{0, 10}},
		{map[string]string{"per_page": "5", "page": "3"}, Window{10, 5}},
		{map[string]string{"per_page": "5", "page": "1"}, Window{0, 5}},
		{map[string]string{"offset": "7"}, Window{7, 10}},
		{map[string]string{"after": "k2"}, Window{3, 10}},
		{map[string]string{"after": "4"}, Window{4, 10}},
		{map[string]string{"per_page": "-1", "offset": "x"}, Window{0, 10}},
	}
	for _, tt := range tests {
		got := p.Window(func(n string) (string, bool) { v, ok := tt.query[n]; return v, ok }, func(c string) int {
			if c == "k2" {
				return 3
			}
			return -1
		})
		if got != tt.want {
			t.Errorf("%v: %+v, want %+v", tt.query, got, tt.want)
		}
	}
}

// New ids honour the id's schema.
func TestNewID(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	none := func(string) bool { return false }
	tests := []struct {
		r    *Resource
		want string // a regular expression
	}{
		{&Resource{idSchema: map[string]any{"type": "string", "pattern": "^CH[0-9a-fA-F]{32}$"}}, `^CH[0-9a-fA-F]{32}$`},
		{&Resource{idSchema: map[string]any{"type": "string", "format": "uuid"}}, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`},
		{&Resource{idSchema: map[string]any{"type": "string"}, example: "CON-63f61863-4a51"}, `^CON-[0-9a-f]{8}-[0-9a-f]{4}$`},
		{&Resource{idSchema: map[string]any{"type": "string"}, example: "{roomId}"}, `^[0-9a-f]{24}$`},
		{&Resource{idSchema: map[string]any{"type": "string"}, digits: true}, `^[1-9][0-9]{8}$`},
		{&Resource{idSchema: map[string]any{"type": "integer"}}, `^5$`},
	}
	for _, tt := range tests {
		id, err := tt.r.NewID(rnd, 5, none)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(id)
		s := strings.Trim(string(b), `"`)
		if !regexp.MustCompile(tt.want).MatchString(s) {
			t.Errorf("%v: id %s does not match %s", tt.r.idSchema, s, tt.want)
		}
	}
	// integers count on past the ones taken
	r := &Resource{idSchema: map[string]any{"type": "integer"}}
	id, err := r.NewID(rnd, 1, func(k string) bool { return k == "1" || k == "2" })
	if err != nil || id != int64(3) {
		t.Errorf("past 1 and 2 taken: %v, %v; want 3", id, err)
	}
	if _, err := r.NewID(rnd, 1, func(string) bool { return true }); err == nil {
		t.Error("every id taken: want an error")
	}
}

// Values echoed into an answer fit its schema: a form's text converted,
// what does not fit left out.
func TestFits(t *testing.T) {
	role := &Role{}
	tests := []struct {
		v    any
		n    map[string]any
		want any
		ok   bool
	}{
		{"5", map[string]any{"type": "integer"}, int64(5), true},
		{"5.5", map[string]any{"type": "integer"}, nil, false},
		{"true", map[string]any{"type": "boolean"}, true, true},
		{"yes", map[string]any{"type": "boolean"}, nil, false},
		{"hide", map[string]any{"type": "string", "enum": []any{"warn", "hide"}}, "hide", true},
		{"string", map[string]any{"type": "string", "enum": []any{"warn", "hide"}}, nil, false},
		{"abcdef", map[string]any{"type": "string", "maxLength": json.Number("3")}, nil, false},
		{"x1", map[string]any{"type": "string", "pattern": "^[a-z][0-9]$"}, "x1", true},
		{json.Number("2"), map[string]any{"type": "string"}, nil, false},
		{nil, map[string]any{"type": []any{"string", "null"}}, nil, true},
		{nil, map[string]any{"type": "string"}, nil, false},
		{map[string]any{"a": 1}, map[string]any{"type": "object"}, map[string]any{"a": 1}, true},
	}
	for _, tt := range tests {
		got, ok := role.fits(tt.v, tt.n)
		gb, _ := json.Marshal(got)
		wb, _ := json.Marshal(tt.want)
		if ok != tt.ok || ok && string(gb) != string(wb) {
			t.Errorf("fits(%v, %v) = %s, %v; want %s, %v", tt.v, tt.n, gb, ok, wb, tt.ok)
		}
	}
}

func TestSingular(t *testing.T) {
	for in, want := range map[string]string{"rooms": "room", "Channels": "Channel", "categories": "category",
		"addresses": "address", "access": "access", "media": "media", "boxes": "box"} {
		if got := singularOf(in); got != want {
			t.Errorf("singularOf(%q) = %q, want %q", in, got, want)
		}
	}
}

// A declaration that cannot work is refused with its pointer.
func TestDeclaredErrors(t *testing.T) {
	base := `openapi: 3.1.0
info: {title: rpc, version: "1"}
paths:
  /rooms.create:
    post:
      operationId: roomsCreate
      x-chatmock-resource: %s
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object, properties: {room: {type: object, properties: {id: {type: string}}}}}}}}
  /rooms.info:
    get:
      operationId: roomsInfo
      x-chatmock-resource: {name: rooms, action: read}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object}}}}
`
	tests := []struct{ decl, want string }{
		{`{name: rooms, action: make}`, `/paths/~1rooms.create/post/x-chatmock-resource/action: want create, read, replace, merge, update, delete or list, got "make"`},
		{`{action: create}`, `/paths/~1rooms.create/post/x-chatmock-resource: name: required`},
		{`{name: rooms, action: create, id: room.id, colour: red}`, `json: unknown field "colour"`},
		{`{name: rooms, action: create, id: room.id}`, `/paths/~1rooms.info/get/x-chatmock-resource: key: the path has no parameter`},
	}
	for _, tt := range tests {
		_, err := Infer(load(t, strings.Replace(base, "%s", tt.decl, 1)))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want it to say %q", tt.decl, err, tt.want)
		}
	}
}

// A create's answer: the id set, request fields echoed by name and type,
// the path's parameters echoed, time fields now, readOnly fields the
// documented answer lacks filled, and the documented id replaced where a
// url quotes it; what the answer cannot show is kept in the state.
func TestCreated(t *testing.T) {
	r := &Resource{IDField: "sid"}
	role := &Role{Resource: r, props: map[string]map[string]any{
		"sid":           {"type": "string"},
		"friendly_name": {"type": "string"},
		"members_count": {"type": "integer"},
		"service_sid":   {"type": "string"},
		"url":           {"type": "string"},
		"date_created":  {"type": "string", "format": "date-time"},
		"slug":          {"type": "string", "pattern": "^[a-z]{6}$", "readOnly": true},
	}}
	base := map[string]any{"sid": "CHdocumented0", "friendly_name": "doc", "members_count": json.Number("0"),
		"service_sid": "ISdocumented0", "url": "https://x/Services/ISdocumented0/Channels/CHdocumented0",
		"date_created": "2015-01-01T00:00:00Z"}
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	body := map[string]any{"FriendlyName": "general", "MembersCount": "3", "Secret": "kept"}
	ans, st := role.Created(base, body, map[string]string{"ServiceSid": "IS1234567"}, "CH7654321", now, rand.New(rand.NewPCG(1, 1)))
	obj := ans.(map[string]any)
	slug, _ := obj["slug"].(string)
	delete(obj, "slug")
	want := `{"date_created":"2026-12-07T10:00:00Z","friendly_name":"general","members_count":3,"service_sid":"IS1234567","sid":"CH7654321","url":"https://x/Services/IS1234567/Channels/CH7654321"}`
	if got, _ := json.Marshal(obj); string(got) != want || !regexp.MustCompile(`^[a-z]{6}$`).MatchString(slug) {
		t.Errorf("created %s (slug %q)\nwant %s", got, slug, want)
	}
	if st["Secret"] != "kept" || base["sid"] != "CHdocumented0" {
		t.Errorf("state %v; the documented answer %v must stay as documented", st, base)
	}
}

// A list's paging fields follow the records: totals, the page, its size
// and the next page's cursor, which goes on the last page.
func TestListedPaging(t *testing.T) {
	role := &Role{Resource: &Resource{IDField: "id"}, Array: "data", HasObject: true, Paging: Paging{Cursor: "starting_after"},
		props: map[string]map[string]any{"id": {"type": "string"}}}
	base := map[string]any{"data": []any{}, "total_count": json.Number("0"),
		"pages": map[string]any{"page": json.Number("1"), "per_page": json.Number("50"), "total_pages": json.Number("1"),
			"next": map[string]any{"page": json.Number("2"), "starting_after": "abc"}}}
	states := []State{{"id": "c1"}, {"id": "c2"}}
	got, _ := json.Marshal(role.Listed(base, states, Page{Total: 5, Number: 1, Size: 2, Next: "c2"}))
	want := `{"data":[{"id":"c1"},{"id":"c2"}],"pages":{"next":{"page":2,"starting_after":"c2"},"page":1,"per_page":2,"total_pages":3},"total_count":5}`
	if string(got) != want {
		t.Errorf("first page:\n%s\nwant\n%s", got, want)
	}
	got, _ = json.Marshal(role.Listed(base, states[:1], Page{Total: 5, Number: 3, Size: 2}))
	want = `{"data":[{"id":"c1"}],"pages":{"page":3,"per_page":2,"total_pages":3},"total_count":5}`
	if string(got) != want {
		t.Errorf("last page:\n%s\nwant\n%s", got, want)
	}
	if b, _ := json.Marshal(base); !strings.Contains(string(b), `"starting_after":"abc"`) {
		t.Errorf("the documented answer changed: %s", b)
	}
}
