// Command corpus sweeps the public chat-API documents of the shared corpus
// through chatmock, one document at a time, and prints what happened to
// each: whether `chatmock serve` loads it (and if not, the first line of
// its refusal), how long loading took (process start to the serving
// line), its peak RSS, the operations served against the document's own
// count, the warnings logged, and how many of the derived contract cases
// `chatmock test` passes against the mock: positive cases (a valid request
// answered as documented) and negative ones (an invalid request refused as
// documented) and stateful sequences (create then read back, delete then
// use, find listed, follow a link).
//
//	go run ./bench/corpus [--corpus ../shared/corpus] [--only NAME]... [--markdown] [--json FILE] [--reports DIR]
//
// It builds chatmock once into a temporary folder. The figures are a
// measurement: it exits 0 whatever they are, and 2 only when it cannot
// take them (no corpus, a bad flag, a failed build); --min-served and
// --no-failures make them a bar (exit 1).
//
// With --runner-prism it runs `chatmock test` instead against Prism's mock
// of each document (runnerprism.go), tallies the failures' problems by
// check, and exits 1 when chatmock test crashed on a document.
//
// With --crud it checks instead, in-process, the state the mock infers
// from each document's paths (crud.go), and exits 1 when a step fails.
//
// It may import: contracts, internal/resource, internal/tmpl, mockserver,
// spec.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	var short *shortError
	if errors.As(err, &short) {
		fmt.Fprintln(os.Stderr, "corpus:", err)
		os.Exit(1)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "corpus:", err)
		os.Exit(2)
	}
}

// options are the sweep's settings, from the flags.
type options struct {
	corpus       string
	only         names
	markdown     bool
	jsonOut      string
	reports      string // where the contract reports go; the temporary folder when ""
	minServed    float64
	crud         bool
	prism        bool
	runnerPrism  bool
	noFailures   bool
	runs         int // chatmock test runs against each serve
	parallel     int // chatmock test --parallel
	prismTimeout time.Duration
	startTimeout time.Duration
	testTimeout  time.Duration
	bin          string // the chatmock binary, once built
}

// names is a repeatable string flag.
type names []string

func (n *names) String() string     { return strings.Join(*n, ",") }
func (n *names) Set(v string) error { *n = append(*n, v); return nil }

// document is the part of an index.json entry the sweep reads.
type document struct {
	Name            string            `json:"name"`
	API             string            `json:"api"`
	Entry           string            `json:"entry"`
	OpenAPI         string            `json:"openapi"`
	Operations      int               `json:"operations"`
	SecuritySchemes map[string]string `json:"security_schemes"`
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	docs, err := readIndex(o.corpus, o.only)
	if err != nil {
		return err
	}
	if o.crud {
		return runCRUD(ctx, o.corpus, docs, stdout)
	}
	tmp, err := os.MkdirTemp("", "chatmock-corpus-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	began := time.Now()
	if o.bin, err = build(ctx, tmp, stderr); err != nil {
		return err
	}
	built := time.Since(began)
	if o.reports == "" {
		o.reports = tmp
	} else if err := os.MkdirAll(o.reports, 0o755); err != nil {
		return err
	}
	if o.reports, err = filepath.Abs(o.reports); err != nil { // the children run in each document's folder
		return err
	}
	if o.prism || o.runnerPrism {
		// npx fetches Prism once, before any document is timed.
		warm, cancel := context.WithTimeout(ctx, o.prismTimeout)
		err := exec.CommandContext(warm, "npx", "--yes", prismVersion, "--version").Run()
		cancel()
		if err != nil {
			return fmt.Errorf("--prism: npx %s: %w", prismVersion, err)
		}
	}
	if o.runnerPrism {
		return runRunnerPrism(ctx, o, docs, began, built, stdout, stderr)
	}
	var figs []figure
	for _, d := range docs {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		f := measure(ctx, o, d)
		if o.prism {
			p := measurePrism(ctx, o, d, 4790)
			f.Prism = &p
		}
		fmt.Fprintf(stderr, "corpus: %s: %s\n", d.Name, progress(f))
		figs = append(figs, f)
	}
	s := sweep{
		Date:      time.Now().UTC().Format(time.DateOnly),
		Commit:    commit(ctx),
		BuildMs:   millis(built),
		TookMs:    millis(time.Since(began)),
		Documents: figs,
	}
	if o.markdown {
		writeMarkdown(stdout, s)
	} else {
		writeText(stdout, s)
	}
	writePrism(stdout, s, o.markdown)
	if o.jsonOut != "" {
		if err := writeJSONFile(o.jsonOut, s); err != nil {
			return err
		}
	}
	if err := belowServed(figs, o.minServed); err != nil {
		return err
	}
	if o.noFailures {
		return withFailures(figs)
	}
	return nil
}

// withFailures is an error naming each document on which chatmock test
// failed a case against the mock of that document (every such failure is
// a false alarm, or a mock that breaks its own document), or could not
// run.
func withFailures(figs []figure) error {
	var bad []string
	for _, f := range figs {
		switch c := f.Cases; {
		case c == nil:
			bad = append(bad, f.Name+" (no report)")
		case c.Valid.Failed+c.Invalid.Failed+c.Stateful.Failed > 0:
			bad = append(bad, fmt.Sprintf("%s (%d valid, %d invalid, %d stateful)", f.Name, c.Valid.Failed, c.Invalid.Failed, c.Stateful.Failed))
		case f.FailedAgain > 0:
			bad = append(bad, fmt.Sprintf("%s (%d in the later runs)", f.Name, f.FailedAgain))
		}
	}
	if len(bad) > 0 {
		return &shortError{"chatmock test failed cases against the mock of " + strings.Join(bad, ", ")}
	}
	return nil
}

// belowServed is an error naming each document served with fewer than
// min percent of its operations (none when min is 0).
func belowServed(figs []figure, min float64) error {
	var short []string
	for _, f := range figs {
		if min > 0 && f.Operations > 0 && 100*float64(f.Served)/float64(f.Operations) < min {
			short = append(short, fmt.Sprintf("%s (%d of %d)", f.Name, f.Served, f.Operations))
		}
	}
	if len(short) > 0 {
		return &shortError{fmt.Sprintf("served with fewer than %g%% of their operations: %s", min, strings.Join(short, ", "))}
	}
	return nil
}

// shortError is a sweep whose figures fall below --min-served, one with
// failed cases (--no-failures), or one in which chatmock test crashed
// (--runner-prism): exit 1.
type shortError struct{ msg string }

func (e *shortError) Error() string { return e.msg }

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("corpus", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.corpus, "corpus", "../shared/corpus", "the corpus folder, holding index.json")
	fs.Var(&o.only, "only", "only this document, by its index.json name (repeatable)")
	fs.BoolVar(&o.markdown, "markdown", false, "print a Markdown table (for BENCHMARKS.md)")
	fs.StringVar(&o.jsonOut, "json", "", "also write the figures here as JSON")
	fs.StringVar(&o.reports, "reports", "", "keep each document's `chatmock test` JSON report in this folder, as NAME.json")
	fs.DurationVar(&o.startTimeout, "start-timeout", 30*time.Second, "longest wait for serve's serving line")
	fs.DurationVar(&o.testTimeout, "test-timeout", 60*time.Second, "longest run of chatmock test on one document")
	fs.BoolVar(&o.prism, "prism", false, "also time Prism's mock ("+prismVersion+", through npx) to listening on each document, and its memory")
	fs.BoolVar(&o.runnerPrism, "runner-prism", false, "run chatmock test against Prism's mock ("+prismVersion+", through npx) of each document instead, and count the failures by check (exit 1 when chatmock test crashes)")
	fs.DurationVar(&o.prismTimeout, "prism-timeout", 3*time.Minute, "longest wait for Prism to listen")
	fs.BoolVar(&o.crud, "crud", false, "check the inferred state of each document instead: create, read, update, list, delete (exit 1 when a step fails)")
	fs.IntVar(&o.runs, "runs", 1, "run chatmock test this many times against each document's one serve (the later runs on the state the earlier left)")
	fs.IntVar(&o.parallel, "parallel", 4, "chatmock test --parallel")
	fs.BoolVar(&o.noFailures, "no-failures", false, "exit 1 when chatmock test fails a case against the mock of a document (CI)")
	fs.Float64Var(&o.minServed, "min-served", 0, "exit 1 when a document is served with fewer than this percentage of its operations (CI: 95)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (see -h)", fs.Arg(0))
	}
	if o.startTimeout <= 0 || o.testTimeout <= 0 {
		return nil, errors.New("timeouts must be positive")
	}
	return o, nil
}

// readIndex reads dir/index.json and keeps the documents named in only
// (all when only is empty), in the index's order.
func readIndex(dir string, only []string) ([]document, error) {
	data, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		return nil, fmt.Errorf("no corpus: %w", err)
	}
	var all []document
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "index.json"), err)
	}
	var docs []document
	for _, d := range all {
		if d.Name == "" || d.Entry == "" {
			return nil, fmt.Errorf("%s: an entry without name or entry", filepath.Join(dir, "index.json"))
		}
		if len(only) == 0 || slices.Contains(only, d.Name) {
			docs = append(docs, d)
		}
	}
	for _, n := range only {
		if !slices.ContainsFunc(all, func(d document) bool { return d.Name == n }) {
			return nil, fmt.Errorf("--only %s: no such document in %s", n, dir)
		}
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("%s lists no documents", filepath.Join(dir, "index.json"))
	}
	return docs, nil
}

// build builds chatmock into dir and returns the binary's path.
func build(ctx context.Context, dir string, stderr io.Writer) (string, error) {
	bin := filepath.Join(dir, "chatmock")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/chatmock/chatmock/cmd/chatmock")
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/chatmock: %w", err)
	}
	return bin, nil
}

// commit is the short hash of HEAD, with "-dirty" when the work tree has
// changes; "" outside a git checkout.
func commit(ctx context.Context) string {
	out, err := exec.CommandContext(ctx, "git", "describe", "--always", "--dirty", "--abbrev=7").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
