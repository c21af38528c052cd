package envelope

import (
	"encoding/json"
	"testing"
)

// Without a declaration, a failure is answered with the operation's own
// documented error for its class, its message field saying what failed.
func TestDocumentedAnswers(t *testing.T) {
	doc := Documented{
		"400": {MediaType: "application/json", Value: map[string]any{"code": "bad", "error": map[string]any{"message": "canned"}}, Message: "error.message"},
		"401": {MediaType: "application/json", Value: map[string]any{"code": "unauthorized"}},
		"4XX": {MediaType: "application/json", Value: map[string]any{"code": "other"}},
	}
	tests := []struct {
		class      Class
		status     int
		body       string
		mediaType  string
		noDocument bool
	}{
		{Schema, 400, `{"code":"bad","error":{"message":"what failed"}}`, "application/json", false},
		{Security, 401, `{"code":"unauthorized"}`, "application/json", false},
		{NotAcceptable, 406, `{"code":"other"}`, "application/json", false}, // 4XX, with the class's status
		{Schema, 422, "", ProblemMediaType, true},                           // nothing documented: problem+json
	}
	for _, tt := range tests {
		d := doc
		if tt.noDocument {
			d = nil
		}
		a, err := Render(nil, []Failure{{Class: tt.class, Detail: "what failed"}}, &Request{Method: "POST", Path: "/p"}, nil, d)
		if err != nil {
			t.Fatal(err)
		}
		if a.Status != tt.status || a.MediaType != tt.mediaType {
			t.Errorf("%s: %d %s, want %d %s", tt.class, a.Status, a.MediaType, tt.status, tt.mediaType)
		}
		if b, _ := json.Marshal(a.Body); tt.body != "" && string(b) != tt.body {
			t.Errorf("%s: body %s, want %s", tt.class, b, tt.body)
		}
	}
	if b, _ := json.Marshal(doc["400"].Value); string(b) != `{"code":"bad","error":{"message":"canned"}}` {
		t.Errorf("the documented value changed: %s", b)
	}
}

// A class the operation documents no answer for takes its nearest 4xx:
// not an authentication status unless the failure is one.
func TestDocumentedNearest(t *testing.T) {
	doc := Documented{"401": {MediaType: "application/json"}, "404": {MediaType: "application/json"}}
	for class, want := range map[Class]int{Parameter: 404, Security: 401, NotAcceptable: 404} {
		a, err := Render(nil, []Failure{{Class: class}}, &Request{}, nil, doc)
		if err != nil || a.Status != want {
			t.Errorf("%s: %v %v, want %d", class, a, err, want)
		}
	}
	a, _ := Render(nil, []Failure{{Class: Parameter}}, &Request{}, nil, Documented{"401": {MediaType: "application/json"}})
	if a.Status != 401 {
		t.Errorf("only 401 documented: %d", a.Status)
	}
	// an item not held: 404 or 410, else the nearest 4xx, never a
	// credentials status, though with its documented body
	for _, tt := range []struct {
		doc  Documented
		want int
	}{
		{Documented{"400": {MediaType: "application/json"}, "410": {MediaType: "application/json"}}, 410},
		{Documented{"400": {MediaType: "application/json"}, "401": {MediaType: "application/json"}}, 400},
		{Documented{"401": {MediaType: "application/json", Value: map[string]any{"code": "unauthorized"}}}, 404},
	} {
		a, err := Render(nil, []Failure{{Class: ResourceNotFound}}, &Request{}, nil, tt.doc)
		if err != nil || a.Status != tt.want {
			t.Errorf("resource.not-found with %v: %v %v, want %d", tt.doc, a, err, tt.want)
		}
	}
}

// A documented error without content is answered with its status alone.
func TestDocumentedWithoutBody(t *testing.T) {
	a, err := Render(nil, []Failure{{Class: Security}}, &Request{}, nil, Documented{"400": {NoBody: true}})
	if err != nil || a.Status != 400 || !a.NoBody {
		t.Errorf("%+v %v", a, err)
	}
}
