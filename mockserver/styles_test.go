package mockserver

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// Parameters are read in the style their document gives them: simple,
// label and matrix paths; form (exploded or not), spaceDelimited,
// pipeDelimited and deepObject queries; simple headers; cookies.
func TestParameterStyles(t *testing.T) {
	s := loadDocument(t, "testdata/styles.yaml")
	const base = "/messages/1,2/.a,b/;matrix=3;matrix=4"
	tests := []struct {
		target string
		header map[string]string
		want   int
	}{
		{base, nil, 200},
		{base + "?tag=one&tag=two&csv=1,2&spaced=1%202&piped=1|2&filter[room]=R1&filter[limit]=10", map[string]string{"X-Flags": "true,false", "Cookie": "session=S1"}, 200},
		{"/messages/1,x/.a,b/;matrix=3", nil, 400},              // simple: x is no integer
		{"/messages/1/.a,c/;matrix=3", nil, 400},                // label: c is not in the enum
		{"/messages/1/.a/;matrix=3;matrix=y", nil, 400},         // matrix, exploded
		{base + "?tag=toolong", nil, 400},                       // form, exploded: one value each
		{base + "?tag=a,b", nil, 200},                           // ... so a comma stays in the value
		{base + "?csv=1,x", nil, 400},                           // form, not exploded: split on commas
		{base + "?spaced=1%20x", nil, 400},                      // spaceDelimited
		{base + "?piped=1|x", nil, 400},                         // pipeDelimited
		{base + "?filter[limit]=51", nil, 400},                  // deepObject: limit is a number over its maximum
		{base + "?filter[other]=1", nil, 400},                   // deepObject: no such key
		{base, map[string]string{"X-Flags": "true,maybe"}, 400}, // header, simple
		{base, map[string]string{"Cookie": "session=x"}, 400},   // cookie
		{"/search?room=R1&limit=5&q=hi", nil, 200},              // an exploded form object: a parameter per field
		{"/search?room=R1&limit=many", nil, 400},                //  ... converted by its property's type
		{"/search?q=hi", nil, 400},                              //  ... and required
	}
	for _, tt := range tests {
		req := httptest.NewRequest(http.MethodGet, tt.target, nil)
		for k, v := range tt.header {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != tt.want {
			t.Errorf("%s %v: %d, want %d: %s", tt.target, tt.header, rec.Code, tt.want, rec.Body)
		}
	}
}
