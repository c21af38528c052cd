package main

// The contract runner against another mock: `chatmock test` run against
// Prism's mock of each corpus document (--runner-prism). It asks two
// things: does the runner survive a target it was not written beside (an
// exit code other than 0 or 1, or a panic, is a crash), and where does
// Prism's mock answer other than the document it serves says (the failed
// cases' problems, by check).

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// schemaCheck is the check whose problems are also counted by keyword.
const schemaCheck = "response_schema_conformance"

// prismRun is one document's contract run against Prism.
type prismRun struct {
	Name    string    `json:"name"`
	PrismMs float64   `json:"prismMs"` // Prism's start to "listening"; 0 when it never listened
	Exit    int       `json:"exit"`    // chatmock test's exit code; -1 when it did not run or a signal ended it
	Crashed bool      `json:"crashed"`
	Stderr  string    `json:"stderr,omitempty"` // its first stderr line, when it did not end 0 or 1
	TestMs  float64   `json:"testMs"`
	Tally   *runTally `json:"tally,omitempty"` // nil when no report was read
	Error   string    `json:"error,omitempty"` // what kept the sweep from measuring
}

// runTally counts a report's cases and the problems of its failed ones.
type runTally struct {
	Passed   int            `json:"passed"`
	Failed   int            `json:"failed"`
	Skipped  int            `json:"skipped"`
	Problems map[string]int `json:"problems"` // by check
	Cases    map[string]int `json:"cases"`    // failed cases with at least one problem of the check
	Keywords map[string]int `json:"keywords"` // response_schema_conformance problems by keyword
}

// tallyReport reads the JSON report of `chatmock test --json` (see
// contracts/report.go): the outcomes, and the failed cases' problems by
// their check (and, for response_schema_conformance, by keyword).
func tallyReport(r io.Reader) (runTally, error) {
	var doc struct {
		Results *[]struct {
			ID       string `json:"id"`
			Outcome  string `json:"outcome"`
			Problems []struct {
				Check   string `json:"check"`
				Keyword string `json:"keyword"`
			} `json:"problems"`
		} `json:"results"`
	}
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		return runTally{}, fmt.Errorf("report: %w", err)
	}
	if doc.Results == nil {
		return runTally{}, errors.New("report: no results")
	}
	t := runTally{Problems: map[string]int{}, Cases: map[string]int{}, Keywords: map[string]int{}}
	for _, res := range *doc.Results {
		switch res.Outcome {
		case "passed":
			t.Passed++
		case "skipped":
			t.Skipped++
		case "failed":
			t.Failed++
			seen := map[string]bool{}
			for _, p := range res.Problems {
				check := cmp.Or(p.Check, "(none)")
				t.Problems[check]++
				if !seen[check] {
					seen[check] = true
					t.Cases[check]++
				}
				if check == schemaCheck {
					t.Keywords[cmp.Or(p.Keyword, "(none)")]++
				}
			}
		default:
			return runTally{}, fmt.Errorf("report: case %s: unknown outcome %q", res.ID, res.Outcome)
		}
	}
	return t, nil
}

// crashed tells a run of chatmock test that crashed: an exit code other
// than 0, 1 (a case failed) and 2 (a usage error, an unreachable target),
// a signal, or a panic on its stderr.
func (r testRun) crashed() bool {
	return r.panicked || (r.err != nil && !r.timedOut && r.exit != 1 && r.exit != 2)
}

// againstPrism starts Prism's mock on one document, runs chatmock test
// against it and tallies the report. Prism's session is killed before it
// returns.
func againstPrism(ctx context.Context, o *options, d document) prismRun {
	run := prismRun{Name: d.Name, Exit: -1}
	port, err := freePort()
	if err != nil {
		run.Error = err.Error()
		return run
	}
	p, err := startPrism(ctx, o, d, port)
	if err != nil {
		run.Error = "Prism: " + err.Error()
		return run
	}
	defer p.stop()
	run.PrismMs = millis(p.loaded)
	report := filepath.Join(o.reports, d.Name+".prism.json")
	_ = os.Remove(report) // a report left from an earlier sweep is not this run's
	r := execTest(ctx, o, fmt.Sprintf("http://127.0.0.1:%d", port), filepath.Join(o.corpus, d.Name), d.Entry, report, d.apiKeys())
	run.Exit, run.Crashed, run.TestMs = r.exit, r.crashed(), millis(r.took)
	if r.exit != 0 && r.exit != 1 {
		run.Stderr = r.first
	}
	switch {
	case r.timedOut:
		run.Error = fmt.Sprintf("test: no end within %s", o.testTimeout)
	case r.exit == 2:
		run.Error = "test: exit 2: " + r.first
	}
	if file, err := os.Open(report); err == nil {
		t, err := tallyReport(file)
		file.Close()
		if err != nil {
			run.Error = cmp.Or(run.Error, err.Error())
		} else {
			run.Tally = &t
		}
	} else if !run.Crashed && run.Error == "" {
		run.Error = "test: " + err.Error()
	}
	return run
}

// freePort is a TCP port on 127.0.0.1 that nothing listened on a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// runnerSweep is one --runner-prism run over the corpus.
type runnerSweep = sweepOf[prismRun]

// runRunnerPrism runs chatmock test against Prism on each document and
// prints what it found. It is an error (exit 1) when chatmock test crashed
// on a document, and one that exits 2 when a document could not be
// measured.
func runRunnerPrism(ctx context.Context, o *options, docs []document, began time.Time, built time.Duration, stdout, stderr io.Writer) error {
	s := runnerSweep{Date: time.Now().UTC().Format(time.DateOnly), Commit: commit(ctx), BuildMs: millis(built)}
	for _, d := range docs {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		r := againstPrism(ctx, o, d)
		fmt.Fprintf(stderr, "corpus: %s: %s\n", d.Name, strings.Join(r.cells()[1:], " "))
		s.Documents = append(s.Documents, r)
	}
	s.TookMs = millis(time.Since(began))
	writeRunner(stdout, s, o.markdown)
	if o.jsonOut != "" {
		if err := writeJSONFile(o.jsonOut, s); err != nil {
			return err
		}
	}
	return runnerVerdict(s.Documents)
}

// runnerVerdict is the sweep's exit: a shortError naming the documents
// chatmock test crashed on, else an error naming those not measured.
func runnerVerdict(runs []prismRun) error {
	var crashed, unmeasured []string
	for _, r := range runs {
		switch {
		case r.Crashed:
			crashed = append(crashed, fmt.Sprintf("%s (exit %d: %s)", r.Name, r.Exit, r.Stderr))
		case r.Error != "":
			unmeasured = append(unmeasured, fmt.Sprintf("%s (%s)", r.Name, r.Error))
		}
	}
	if len(crashed) > 0 {
		return &shortError{"chatmock test crashed on " + strings.Join(crashed, ", ")}
	}
	if len(unmeasured) > 0 {
		return errors.New("not measured: " + strings.Join(unmeasured, ", "))
	}
	return nil
}

// runnerColumns are the per-document table's headings.
var runnerColumns = []string{"document", "Prism ms", "exit", "crash", "passed", "failed", "skipped", "test ms", "failures' problems by check", "error"}

// cells are one document's row, in the order of runnerColumns.
func (r prismRun) cells() []string {
	crash, passed, failed, skipped, problems := "no", "—", "—", "—", ""
	if r.Crashed {
		crash = "yes: " + r.Stderr
	}
	if t := r.Tally; t != nil {
		passed, failed, skipped = fmt.Sprint(t.Passed), fmt.Sprint(t.Failed), fmt.Sprint(t.Skipped)
		problems = problemsCell(t.Problems, t.Keywords)
	}
	prism := "—"
	if r.PrismMs > 0 {
		prism = fmt.Sprintf("%.0f", r.PrismMs)
	}
	return []string{r.Name, prism, fmt.Sprint(r.Exit), crash, passed, failed, skipped, fmt.Sprintf("%.0f", r.TestMs), problems, r.Error}
}

// problemsCell writes counts by check, most first, with the schema
// check's keywords in parentheses: "status_code_conformance 3,
// response_schema_conformance 2 (type 1, required 1)".
func problemsCell(byCheck, keywords map[string]int) string {
	var parts []string
	for _, c := range byCount(byCheck) {
		part := fmt.Sprintf("%s %d", c, byCheck[c])
		if c == schemaCheck && len(keywords) > 0 {
			var kw []string
			for _, k := range byCount(keywords) {
				kw = append(kw, fmt.Sprintf("%s %d", k, keywords[k]))
			}
			part += " (" + strings.Join(kw, ", ") + ")"
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, ", ")
}

// byCount is m's keys, the largest count first, then by name.
func byCount(m map[string]int) []string {
	keys := slices.Collect(maps.Keys(m))
	slices.SortFunc(keys, func(a, b string) int { return cmp.Or(m[b]-m[a], strings.Compare(a, b)) })
	return keys
}

// checkTotal is one row of the totals across documents.
type checkTotal struct {
	check, keyword          string
	problems, cases, inDocs int
}

// runnerTotals sums the documents' problems by check (and the schema
// check's by keyword, after it), most problems first.
func runnerTotals(runs []prismRun) []checkTotal {
	problems, cases, docs := map[string]int{}, map[string]int{}, map[string]int{}
	keywords, kwDocs := map[string]int{}, map[string]int{}
	for _, r := range runs {
		if r.Tally == nil {
			continue
		}
		for c, n := range r.Tally.Problems {
			problems[c] += n
			cases[c] += r.Tally.Cases[c]
			docs[c]++
		}
		for k, n := range r.Tally.Keywords {
			keywords[k] += n
			kwDocs[k]++
		}
	}
	var rows []checkTotal
	for _, c := range byCount(problems) {
		rows = append(rows, checkTotal{check: c, problems: problems[c], cases: cases[c], inDocs: docs[c]})
		if c != schemaCheck {
			continue
		}
		for _, k := range byCount(keywords) {
			rows = append(rows, checkTotal{check: c, keyword: k, problems: keywords[k], inDocs: kwDocs[k]})
		}
	}
	return rows
}

// writeRunner prints the per-document table, the totals by check and the
// line under them.
func writeRunner(w io.Writer, s runnerSweep, markdown bool) {
	var rows [][]string
	for _, r := range s.Documents {
		rows = append(rows, r.cells())
	}
	writeTable(w, runnerColumns, rows, markdown)
	fmt.Fprintln(w)
	heads := []string{"check", "keyword", "problems", "failed cases", "documents"}
	rows = nil
	for _, t := range runnerTotals(s.Documents) {
		cases := "—" // a case may break several keywords: not counted by keyword
		if t.keyword == "" {
			cases = fmt.Sprint(t.cases)
		}
		rows = append(rows, []string{t.check, t.keyword, fmt.Sprint(t.problems), cases, fmt.Sprint(t.inDocs)})
	}
	writeTable(w, heads, rows, markdown)
	fmt.Fprintln(w)
	fmt.Fprintln(w, runnerLine(s))
}

// runnerLine is the line under the tables.
func runnerLine(s runnerSweep) string {
	var passed, failed, skipped, crashed int
	for _, r := range s.Documents {
		if r.Crashed {
			crashed++
		}
		if t := r.Tally; t != nil {
			passed, failed, skipped = passed+t.Passed, failed+t.Failed, skipped+t.Skipped
		}
	}
	at := ""
	if s.Commit != "" {
		at = " at " + s.Commit
	}
	return fmt.Sprintf("%d documents against %s, chatmock test crashed on %d; cases %d passed, %d failed, %d skipped; %.1f s in all (build %.1f s), %s%s",
		len(s.Documents), prismVersion, crashed, passed, failed, skipped, s.TookMs/1000, s.BuildMs/1000, s.Date, at)
}
