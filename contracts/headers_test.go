package contracts

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// The headers an answer's status documents are checked: a required one
// present, each one's value against its schema (a list split at commas).
// The mock sends them as documented; a target that breaks each fails the
// check, naming the header, the keyword and the value.
func TestResponseHeaders(t *testing.T) {
	set := loadSet(t, "testdata/headers.yaml")
	cases, err := Derive(set, Credentials{})
	if err != nil {
		t.Fatal(err)
	}
	var list *Case
	for _, c := range cases {
		if c.Operation == "listNotices" && c.Want == nil {
			list = c
		}
	}
	mock := tampered(t, set, nil)
	if res := runFlowCase(t, set, list, mock); res.Outcome != Passed {
		t.Errorf("against the mock: %s %q", res.Outcome, Messages(res.Problems))
	}
	resp, err := http.Get(mock + "/notices")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for name, want := range map[string]string{"X-RateLimit-Remaining": "42", "X-Request-Id": "req_abc123", "X-Regions": "eu,us"} {
		if got := resp.Header.Get(name); got != want {
			t.Errorf("the mock sends %s %q, want the example, %q", name, got, want)
		}
	}
	for _, tc := range []struct {
		name    string
		headers map[string]string // "" drops the header
		want    []string          // pointer keyword message
	}{
		{"a required header missing", map[string]string{"X-RateLimit-Remaining": ""},
			[]string{"/header/X-RateLimit-Remaining required header X-RateLimit-Remaining: required by the document, missing"}},
		{"an integer that is not one", map[string]string{"X-RateLimit-Remaining": "many"},
			[]string{`/header/X-RateLimit-Remaining type header X-RateLimit-Remaining: "many": got string, want integer (type)`}},
		{"below its minimum, and a pattern broken", map[string]string{"X-RateLimit-Remaining": "-1", "X-Request-Id": "REQ-1"},
			[]string{`/header/X-RateLimit-Remaining minimum header X-RateLimit-Remaining: "-1": minimum: got -1, want 0 (minimum)`,
				`/header/X-Request-Id pattern header X-Request-Id: "REQ-1": 'REQ-1' does not match pattern '^req_[a-z0-9]+$' (pattern)`}},
		{"a list item outside its enum", map[string]string{"X-Regions": "eu, mars"},
			[]string{`/header/X-Regions/1 enum header X-Regions: "eu, mars": value must be one of 'eu', 'us' (enum)`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			target := tampered(t, set, func(w http.ResponseWriter, r *http.Request) bool {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("X-RateLimit-Remaining", "7")
				w.Header().Set("X-Request-Id", "req_1")
				for k, v := range tc.headers {
					if v == "" {
						w.Header().Del(k)
					} else {
						w.Header().Set(k, v)
					}
				}
				_, _ = w.Write([]byte(`["hello"]`))
				return true
			})
			res := runFlowCase(t, set, list, target)
			var got []string
			for _, p := range res.Problems {
				if p.Check != CheckHeaders {
					t.Errorf("a problem of another check: %+v", p)
				}
				got = append(got, p.Pointer+" "+p.Keyword+" "+p.Message)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}
