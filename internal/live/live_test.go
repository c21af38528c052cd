package live

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chatmock/chatmock/internal/tmpl"
)

type request map[string]any

func (r request) Get(source, path string) (any, bool) {
	v, ok := r[source+":"+path]
	return v, ok
}

func parsePlan(t *testing.T, src string) (*Plan, error) {
	t.Helper()
	var op map[string]any
	dec := json.NewDecoder(strings.NewReader(src))
	dec.UseNumber()
	if err := dec.Decode(&op); err != nil {
		t.Fatal(err)
	}
	return Parse(op, "/paths/~1x/post")
}

func TestChooseAndApply(t *testing.T) {
	p, err := parsePlan(t, `{"x-chatmock-response":[
	  {"when":[{"body":"Type","equals":"Community"}],"example":"community"},
	  {"when":[{"body":"GroupId","exists":true},{"query":"v","in":["1","2"]}],"example":"custom"},
	  {"example":"plain","set":{
	    "id":"{{id() | string}}","again":"{{id()}}","next":"{{seq('m')}}",
	    "items.#.n":"{{index}}","at":"{{now()}}","later":"{{now('15:04')}}",
	    "when":"{{isoDate(current) ?? 'none'}}","who":"{{auth.user ?? 'anon'}}"},
	   "headers":{"Location":"{{baseURL}}/x/{{id()}}"}}]}`)
	if err != nil {
		t.Fatal(err)
	}
	if e := p.Choose(request{"body:Type": "Community"}, nil); e == nil || e.Example != "community" {
		t.Errorf("equals: %+v", e)
	}
	if e := p.Choose(request{"body:GroupId": "g", "query:v": "2"}, nil); e == nil || e.Example != "custom" {
		t.Errorf("exists and in: %+v", e)
	}
	e := p.Choose(request{"body:GroupId": "g", "query:v": "3"}, nil)
	if e == nil || e.Example != "plain" || p.ForExample("custom") == nil {
		t.Fatalf("fallback: %+v", e)
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	st := tmpl.NewGen(1, true, func() time.Time { return at })
	body := map[string]any{"items": []any{map[string]any{}, map[string]any{}}, "when": "/Date(0+0100)/"}
	a := &tmpl.Vars{Gen: st, Request: request{}, BaseURL: "http://h", Counter: "api.op"}
	got, headers, err := e.Apply(body, a)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(got)
	want := `{"again":1,"at":"2026-01-02T03:04:05.000Z","id":"1","items":[{"n":0},{"n":1}],"later":"03:04","next":1,"when":"1970-01-01T01:00:00.0000000+01:00","who":"anon"}`
	if string(b) != want {
		t.Errorf("body\n got %s\nwant %s", b, want)
	}
	if headers["Location"] != "http://h/x/1" {
		t.Errorf("headers %v", headers)
	}
	if _, ok := body["id"]; ok {
		t.Error("Apply changed the example it was given")
	}
	// A second answer draws the next id and the next seq.
	got, _, _ = e.Apply(body, &tmpl.Vars{Gen: st, Request: request{}, Counter: "api.op"})
	if m := got.(map[string]any); m["id"] != "2" || m["next"] != json.Number("2") {
		t.Errorf("second answer: %v", m)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{`{"x-chatmock-response":[{"set":{}}]}`, "an entry names an example"},
		{`{"x-chatmock-response":[{"example":"a","base":"other"}]}`, "base: want example, request or record"},
		{`{"x-chatmock-response":[{"example":"a","when":[{"cookie":"x"}]}]}`, "a condition names one of body, query, header, path"},
		{`{"x-chatmock-response":[{"example":"a","set":{"x":"{{"}}]}`, "set x:"},
		{`{"x-chatmock-response":[{"example":"a","colour":1}]}`, `unknown field "colour"`},
	}
	for _, tt := range tests {
		_, err := parsePlan(t, tt.src)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "/paths/~1x/post/x-chatmock-response") {
			t.Errorf("Parse(%s) = %v, want %q", tt.src, err, tt.want)
		}
	}
}

func TestElementAndOptional(t *testing.T) {
	p, err := parsePlan(t, `{"x-chatmock-response":[{"example":"x","set":{
	  "data.#.link":"/accounts/{{element.id}}","data.#.n":"{{index}}",
	  "gone":"{{nothing | optional}}","kept":"{{nothing ?? 'default'}}"}}]}`)
	if err != nil {
		t.Fatal(err)
	}
	body := map[string]any{"gone": "before", "data": []any{map[string]any{"id": "a"}, map[string]any{"id": "b"}}}
	got, _, err := p.Entries[0].Apply(body, &tmpl.Vars{Gen: tmpl.NewGen(1, true, nil), Request: request{}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(got)
	if want := `{"data":[{"id":"a","link":"/accounts/a","n":0},{"id":"b","link":"/accounts/b","n":1}],"kept":"default"}`; string(b) != want {
		t.Errorf("got %s\nwant %s", b, want)
	}
}
