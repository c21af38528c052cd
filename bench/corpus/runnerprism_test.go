package main

import (
	"errors"
	"strings"
	"testing"
)

// A report's failed cases are tallied by check, once per case and per
// problem, and the schema check's problems by keyword too.
func TestTallyReport(t *testing.T) {
	report := `{"results": [
	  {"id": "a", "outcome": "passed", "problems": []},
	  {"id": "b", "outcome": "failed", "problems": [
	    {"check": "response_schema_conformance", "keyword": "type"},
	    {"check": "response_schema_conformance", "keyword": "required"},
	    {"check": "status_code_conformance"}]},
	  {"id": "c", "outcome": "failed", "problems": [{"check": "response_schema_conformance", "keyword": "type"}]},
	  {"id": "d", "outcome": "skipped", "problems": []}
	]}`
	tl, err := tallyReport(strings.NewReader(report))
	if err != nil {
		t.Fatal(err)
	}
	if tl.Passed != 1 || tl.Failed != 2 || tl.Skipped != 1 {
		t.Errorf("outcomes %+v", tl)
	}
	if tl.Problems[schemaCheck] != 3 || tl.Cases[schemaCheck] != 2 || tl.Cases["status_code_conformance"] != 1 {
		t.Errorf("problems %v, cases %v", tl.Problems, tl.Cases)
	}
	if got := problemsCell(tl.Problems, tl.Keywords); got != "response_schema_conformance 3 (type 2, required 1), status_code_conformance 1" {
		t.Errorf("cell %q", got)
	}
	for _, bad := range []string{``, `{}`, `{"results": [{"id": "x", "outcome": "maybe"}]}`} {
		if _, err := tallyReport(strings.NewReader(bad)); err == nil {
			t.Errorf("tallyReport(%q): want an error", bad)
		}
	}
}

// A crash is an exit other than 0, 1 and 2, a signal, or a panic; the
// sweep names the documents chatmock test crashed on before those it
// could not measure.
func TestRunnerVerdict(t *testing.T) {
	for _, tc := range []struct {
		run   testRun
		crash bool
	}{
		{testRun{exit: 0}, false},
		{testRun{exit: 1, err: errors.New("exit status 1")}, false},
		{testRun{exit: 2, err: errors.New("exit status 2")}, false},
		{testRun{exit: 3, err: errors.New("exit status 3")}, true},
		{testRun{exit: -1, err: errors.New("signal: killed")}, true},
		{testRun{exit: -1, err: errors.New("signal: killed"), timedOut: true}, false},
		{testRun{exit: 1, err: errors.New("exit status 1"), panicked: true}, true},
	} {
		if got := tc.run.crashed(); got != tc.crash {
			t.Errorf("%+v: crashed %v, want %v", tc.run, got, tc.crash)
		}
	}
	if err := runnerVerdict([]prismRun{{Name: "a"}}); err != nil {
		t.Errorf("a clean sweep: %v", err)
	}
	err := runnerVerdict([]prismRun{{Name: "a", Error: "Prism: no listening line"}, {Name: "b", Crashed: true, Exit: 2, Stderr: "panic: x"}})
	var short *shortError
	if !errors.As(err, &short) || err.Error() != "chatmock test crashed on b (exit 2: panic: x)" {
		t.Errorf("a crash: %v", err)
	}
	if err := runnerVerdict([]prismRun{{Name: "a", Error: "Prism: no listening line"}}); err == nil || errors.As(err, &short) {
		t.Errorf("unmeasured: %v, want a plain error", err)
	}
}
