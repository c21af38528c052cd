package overlay

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/oasdiff/yaml"
	"github.com/theory/jsonpath"
)

// head is the start of a valid overlay, for the cases to add actions to.
const head = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\n"

// object decodes a JSON object, numbers as json.Number.
func object(t *testing.T, js string) map[string]any {
	t.Helper()
	v, err := decode([]byte(js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%s: not an object", js)
	}
	return m
}

func show(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func mustParse(t *testing.T, src string) *Overlay {
	t.Helper()
	o, err := Parse("o.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestParseErrors(t *testing.T) {
	many := head + "actions:\n" + strings.Repeat("  - {target: $.a, remove: true}\n", MaxActions+1)
	tests := []struct {
		name, src, want string
	}{
		{"too large", strings.Repeat(" ", MaxSize+1), "o.yaml: 8388609 bytes, over the limit of 8388608 (8 MiB)"},
		{"not yaml", "a: [1", "o.yaml: not YAML or JSON: yaml: line 1: did not find expected ',' or ']'"},
		{"not an object", "- 1", "o.yaml: want an overlay object, not an array"},
		{"empty", "", "o.yaml: want an overlay object, not null"},
		{"unknown field", head + "actions: [{target: $, update: {}}]\nextend: x\n",
			"o.yaml: /extend: unknown field (want overlay, info, extends, actions or an x- extension)"},
		{"unknown field escaped", head + "a/b~: 1\nactions: [{target: $, update: {}}]\n",
			"o.yaml: /a~1b~0: unknown field (want overlay, info, extends, actions or an x- extension)"},
		{"overlay missing", "info: {title: t, version: '1'}\nactions: [{target: $, update: {}}]\n",
			`o.yaml: /overlay: missing, want a 1.0.x version string such as "1.0.0"`},
		{"overlay a number", "overlay: 1.0\ninfo: {title: t, version: '1'}\nactions: [{target: $, update: {}}]\n",
			`o.yaml: /overlay: want a 1.0.x version string such as "1.0.0" (quoted in YAML), not a number`},
		{"overlay 1.1", "overlay: 1.1.0\ninfo: {title: t, version: '1'}\nactions: [{target: $, update: {}}]\n",
			`o.yaml: /overlay: want a 1.0.x version string such as "1.0.0", not "1.1.0"`},
		{"info missing", "overlay: 1.0.0\nactions: [{target: $, update: {}}]\n",
			"o.yaml: /info: missing, want an object with title and version"},
		{"info a string", "overlay: 1.0.0\ninfo: t\nactions: [{target: $, update: {}}]\n",
			"o.yaml: /info: want an object with title and version, not a string"},
		{"title missing", "overlay: 1.0.0\ninfo: {version: '1'}\nactions: [{target: $, update: {}}]\n",
			"o.yaml: /info/title: missing, want a string"},
		{"version missing", "overlay: 1.0.0\ninfo: {title: t}\nactions: [{target: $, update: {}}]\n",
			"o.yaml: /info/version: missing, want a string"},
		{"version a number", "overlay: 1.0.0\ninfo: {title: t, version: 1}\nactions: [{target: $, update: {}}]\n",
			"o.yaml: /info/version: want a string, not a number"},
		{"info unknown field", "overlay: 1.0.0\ninfo: {title: t, version: '1', summary: s}\nactions: [{target: $, update: {}}]\n",
			"o.yaml: /info/summary: unknown field (want title, version or an x- extension)"},
		{"extends a list", head + "extends: [a]\nactions: [{target: $, update: {}}]\n",
			"o.yaml: /extends: want a string, not an array"},
		{"extends no URI", head + "extends: '%zz'\nactions: [{target: $, update: {}}]\n",
			`o.yaml: /extends: want a URI reference: parse "%zz": invalid URL escape "%zz"`},
		{"actions missing", head, "o.yaml: /actions: missing, want a list of actions"},
		{"actions an object", head + "actions: {target: $}\n", "o.yaml: /actions: want a list of actions, not an object"},
		{"actions empty", head + "actions: []\n", "o.yaml: /actions: want at least one action"},
		{"too many actions", many, "o.yaml: /actions: 10001 actions, over the limit of 10000"},
		{"action a string", head + "actions: [{target: $, update: {}}, $.a]\n", "o.yaml: /actions/1: want an action object, not a string"},
		{"action unknown field", head + "actions: [{target: $, update: {}, copy: $.b}]\n",
			"o.yaml: /actions/0/copy: unknown field (want target, description, update, remove or an x- extension)"},
		{"target missing", head + "actions: [{update: {}}]\n", "o.yaml: /actions/0/target: missing, want a string"},
		{"target a number", head + "actions: [{target: 1, update: {}}]\n", "o.yaml: /actions/0/target: want a string, not a number"},
		{"target no JSONPath", head + "actions:\n  - {target: $, update: {}}\n  - {target: $, update: {}}\n  - {target: \"$.paths[\", update: {}}\n",
			"o.yaml: /actions/2/target: not RFC 9535 JSONPath: unexpected eof at position 9"},
		{"target not from the root", head + "actions: [{target: paths, update: {}}]\n",
			"o.yaml: /actions/0/target: not RFC 9535 JSONPath: unexpected identifier at position 1"},
		{"description a list", head + "actions: [{target: $, description: [a], update: {}}]\n",
			"o.yaml: /actions/0/description: want a string, not an array"},
		{"remove a string", head + "actions: [{target: $.a, remove: 'yes'}]\n", "o.yaml: /actions/0/remove: want true or false, not a string"},
		{"neither update nor remove", head + "actions: [{target: $.a, description: d}]\n", "o.yaml: /actions/0: want update or remove: true"},
		{"remove false alone", head + "actions: [{target: $.a, remove: false}]\n", "o.yaml: /actions/0: want update or remove: true"},
		{"remove and update", head + "actions: [{target: $.a, remove: true, update: {x: 1}}]\n",
			"o.yaml: /actions/0/update: an action with remove: true takes no update"},
		{"update null", head + "actions: [{target: $.a, update: null}]\n", "o.yaml: /actions/0/update: want a value, not null"},
		{"remove the root", head + "actions: [{target: $, remove: true}]\n",
			"o.yaml: /actions/0/target: remove cannot take the root $ (the whole document)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := Parse("o.yaml", []byte(tc.src))
			if err == nil {
				t.Fatalf("Parse = %+v, want error %q", o, tc.want)
			}
			if err.Error() != tc.want {
				t.Errorf("Parse error\n got %q\nwant %q", err, tc.want)
			}
			var e *Error
			if !errors.As(err, &e) || e.Name != "o.yaml" {
				t.Errorf("Parse error %#v: want an *Error naming o.yaml", err)
			}
		})
	}
}

// A target that does not compile keeps the JSONPath error as its cause.
func TestParseErrorUnwraps(t *testing.T) {
	_, err := Parse("o.yaml", []byte(head+"actions: [{target: \"$.a[\", update: 1}]\n"))
	if !errors.Is(err, jsonpath.ErrPathParse) {
		t.Errorf("Parse error %v: want it to wrap jsonpath.ErrPathParse", err)
	}
}

func TestParseYAMLAndJSON(t *testing.T) {
	const yamlSrc = `overlay: 1.0.0
x-owner: chatmock
info:
  title: Rooms for chatmock
  version: 1.2.0
  x-note: n
extends: https://example.com/rooms.yaml
actions:
  - target: $.paths['/rooms'].post
    description: Store rooms
    update:
      x-chatmock-store: {name: rooms, limit: 100, ratio: 0.5}
  - target: $.tags
    update: [{name: Rooms}]
  - target: $.paths['/old']
    remove: true
    x-why: gone
`
	const jsonSrc = `{"overlay": "1.0.0", "x-owner": "chatmock",
  "info": {"title": "Rooms for chatmock", "version": "1.2.0", "x-note": "n"},
  "extends": "https://example.com/rooms.yaml",
  "actions": [
    {"target": "$.paths['/rooms'].post", "description": "Store rooms",
     "update": {"x-chatmock-store": {"name": "rooms", "limit": 100, "ratio": 0.5}}},
    {"target": "$.tags", "update": [{"name": "Rooms"}]},
    {"target": "$.paths['/old']", "remove": true, "x-why": "gone"}]}`
	want := Overlay{
		Title: "Rooms for chatmock", Version: "1.2.0", Extends: "https://example.com/rooms.yaml",
		Actions: []Action{
			{Target: "$.paths['/rooms'].post", Description: "Store rooms", Update: map[string]any{
				"x-chatmock-store": map[string]any{"name": "rooms", "limit": json.Number("100"), "ratio": json.Number("0.5")}}},
			{Target: "$.tags", Update: []any{map[string]any{"name": "Rooms"}}},
			{Target: "$.paths['/old']", Remove: true},
		},
	}
	for _, tc := range []struct{ name, src string }{{"o.yaml", yamlSrc}, {"o.json", jsonSrc}} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := Parse(tc.name, []byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			for i, a := range o.Actions {
				if a.path == nil || a.path.String() != jsonpath.MustParse(a.Target).String() {
					t.Errorf("action %d: path %v, want %s compiled", i, a.path, a.Target)
				}
				o.Actions[i].path = nil
			}
			w := want
			w.Name = tc.name
			if !reflect.DeepEqual(*o, w) {
				t.Errorf("Parse =\n%#v\nwant\n%#v", *o, w)
			}
		})
	}
}

// rooms is the document the Apply cases change.
const rooms = `{
  "openapi": "3.1.0",
  "info": {"title": "Rooms", "version": "1.0.0"},
  "tags": [{"name": "internal", "x-internal": true}, {"name": "Rooms"}, {"name": "debug", "x-internal": true}, {"name": "ops", "x-internal": true}],
  "paths": {
    "/rooms": {
      "get": {"operationId": "listRooms", "tags": ["Rooms"], "responses": {"200": {"description": "OK"}}},
      "post": {"operationId": "createRoom", "tags": ["Rooms"], "x-limit": 5,
        "responses": {"201": {"description": "Created", "headers": {"Location": {"schema": {"type": "string"}}}}}}
    },
    "/rooms/{id}": {
      "get": {"operationId": "getRoom", "responses": {"200": {"description": "OK"}}}
    }
  }
}`

func TestApply(t *testing.T) {
	tests := []struct {
		name     string
		actions  string   // the overlay's actions, in YAML
		changes  []string // JSONPath => JSON value the document then holds, "" for absent
		warnings []string
	}{
		{
			name: "update merges into an operation",
			actions: `
  - target: $.paths['/rooms'].post
    update:
      summary: Create a room
      tags: [Chat]
      x-limit: 10
      responses:
        "201": {description: Room created, headers: {X-Id: {schema: {type: string}}}}
        "400": {description: Bad request}`,
			changes: []string{
				`$.paths['/rooms'].post.summary => "Create a room"`,
				`$.paths['/rooms'].post.tags => ["Chat"]`,
				`$.paths['/rooms'].post.operationId => "createRoom"`,
				`$.paths['/rooms'].post['x-limit'] => 10`,
				`$.paths['/rooms'].post.responses => {"201": {"description": "Room created", "headers": {
					"Location": {"schema": {"type": "string"}}, "X-Id": {"schema": {"type": "string"}}}},
					"400": {"description": "Bad request"}}`,
			},
		},
		{
			name: "a filter target adds an extension",
			actions: `
  - target: $.paths.*[?@.operationId == 'listRooms']
    update: {x-chatmock-store: {resource: rooms, action: list}}`,
			changes: []string{
				`$.paths['/rooms'].get['x-chatmock-store'] => {"resource": "rooms", "action": "list"}`,
				`$.paths['/rooms'].post['x-chatmock-store'] => ""`,
				`$.paths['/rooms/{id}'].get['x-chatmock-store'] => ""`,
			},
		},
		{
			name: "an array update appends its elements",
			actions: `
  - target: $.tags
    update: [{name: Chat}, {name: Admin}]`,
			changes: []string{`$.tags[*].name => ["internal", "Rooms", "debug", "ops", "Chat", "Admin"]`},
		},
		{
			name: "any other update appends as one element",
			actions: `
  - target: $.paths.*.*.tags
    update: Chat`,
			changes: []string{
				`$.paths['/rooms'].get.tags => ["Rooms", "Chat"]`,
				`$.paths['/rooms'].post.tags => ["Rooms", "Chat"]`,
			},
		},
		{
			name: "a node selected twice is updated once",
			actions: `
  - target: $['tags', 'tags']
    update: {name: Chat}`,
			changes: []string{`$.tags[*].name => ["internal", "Rooms", "debug", "ops", "Chat"]`},
		},
		{
			name: "an update replaces a primitive",
			actions: `
  - target: $.info.version
    update: 2.0.0
  - target: $.paths.*.*['x-limit']
    update: 50`,
			changes: []string{`$.info.version => "2.0.0"`, `$.paths['/rooms'].post['x-limit'] => 50`},
		},
		{
			name: "the root takes a merge",
			actions: `
  - target: $
    update: {x-chatmock-api: rooms, info: {x-logo: l}}`,
			changes: []string{`$['x-chatmock-api'] => "rooms"`, `$.info => {"title": "Rooms", "version": "1.0.0", "x-logo": "l"}`},
		},
		{
			name: "remove an object member",
			actions: `
  - target: $.paths['/rooms'].post
    remove: true`,
			changes: []string{`$.paths['/rooms'].post => ""`, `$.paths['/rooms'].get.operationId => "listRooms"`},
		},
		{
			name: "remove several array elements",
			actions: `
  - target: $.tags[?@['x-internal'] == true]
    remove: true`,
			changes: []string{`$.tags => [{"name": "Rooms"}]`},
		},
		{
			name: "remove a node and its descendants",
			actions: `
  - target: $.paths['/rooms'].post..[?@.schema || @.description]
    remove: true`,
			changes: []string{
				`$.paths['/rooms'].post.responses => {}`,
				`$.paths['/rooms'].get.responses => {"200": {"description": "OK"}}`,
			},
		},
		{
			name: "actions apply in order",
			actions: `
  - target: $.paths['/rooms/{id}']
    remove: true
  - target: $.paths['/rooms/{id}'].get
    update: {summary: gone}
  - target: $.paths['/rooms/{id}']
    update: {get: {summary: back}}`,
			changes:  []string{`$.paths['/rooms/{id}'] => ""`},
			warnings: []string{"o.yaml: /actions/1: target $.paths['/rooms/{id}'].get selects nothing", "o.yaml: /actions/2: target $.paths['/rooms/{id}'] selects nothing"},
		},
		{
			name: "a target selecting nothing warns",
			actions: `
  - target: $.paths['/x'].get
    update: {summary: x}
  - target: $.info
    update: {summary: s}`,
			changes:  []string{`$.info.summary => "s"`},
			warnings: []string{"o.yaml: /actions/0: target $.paths['/x'].get selects nothing"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := mustParse(t, head+"actions:"+tc.actions+"\n")
			doc := object(t, rooms)
			warnings, err := o.Apply(doc)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(warnings, tc.warnings) {
				t.Errorf("warnings\n got %q\nwant %q", warnings, tc.warnings)
			}
			for _, c := range tc.changes {
				target, value, _ := strings.Cut(c, " => ")
				got := jsonpath.MustParse(target).Select(doc)
				var want []any
				if value != `""` {
					want = []any{object(t, `{"v": `+value+`}`)["v"]}
				}
				if strings.Contains(target, "[*]") { // a list of the nodes selected
					want = want[0].([]any)
				}
				if len(got) != len(want) || len(want) > 0 && !reflect.DeepEqual([]any(got), want) {
					t.Errorf("%s\n got %s\nwant %s", target, show(got), show(want))
				}
			}
		})
	}
}

func TestApplyErrors(t *testing.T) {
	o := mustParse(t, head+"actions:\n  - {target: $.info, update: {x-a: 1}}\n  - {target: \"$.paths['/rooms']\", update: [x]}\n")
	doc := object(t, rooms)
	_, err := o.Apply(doc)
	const want = "o.yaml: /actions/1/update: want an object to merge into the object at $['paths']['/rooms'], not an array"
	if err == nil || err.Error() != want {
		t.Errorf("Apply error\n got %v\nwant %s", err, want)
	}
	if got := show(doc["info"]); got != `{"title":"Rooms","version":"1.0.0","x-a":1}` {
		t.Errorf("info after the error = %s, want the first action's change", got)
	}

	// An Action made by hand, not by Parse, is compiled and still may not
	// remove the root.
	o = &Overlay{Name: "hand", Actions: []Action{{Target: "$.info.title", Update: "T"}, {Target: "$", Remove: true}}}
	doc = object(t, rooms)
	_, err = o.Apply(doc)
	const root = "hand: /actions/1/target: remove cannot take the root $ (the whole document)"
	if err == nil || err.Error() != root {
		t.Errorf("Apply error\n got %v\nwant %s", err, root)
	}
	if doc["info"].(map[string]any)["title"] != "T" {
		t.Errorf("info.title = %v, want T", doc["info"].(map[string]any)["title"])
	}
}

// One update given to two targets, and to two documents, is copied for
// each: changing what one received changes neither the other nor the
// overlay.
func TestApplyCopies(t *testing.T) {
	o := mustParse(t, head+`actions:
  - target: $.paths.*.get
    update: {x-chatmock-store: {name: rooms, keys: [id]}}
  - target: $.tags
    update: {name: Chat, x-order: [1]}
`)
	doc, other := object(t, rooms), object(t, rooms)
	for _, d := range []map[string]any{doc, other} {
		if _, err := o.Apply(d); err != nil {
			t.Fatal(err)
		}
	}
	get := func(d map[string]any, target string) map[string]any {
		return jsonpath.MustParse(target).Select(d)[0].(map[string]any)
	}
	a := get(doc, "$.paths['/rooms'].get['x-chatmock-store']")
	a["name"] = "changed"
	a["keys"].([]any)[0] = "changed"
	get(doc, "$.tags[4]")["x-order"].([]any)[0] = "changed"

	const store = `{"keys":["id"],"name":"rooms"}`
	for _, c := range []struct{ what, got, want string }{
		{"the other target", show(get(doc, "$.paths['/rooms/{id}'].get['x-chatmock-store']")), store},
		{"the other document", show(get(other, "$.paths['/rooms'].get['x-chatmock-store']")), store},
		{"the other document's tag", show(get(other, "$.tags[4]")), `{"name":"Chat","x-order":[1]}`},
		{"the overlay", show(o.Actions[0].Update), `{"x-chatmock-store":` + store + `}`},
		{"the overlay's tag", show(o.Actions[1].Update), `{"name":"Chat","x-order":[1]}`},
	} {
		if c.got != c.want {
			t.Errorf("%s = %s, want %s", c.what, c.got, c.want)
		}
	}
}

// Numbers of the overlay and of the document stay json.Number.
func TestApplyKeepsNumbers(t *testing.T) {
	o := mustParse(t, head+"actions: [{target: $.info, update: {x-max: 100, x-ratio: 0.25, x-list: [1e3]}}]\n")
	doc := object(t, `{"info": {"x-count": 3}}`)
	if _, err := o.Apply(doc); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"info": map[string]any{"x-count": json.Number("3"), "x-max": json.Number("100"),
		"x-ratio": json.Number("0.25"), "x-list": []any{json.Number("1000")}}}
	if !reflect.DeepEqual(doc, want) {
		t.Errorf("doc = %#v, want %#v", doc, want)
	}
}

// An overlay on a real public document: Rocket.Chat's rooms API.
func TestApplyRocketChat(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "corpus", "rocketchat-rooms")
	data, err := os.ReadFile(filepath.Join(dir, "rooms.yaml"))
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s is missing", dir)
	}
	if err != nil {
		t.Fatal(err)
	}
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	doc := object(t, string(js))
	o := mustParse(t, `overlay: 1.0.0
info: {title: Rocket.Chat rooms for chatmock, version: 1.0.0}
actions:
  - target: $.paths['/api/v1/channels.create'].post
    update:
      x-chatmock-resource: {name: channels, action: create}
  - target: $.paths['/api/v1/channels.nothing'].post
    update: {summary: none}
`)
	warnings, err := o.Apply(doc)
	if err != nil {
		t.Fatal(err)
	}
	wantWarnings := []string{"o.yaml: /actions/1: target $.paths['/api/v1/channels.nothing'].post selects nothing"}
	if !slices.Equal(warnings, wantWarnings) {
		t.Errorf("warnings = %q, want %q", warnings, wantWarnings)
	}
	op := jsonpath.MustParse("$.paths['/api/v1/channels.create'].post").Select(doc)[0].(map[string]any)
	if got, want := show(op["x-chatmock-resource"]), `{"action":"create","name":"channels"}`; got != want {
		t.Errorf("x-chatmock-resource = %s, want %s", got, want)
	}
	if got := op["operationId"]; got != "post-api-v1-channels.create" {
		t.Errorf("operationId = %v, want post-api-v1-channels.create kept", got)
	}
	if n := len(jsonpath.MustParse("$.paths.*.*['x-chatmock-resource']").Select(doc)); n != 1 {
		t.Errorf("%d operations have x-chatmock-resource, want 1", n)
	}
}
