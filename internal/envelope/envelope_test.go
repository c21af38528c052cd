package envelope

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func parseDecl(t *testing.T, src string) (*Declaration, error) {
	t.Helper()
	var root map[string]any
	dec := json.NewDecoder(strings.NewReader(src))
	dec.UseNumber()
	if err := dec.Decode(&root); err != nil {
		t.Fatal(err)
	}
	return Parse(root)
}

const decl = `{"x-chatmock-errors":{
  "texts":{"message":{"required":"{{field}} is required","default":"{{field}} is invalid"}},
  "envelope":{"status":400,"contentType":"application/json",
    "body":{"Errors":{"$each":{"Path":"{{path}}","Message":"{{message}}"}}}},
  "cases":[
    {"failure":"media.unsupported","ignore":true},
    {"failure":"security","answer":{"status":401,"body":{"Message":"denied {{name}}"}}},
    {"failure":"schema","pointer":"/List","keyword":"maxItems","example":"too-many"},
    {"failure":"schema","pointer":"/Items/*/Name","set":{"Errors.0.Message":"bad item name"}},
    {"failure":"route.not-found","pathPrefix":"/v4/","example":"bad-url"}
  ]}}`

func TestRender(t *testing.T) {
	d, err := parseDecl(t, decl)
	if err != nil {
		t.Fatal(err)
	}
	ex := Examples{
		"too-many": {Status: 200, MediaType: "application/json", Value: map[string]any{"Code": json.Number("10005")}},
		"bad-url":  {Status: 200, MediaType: "application/json", Value: map[string]any{"Code": json.Number("60009")}},
	}
	req := &Request{Method: "POST", Path: "/x"}
	schema := func(ptr, kw string) Failure { return Failure{Class: Schema, Pointer: ptr, Keyword: kw} }
	tests := []struct {
		name     string
		failures []Failure
		req      *Request
		status   int
		body     string
	}{
		{"envelope lists every unmatched failure", []Failure{schema("/Name", "required"), schema("/members/0/date", "format")}, req, 400,
			`{"Errors":[{"Message":"Name is required","Path":"Name"},{"Message":"date is invalid","Path":"members[0].date"}]}`},
		{"the earliest case answers alone", []Failure{schema("/Name", "required"), schema("/List", "maxItems")}, req, 200,
			`{"Code":10005}`},
		{"an inline answer", []Failure{{Class: Security, Name: "token"}, schema("/List", "maxItems")}, req, 401,
			`{"Message":"denied token"}`},
		{"set over the envelope, with a wildcard pointer", []Failure{schema("/Items/3/Name", "type")}, req, 400,
			`{"Errors":[{"Message":"bad item name","Path":"Items[3].Name"}]}`},
		{"ignored failures drop out", []Failure{{Class: MediaUnsupported}, schema("/Name", "required")}, req, 400,
			`{"Errors":[{"Message":"Name is required","Path":"Name"}]}`},
		{"path prefix", []Failure{{Class: RouteNotFound}}, &Request{Path: "/v4/x"}, 200, `{"Code":60009}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := Render(d, tt.failures, tt.req, ex, nil)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(resp.Body)
			if resp.Status != tt.status || string(b) != tt.body {
				t.Errorf("got %d %s, want %d %s", resp.Status, b, tt.status, tt.body)
			}
		})
	}
	// The example itself is never changed by a set.
	if b, _ := json.Marshal(ex["too-many"].Value); string(b) != `{"Code":10005}` {
		t.Errorf("example changed: %s", b)
	}
	if !d.Ignores(&Failure{Class: MediaUnsupported}, req) || d.Ignores(&Failure{Class: Security}, req) {
		t.Error("Ignores")
	}
	if !d.Claims(&Failure{Class: RouteNotFound}, &Request{Path: "/v4/a"}) || d.Claims(&Failure{Class: RouteNotFound}, &Request{Path: "/v5/a"}) {
		t.Error("Claims")
	}
}

func TestProblemWithoutDeclaration(t *testing.T) {
	resp, err := Render(nil, []Failure{{Class: Schema, Pointer: "/a", Keyword: "type", Detail: "got string, want integer"}}, &Request{Method: "POST", Path: "/p"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(resp.Body)
	want := `{"detail":"POST /p: 1 problem(s) with the request","errors":[{"detail":"got string, want integer","keyword":"type","pointer":"#/a"}],"status":422,"title":"Unprocessable Entity","type":"https://chatmock.dev/problems/schema"}`
	if resp.Status != 422 || resp.MediaType != ProblemMediaType || string(b) != want {
		t.Errorf("got %d %s %s", resp.Status, resp.MediaType, b)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{`{"x-chatmock-errors":{}}`, "/x-chatmock-errors: an envelope is required"},
		{`{"x-chatmock-errors":{"envelope":{"status":99,"body":{}}}}`, "/x-chatmock-errors/envelope/status: want an HTTP status, got 99"},
		{`{"x-chatmock-errors":{"envelope":{"status":400,"body":"{{"}}}`, "/x-chatmock-errors/envelope/body:"},
		{`{"x-chatmock-errors":{"envelope":{"status":400,"body":{}},"cases":[{"failure":"nope","ignore":true}]}}`, `/x-chatmock-errors/cases/0/failure: unknown failure "nope"`},
		{`{"x-chatmock-errors":{"envelope":{"status":400,"body":{}},"cases":[{"failure":"schema","ignore":true,"example":"x"}]}}`, "/x-chatmock-errors/cases/0: a case has one of ignore, example or answer"},
		{`{"x-chatmock-errors":{"envelope":{"status":400,"body":{}},"bogus":1}}`, `unknown field "bogus"`},
	}
	for _, tt := range tests {
		_, err := parseDecl(t, tt.src)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%s) = %v, want %q", tt.src, err, tt.want)
		}
	}
	if d, err := parseDecl(t, `{}`); d != nil || err != nil {
		t.Errorf("no declaration: %v %v", d, err)
	}
}

func TestFailureNames(t *testing.T) {
	f := Failure{Pointer: "/data/relationships/accounts/data/0/id", Value: " x", HasValue: true}
	s := &failureScope{f: &f, req: &Request{ContentType: "text/plain; charset=utf-8"}}
	want := map[string]any{
		"field": "id", "path": "data.relationships.accounts.data[0].id", "subpath": ".data.relationships.accounts.data[0].id",
		"bracketpath": "data[relationships][accounts][data][id]", "quoted": `" x"`, "text": " x", "mediaType": "text/plain",
	}
	for name, w := range want {
		if got, _ := s.Lookup(name); !reflect.DeepEqual(got, w) {
			t.Errorf("%s = %v, want %v", name, got, w)
		}
	}
}

func TestLongValuesAreClippedInTexts(t *testing.T) {
	long := strings.Repeat("é", 200) // 400 bytes
	got := clipText(long)
	if len(got) > maxValueText+len("…") || !strings.HasSuffix(got, "…") || !utf8.ValidString(got) {
		t.Errorf("clipText: %d bytes, %q", len(got), got)
	}
	if clipText("short") != "short" {
		t.Error("a short text is clipped")
	}
}
