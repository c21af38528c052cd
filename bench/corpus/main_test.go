package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseServing(t *testing.T) {
	tests := []struct {
		line string
		want serving
		ok   bool
	}{
		{"chatmock: serving 73 operations of 1 documents on http://127.0.0.1:46369", serving{73, 1, "127.0.0.1:46369"}, true},
		{"chatmock: serving 1 operation of 1 document on http://[::1]:4010", serving{1, 1, "[::1]:4010"}, true},
		{"chatmock: serving 5 operations of 2 documents on http://127.0.0.1:4010/", serving{}, false},
		{"chatmock serve: x.yaml: /openapi: want an OpenAPI 3.x document", serving{}, false},
		{"", serving{}, false},
	}
	for _, tt := range tests {
		got, ok := parseServing(tt.line)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseServing(%q) = %+v, %v; want %+v, %v", tt.line, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseVmHWM(t *testing.T) {
	status := "Name:\tchatmock\nVmPeak:\t 1262632 kB\nVmHWM:\t   27172 kB\nVmRSS:\t   26000 kB\n"
	if got, err := parseVmHWM(status); err != nil || got != 27172 {
		t.Errorf("parseVmHWM = %d, %v; want 27172", got, err)
	}
	for _, bad := range []string{"Name:\tchatmock\n", "VmHWM:\t27172\n", "VmHWM:\tmany kB\n"} {
		if got, err := parseVmHWM(bad); err == nil {
			t.Errorf("parseVmHWM(%q) = %d, want an error", bad, got)
		}
	}
}

func TestIsWarning(t *testing.T) {
	for line, want := range map[string]bool{
		`time=2026-12-07T14:14:35.979Z level=WARN msg="schema keyword ignored" api=x`: true,
		`level=WARN msg=x`: true,
		`time=2026-12-07T14:14:35.979Z level=INFO msg=request path=/level=WARN`: false,
		`time=2026-12-07T14:14:35.979Z level=ERROR msg=x`:                       false,
	} {
		if got := isWarning(line); got != want {
			t.Errorf("isWarning(%q) = %v, want %v", line, got, want)
		}
	}
}

func TestRefusal(t *testing.T) {
	spec := "../shared/corpus/gotify/docs/spec.json"
	got := refusal("chatmock serve: "+spec+`: /openapi: want an OpenAPI 3.x document, got ""`+"\n", spec)
	if want := `/openapi: want an OpenAPI 3.x document, got ""`; got != want {
		t.Errorf("refusal = %q, want %q", got, want)
	}
}

// report is a `chatmock test --json` report in the shape of
// contracts/report.go, cut to two APIs' worth of results.
const report = `{
  "target": "http://127.0.0.1:4099",
  "started": "2026-12-07T14:14:37Z",
  "tookMs": 38.587,
  "summary": {"chat": {"passed": 2, "failed": 3, "skipped": 1}},
  "totals": {"passed": 2, "failed": 3, "skipped": 1},
  "results": [
    {"id": "chat/ListCredential/negative/missing-credential-basic", "api": "chat", "operation": "ListCredential",
     "tags": ["negative"], "outcome": "failed",
     "problems": ["status: 401 is not a status the operation documents (200)"], "reason": "",
     "request": {"method": "GET", "url": "http://127.0.0.1:4099/v2/Credentials", "header": {}, "body": ""},
     "response": {"status": 401, "header": {"Content-Type": ["application/problem+json"]}, "body": "{}"}, "tookMs": 7.723},
    {"id": "chat/CreateCredential/positive/application/json/create", "api": "chat", "operation": "CreateCredential",
     "tags": ["positive"], "outcome": "passed", "problems": [], "reason": "", "request": null, "response": null, "tookMs": 1},
    {"id": "chat/CreateCredential/positive/application/json/other", "api": "chat", "operation": "CreateCredential",
     "tags": ["positive"], "outcome": "failed", "problems": ["x"], "reason": "", "request": null, "response": null, "tookMs": 1},
    {"id": "chat/CreateCredential/negative/type-Name", "api": "chat", "operation": "CreateCredential",
     "tags": ["negative"], "outcome": "passed", "problems": [], "reason": "", "request": null, "response": null, "tookMs": 1},
    {"id": "chat/CreateCredential/negative/max-Name", "api": "chat", "operation": "CreateCredential",
     "tags": ["negative"], "outcome": "skipped", "problems": [], "reason": "no limit", "request": null, "response": null, "tookMs": 0},
    {"id": "chat/CreateCredential/stateful/read-back-GetCredential", "api": "chat", "operation": "CreateCredential",
     "tags": ["stateful"], "outcome": "failed", "problems": ["y"], "reason": "", "request": null, "response": null, "tookMs": 1},
    {"id": "chat/CreateCredential/other", "api": "chat", "operation": "CreateCredential",
     "tags": [], "outcome": "passed", "problems": [], "reason": "", "request": null, "response": null, "tookMs": 1}
  ]
}`

func TestSummarise(t *testing.T) {
	got, err := summarise(strings.NewReader(report))
	if err != nil {
		t.Fatal(err)
	}
	want := cases{Valid: tally{Passed: 1, Failed: 1}, Invalid: tally{Passed: 1, Failed: 1, Skipped: 1}, Stateful: tally{Failed: 1}, Other: 1}
	if got != want {
		t.Errorf("summarise = %+v, want %+v", got, want)
	}
	if got.Invalid.total() != 3 {
		t.Errorf("invalid total = %d, want 3", got.Invalid.total())
	}
	for _, bad := range []string{``, `{}`, `{"results": [{"id": "a", "tags": ["positive"], "outcome": "maybe"}]}`} {
		if _, err := summarise(strings.NewReader(bad)); err == nil {
			t.Errorf("summarise(%q): want an error", bad)
		}
	}
}

func TestLineWriter(t *testing.T) {
	var lines []string
	w := &lineWriter{fn: func(l string) { lines = append(lines, l) }}
	for _, chunk := range []string{"chatmock: serv", "ing 1 operation", "s\r\nsecond\n\nthird ", strings.Repeat("x", 2*maxLine), "\nlast"} {
		if n, err := w.Write([]byte(chunk)); n != len(chunk) || err != nil {
			t.Fatalf("Write(%d bytes) = %d, %v", len(chunk), n, err)
		}
	}
	_ = w.Close()
	want := []string{"chatmock: serving 1 operations", "second", "", "third " + strings.Repeat("x", maxLine-len("third ")), "last"}
	if !slices.Equal(lines, want) {
		t.Errorf("lines = %.80q, want %.80q", lines, want)
	}
}

func TestAPIKeys(t *testing.T) {
	d := document{SecuritySchemes: map[string]string{
		"basicAuth":       "basic",
		"appTokenHeader":  "apiKey/header:X-Gotify-Key",
		"clientHeader":    "apiKey/header:X-Gotify-Key",
		"appTokenQuery":   "apiKey/query:token",
		"bearer":          "http/bearer",
		"matrixReference": "$ref definitions/security.yaml#/homeserverAccessToken -> http/bearer",
	}}
	if got, want := d.apiKeys(), []string{"X-Gotify-Key", "token"}; !slices.Equal(got, want) {
		t.Errorf("apiKeys = %q, want %q", got, want)
	}
}

func TestReadIndex(t *testing.T) {
	dir := t.TempDir()
	index := `[{"name": "a", "entry": "a.yaml", "openapi": "3.0.0", "operations": 3},
	           {"name": "b", "entry": "spec/b.json", "openapi": "swagger: 2.0", "operations": 4}]`
	if err := os.WriteFile(filepath.Join(dir, "index.json"), []byte(index), 0o644); err != nil {
		t.Fatal(err)
	}
	all, err := readIndex(dir, nil)
	if err != nil || len(all) != 2 || all[1].Entry != "spec/b.json" || all[1].Operations != 4 {
		t.Fatalf("readIndex = %+v, %v", all, err)
	}
	if only, err := readIndex(dir, []string{"b"}); err != nil || len(only) != 1 || only[0].Name != "b" {
		t.Errorf("readIndex(only b) = %+v, %v", only, err)
	}
	if _, err := readIndex(dir, []string{"c"}); err == nil {
		t.Error("readIndex(only c): want an error for a name not in the index")
	}
	if _, err := readIndex(filepath.Join(dir, "missing"), nil); err == nil {
		t.Error("readIndex(missing): want an error")
	}
}

// A sweep that cannot start is an error (exit 2) before anything is built.
func TestRunRefusesBadSetup(t *testing.T) {
	for _, args := range [][]string{
		{"--corpus", filepath.Join(t.TempDir(), "none")},
		{"--start-timeout", "0s"},
		{"extra"},
	} {
		if err := run(context.Background(), args, io.Discard, io.Discard); err == nil {
			t.Errorf("run(%q): want an error", args)
		}
	}
}

func TestCells(t *testing.T) {
	refused := figure{Name: "gotify", OpenAPI: "swagger: 2.0", Operations: 42, Refusal: `/openapi: want an OpenAPI 3.x document, got ""`}
	want := []string{"gotify", "Swagger 2.0", "—", "—", "—", "0/42", "0", "—", "—", "—", "—", refused.Refusal}
	if got := refused.cells(); !slices.Equal(got, want) {
		t.Errorf("cells = %q, want %q", got, want)
	}
	served := figure{Name: "line", OpenAPI: "3.0.0", Operations: 73, Served: 73, LoadMs: 291.6, ReadyMiB: 20.04, RSSMiB: 24.66,
		Cases: &cases{Valid: tally{Passed: 2}, Invalid: tally{Failed: 90}, Stateful: tally{Passed: 3, Skipped: 1}}, Error: "rss: gone",
		RunMs: []float64{158.4, 113.6}, FailedAgain: 3}
	want = []string{"line", "3.0.0", "292", "20.0", "24.7", "73/73", "0", "2/2", "0/90", "3/3 (1 skipped)", "158, 114 (3 failed again)", "error: rss: gone"}
	if got := served.cells(); !slices.Equal(got, want) {
		t.Errorf("cells = %q, want %q", got, want)
	}
	if got := len(want); got != len(columns) {
		t.Errorf("%d cells for %d columns", got, len(columns))
	}
}

// --min-served names each document below the bar.
func TestBelowServed(t *testing.T) {
	figs := []figure{{Name: "a", Operations: 100, Served: 95}, {Name: "b", Operations: 10, Served: 9}, {Name: "c", Operations: 5, Served: 0}}
	if err := belowServed(figs, 0); err != nil {
		t.Errorf("no bar: %v", err)
	}
	err := belowServed(figs, 95)
	if err == nil || err.Error() != "served with fewer than 95% of their operations: b (9 of 10), c (0 of 5)" {
		t.Errorf("95%%: %v", err)
	}
}

// --no-failures names each document with a failed case, or no report.
func TestWithFailures(t *testing.T) {
	figs := []figure{{Name: "a", Cases: &cases{Valid: tally{Passed: 3}, Stateful: tally{Skipped: 1}}},
		{Name: "b", Cases: &cases{Invalid: tally{Failed: 2}, Stateful: tally{Failed: 1}}}, {Name: "c"},
		{Name: "d", Cases: &cases{}, FailedAgain: 4}}
	if err := withFailures(figs[:1]); err != nil {
		t.Errorf("no failures: %v", err)
	}
	err := withFailures(figs)
	if err == nil || err.Error() != "chatmock test failed cases against the mock of b (0 valid, 2 invalid, 1 stateful), c (no report), d (4 in the later runs)" {
		t.Errorf("failures: %v", err)
	}
}

// The session id of a /proc/PID/stat line, whose command may hold spaces
// and parentheses.
func TestSessionOf(t *testing.T) {
	for stat, want := range map[string]int{
		"4242 (node) S 4200 4242 4242 0 -1": 4242,
		"77 (my (odd) cmd) R 1 77 70 0":     70,
		"broken":                            -1,
	} {
		if got := sessionOf(stat); got != want {
			t.Errorf("sessionOf(%q) = %d, want %d", stat, got, want)
		}
	}
}

// A tally's cell counts what was sent, and names what was skipped.
func TestTallyCell(t *testing.T) {
	if got := (tally{Passed: 3, Failed: 1, Skipped: 2}).cell(); got != "3/4 (2 skipped)" {
		t.Errorf("cell = %q", got)
	}
	if got := (tally{Passed: 5}).cell(); got != "5/5" {
		t.Errorf("cell = %q", got)
	}
}
