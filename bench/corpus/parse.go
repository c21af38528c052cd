package main

// What the sweep reads from chatmock: the line serve prints when it is
// ready, its stderr (warnings, the refusal), the kernel's peak RSS of the
// process and the contract runner's JSON report.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// serving is what `chatmock serve` says once it listens.
type serving struct {
	Operations int    // operations served
	Documents  int    // documents loaded
	Addr       string // host:port
}

var servingLine = regexp.MustCompile(`^chatmock: serving (\d+) operations? of (\d+) documents? on http://([^\s/]+)\s*$`)

// parseServing reads "chatmock: serving N operations of M documents on
// http://ADDR"; ok is false for any other line.
func parseServing(line string) (s serving, ok bool) {
	m := servingLine.FindStringSubmatch(line)
	if m == nil {
		return serving{}, false
	}
	ops, err1 := strconv.Atoi(m[1])
	docs, err2 := strconv.Atoi(m[2])
	if err1 != nil || err2 != nil {
		return serving{}, false
	}
	return serving{Operations: ops, Documents: docs, Addr: m[3]}, true
}

// parseVmHWM returns the VmHWM line of a /proc/PID/status text, in KiB.
func parseVmHWM(status string) (int64, error) {
	for line := range strings.Lines(status) {
		rest, ok := strings.CutPrefix(line, "VmHWM:")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) != 2 || fields[1] != "kB" {
			return 0, fmt.Errorf("VmHWM line %q: want N kB", strings.TrimSpace(line))
		}
		return strconv.ParseInt(fields[0], 10, 64)
	}
	return 0, errors.New("no VmHWM line")
}

var warnLevel = regexp.MustCompile(`(^|\s)level=WARN(\s|$)`)

// isWarning tells a log/slog text line at level WARN.
func isWarning(line string) bool { return warnLevel.MatchString(line) }

// refusal shortens serve's first stderr line to its reason: without the
// "chatmock serve: " in front, nor the document's path that follows it.
func refusal(line, spec string) string {
	line = strings.TrimSpace(line)
	line = strings.TrimPrefix(line, "chatmock serve: ")
	line = strings.TrimPrefix(line, spec+": ")
	return line
}

// tally counts the outcomes of one kind of case.
type tally struct {
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
}

func (t tally) total() int { return t.Passed + t.Failed + t.Skipped }

func (t *tally) add(outcome string) error {
	switch outcome {
	case "passed":
		t.Passed++
	case "failed":
		t.Failed++
	case "skipped":
		t.Skipped++
	default:
		return fmt.Errorf("unknown outcome %q", outcome)
	}
	return nil
}

// cases are a contract run's results by kind: positive cases (a valid
// request, answered as documented) and negative ones (an invalid request,
// refused as documented).
type cases struct {
	Valid   tally `json:"valid"`
	Invalid tally `json:"invalid"`
	// Stateful are the sequences: create then read back, delete then use,
	// find listed, follow a link.
	Stateful tally `json:"stateful"`
	Other    int   `json:"other"` // cases tagged none of these
}

// summarise reads the JSON report of `chatmock test --json` (see
// contracts/report.go) and counts its results by their positive,
// negative or stateful tag (a sequence made of a positive case counts as
// stateful).
func summarise(r io.Reader) (cases, error) {
	var doc struct {
		Results *[]struct {
			ID      string   `json:"id"`
			Tags    []string `json:"tags"`
			Outcome string   `json:"outcome"`
		} `json:"results"`
	}
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		return cases{}, fmt.Errorf("report: %w", err)
	}
	if doc.Results == nil {
		return cases{}, errors.New("report: no results")
	}
	var c cases
	for _, res := range *doc.Results {
		var t *tally
		for _, tag := range res.Tags {
			switch tag {
			case "positive":
				t = &c.Valid
			case "negative":
				t = &c.Invalid
			case "stateful":
				t = &c.Stateful
			}
		}
		if t == nil {
			c.Other++
			continue
		}
		if err := t.add(res.Outcome); err != nil {
			return cases{}, fmt.Errorf("report: case %s: %w", res.ID, err)
		}
	}
	return c, nil
}

// lineWriter hands each line written to it to fn, without its newline; a
// line longer than maxLine is cut there. Close hands over the last line if
// it had no newline. It is an exec.Cmd's Stdout or Stderr: one goroutine
// writes, and what fn gathers is read after Wait.
type lineWriter struct {
	fn  func(string)
	buf []byte
}

const maxLine = 4 << 10

func (w *lineWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		chunk := p
		if i >= 0 {
			chunk = p[:i]
		}
		if room := maxLine - len(w.buf); room > 0 {
			w.buf = append(w.buf, chunk[:min(room, len(chunk))]...)
		}
		if i < 0 {
			break
		}
		w.flush()
		p = p[i+1:]
	}
	return n, nil
}

func (w *lineWriter) flush() {
	w.fn(strings.TrimSuffix(string(w.buf), "\r"))
	w.buf = w.buf[:0]
}

// Close hands over a last line that had no newline.
func (w *lineWriter) Close() error {
	if len(w.buf) > 0 {
		w.flush()
	}
	return nil
}
