package main

// One document's measurement: serve it, wait for the serving line, run the
// contract cases against it, read its peak RSS, stop it.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// figure is what the sweep measured of one document.
type figure struct {
	Name       string  `json:"name"`
	API        string  `json:"api"`
	OpenAPI    string  `json:"openapi"`
	Operations int     `json:"operations"` // in the document, as index.json counts them
	Served     int     `json:"served"`     // what serve said it serves; 0 when it did not start
	LoadMs     float64 `json:"loadMs"`     // process start to the serving line
	ReadyMiB   float64 `json:"readyMiB"`   // VmHWM when it said it serves: what loading the document took
	RSSMiB     float64 `json:"rssMiB"`     // VmHWM, read after the contract run
	Warnings   int     `json:"warnings"`   // stderr lines at level WARN
	Cases      *cases  `json:"cases"`      // the first run's; nil when no report was read
	TestMs     float64 `json:"testMs"`     // how long the first `chatmock test` ran
	// RunMs are how long each run of `chatmock test` took (--runs), all
	// against the one serve, and FailedAgain the cases the later runs
	// failed: a run must leave the state fit for the next.
	RunMs       []float64    `json:"runMs,omitempty"`
	FailedAgain int          `json:"failedAgain"`
	Refusal     string       `json:"refusal,omitempty"`
	Prism       *prismFigure `json:"prism,omitempty"` // with --prism
	Error       string       `json:"error,omitempty"` // what kept the sweep from a figure: a timeout, a report it could not read
}

// fail adds msg to what went wrong.
func (f *figure) fail(msg string) {
	if f.Error != "" {
		f.Error += "; "
	}
	f.Error += msg
}

// measure serves one document and measures it. Whatever happens the child
// is killed before it returns.
func measure(ctx context.Context, o *options, d document) figure {
	f := figure{Name: d.Name, API: d.API, OpenAPI: d.OpenAPI, Operations: d.Operations}
	// Each runs in the document's own folder, as a user beside it would:
	// its $refs to other files may reach anywhere below that folder.
	dir, spec := filepath.Join(o.corpus, d.Name), d.Entry
	srv, err := startServe(ctx, o.bin, dir, spec)
	if err != nil {
		f.Error = err.Error()
		return f
	}
	defer srv.stop()
	timer := time.NewTimer(o.startTimeout)
	defer timer.Stop()
	select {
	case sv := <-srv.ready:
		f.LoadMs = millis(srv.loaded)
		f.Served = sv.Operations
		if kib, err := peakRSS(srv.cmd.Process.Pid); err == nil {
			f.ReadyMiB = float64(kib) / 1024
		}
		f.exercise(ctx, o, d, srv, filepath.Join(o.reports, d.Name+".json"))
	case <-srv.exited:
		switch {
		case srv.firstErr != "":
			f.Refusal = refusal(srv.firstErr, spec)
		case srv.waitErr != nil:
			f.Refusal = srv.waitErr.Error()
		default:
			f.Error = "serve exited 0 without its serving line"
		}
	case <-timer.C:
		f.Error = fmt.Sprintf("no serving line within %s", o.startTimeout)
	case <-ctx.Done():
		f.Error = ctx.Err().Error()
	}
	srv.stop()
	f.Warnings = srv.warnings
	return f
}

// exercise runs the contract cases against a serving chatmock, then reads
// its peak RSS.
func (f *figure) exercise(ctx context.Context, o *options, d document, srv *server, report string) {
	for run := range max(o.runs, 1) {
		out := report
		if run > 0 {
			out = strings.TrimSuffix(report, ".json") + fmt.Sprintf(".run%d.json", run+1)
		}
		c, took, err := runTest(ctx, o, srv.addr(), filepath.Join(o.corpus, d.Name), d.Entry, out, d.apiKeys())
		f.RunMs = append(f.RunMs, millis(took))
		switch {
		case err != nil:
			f.fail(fmt.Sprintf("run %d: %v", run+1, err))
		case run == 0:
			f.TestMs, f.Cases = millis(took), &c
		default:
			f.FailedAgain += c.Valid.Failed + c.Invalid.Failed + c.Stateful.Failed
		}
	}
	kib, err := peakRSS(srv.cmd.Process.Pid)
	if err != nil {
		f.fail("rss: " + err.Error())
		return
	}
	f.RSSMiB = float64(kib) / 1024
}

// peakRSS is the VmHWM of process pid, in KiB.
func peakRSS(pid int) (int64, error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	return parseVmHWM(string(status))
}

// server is a running `chatmock serve`.
type server struct {
	cmd    *exec.Cmd
	began  time.Time
	ready  chan serving  // the serving line, once
	exited chan struct{} // closed once Wait returned
	once   sync.Once

	// set by the stdout writer before it sends on ready
	loaded time.Duration
	seen   serving
	// read only after exited is closed
	waitErr  error
	warnings int
	firstErr string
}

// startServe starts `chatmock serve` on spec; its stdout is watched for the
// serving line, its stderr for warnings and the refusal.
func startServe(ctx context.Context, bin, dir, spec string) (*server, error) {
	s := &server{ready: make(chan serving, 1), exited: make(chan struct{})}
	out := &lineWriter{fn: func(line string) {
		if sv, ok := parseServing(line); ok && s.seen.Addr == "" {
			s.loaded = time.Since(s.began)
			s.seen = sv
			s.ready <- sv
		}
	}}
	errs := &lineWriter{fn: func(line string) {
		if isWarning(line) {
			s.warnings++
		}
		if s.firstErr == "" && strings.TrimSpace(line) != "" {
			s.firstErr = line
		}
	}}
	s.cmd = exec.CommandContext(ctx, bin, "serve", "--addr", "127.0.0.1:0", "--spec", spec, "--seed", "1")
	s.cmd.Dir = dir
	s.cmd.Stdout, s.cmd.Stderr = out, errs
	s.cmd.WaitDelay = time.Second
	s.began = time.Now()
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	go func() {
		s.waitErr = s.cmd.Wait()
		_ = out.Close()
		_ = errs.Close()
		close(s.exited)
	}()
	return s, nil
}

// addr is where the server listens; valid once ready has been received.
func (s *server) addr() string { return s.seen.Addr }

// stop kills the server and waits for it; it may be called more than once.
func (s *server) stop() {
	s.once.Do(func() { _ = s.cmd.Process.Kill() })
	<-s.exited
}

// runTest runs `chatmock test` against addr with credentials for every
// scheme and reads its JSON report; a run whose cases fail (exit 1) is a
// measurement, not an error.
func runTest(ctx context.Context, o *options, addr, dir, spec, report string, keys []string) (cases, time.Duration, error) {
	r := execTest(ctx, o, "http://"+addr, dir, spec, report, keys)
	switch {
	case r.timedOut:
		return cases{}, r.took, fmt.Errorf("test: no end within %s", o.testTimeout)
	case r.exit == 1:
	case r.err != nil:
		return cases{}, r.took, fmt.Errorf("test: %v: %s", r.err, r.first)
	}
	file, err := os.Open(report)
	if err != nil {
		return cases{}, r.took, fmt.Errorf("test: %w", err)
	}
	defer file.Close()
	c, err := summarise(file)
	return c, r.took, err
}

// testRun is how one `chatmock test` ended.
type testRun struct {
	exit     int // its exit code; -1 when it did not start or a signal ended it
	err      error
	timedOut bool   // it ran past o.testTimeout and was killed
	first    string // its first line on stderr
	panicked bool   // "panic" on its stderr
	took     time.Duration
}

// execTest runs `chatmock test` against target, in dir, with credentials
// for every scheme (the flags in extra added) and its JSON report written
// to report.
func execTest(ctx context.Context, o *options, target, dir, spec, report string, keys []string, extra ...string) testRun {
	ctx, cancel := context.WithTimeout(ctx, o.testTimeout)
	defer cancel()
	args := []string{"test", "--target", target, "--spec", spec, "--parallel", strconv.Itoa(o.parallel),
		"--bearer", "x", "--basic", "u:p", "--timeout", "5s", "--json", report}
	for _, k := range keys {
		args = append(args, "--credential", k+"=x")
	}
	var r testRun
	errs := &lineWriter{fn: func(line string) {
		if r.first == "" && strings.TrimSpace(line) != "" {
			r.first = line
		}
		r.panicked = r.panicked || strings.Contains(line, "panic")
	}}
	cmd := exec.CommandContext(ctx, o.bin, append(args, extra...)...)
	cmd.Dir = dir
	cmd.Stderr = errs
	cmd.WaitDelay = time.Second
	began := time.Now()
	r.err = cmd.Run()
	r.took = time.Since(began)
	_ = errs.Close()
	r.timedOut = ctx.Err() != nil
	r.exit = -1
	var exit *exec.ExitError
	if r.err == nil {
		r.exit = 0
	} else if errors.As(r.err, &exit) {
		r.exit = exit.ExitCode()
	}
	return r
}

// apiKeys are the names of the headers and query parameters the
// document's apiKey schemes take, as index.json describes them
// ("apiKey/header:X-Gotify-Key").
func (d document) apiKeys() []string {
	var keys []string
	for _, scheme := range d.SecuritySchemes {
		rest, ok := strings.CutPrefix(scheme, "apiKey/")
		if !ok {
			continue
		}
		if _, name, ok := strings.Cut(rest, ":"); ok && name != "" && !slices.Contains(keys, name) {
			keys = append(keys, name)
		}
	}
	slices.Sort(keys)
	return keys
}

func millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
