package main

// Prism on the same documents, for comparison: its start-up time and peak
// memory, taken as chatmock's are.

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// prismVersion is the Prism the comparison runs (npm, through npx).
const prismVersion = "@stoplight/prism-cli@5.14.2"

// prismFigure is Prism's start-up on one document.
type prismFigure struct {
	LoadMs float64 `json:"loadMs"` // process start (npx included) to "listening"; 0 when it never listened
	RSSMiB float64 `json:"rssMiB"` // the largest VmHWM among its processes then
	Error  string  `json:"error,omitempty"`
}

// measurePrism starts Prism's mock on the document and times it to its
// "listening" line; its memory is read then.
func measurePrism(ctx context.Context, o *options, d document, port int) prismFigure {
	p, err := startPrism(ctx, o, d, port)
	if err != nil {
		return prismFigure{Error: err.Error()}
	}
	defer p.stop()
	return prismFigure{LoadMs: millis(p.loaded), RSSMiB: float64(sessionPeak(p.cmd.Process.Pid)) / 1024}
}

// prismMock is a running Prism mock: npx and the node processes it starts,
// in a session of their own.
type prismMock struct {
	cmd       *exec.Cmd
	began     time.Time
	loaded    time.Duration // start (npx included) to "listening"; set before listening is closed
	listening chan struct{}
	exited    chan struct{} // closed once Wait returned
	once      sync.Once
	mu        sync.Mutex
	last      string // its last line of output, under mu
}

// startPrism starts Prism's mock on the document, in its folder, and waits
// at most o.prismTimeout for its "listening on" line. Its output is read
// to the end, so that its request log never blocks it; stop kills its
// whole session.
func startPrism(ctx context.Context, o *options, d document, port int) (*prismMock, error) {
	p := &prismMock{listening: make(chan struct{}), exited: make(chan struct{})}
	out := &lineWriter{fn: func(line string) {
		if strings.Contains(line, "listening on") && p.loaded == 0 {
			p.loaded = time.Since(p.began)
			close(p.listening)
		}
		if strings.TrimSpace(line) != "" {
			p.mu.Lock()
			p.last = line
			p.mu.Unlock()
		}
	}}
	p.cmd = exec.CommandContext(ctx, "npx", "--yes", prismVersion, "mock", "-h", "127.0.0.1", "-p", strconv.Itoa(port), d.Entry)
	p.cmd.Dir = filepath.Join(o.corpus, d.Name)
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	p.cmd.Cancel = func() error { return syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL) }
	p.cmd.Stdout, p.cmd.Stderr = out, out
	p.cmd.WaitDelay = time.Second
	p.began = time.Now()
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("npx: %w", err)
	}
	go func() {
		_ = p.cmd.Wait()
		_ = out.Close()
		close(p.exited)
	}()
	timer := time.NewTimer(o.prismTimeout)
	defer timer.Stop()
	select {
	case <-p.listening:
		return p, nil
	case <-p.exited:
		return nil, fmt.Errorf("Prism ended before listening: %s", p.lastLine())
	case <-timer.C:
		p.stop()
		return nil, fmt.Errorf("no listening line within %s", o.prismTimeout)
	case <-ctx.Done():
		p.stop()
		return nil, ctx.Err()
	}
}

// stop kills Prism's whole session and waits for it; it may be called more
// than once.
func (p *prismMock) stop() {
	p.once.Do(func() { _ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL) })
	<-p.exited
}

func (p *prismMock) lastLine() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.last
}

// sessionPeak is the largest VmHWM, in KiB, among the processes of the
// session sid leads.
func sessionPeak(sid int) int64 {
	entries, _ := os.ReadDir("/proc")
	var peak int64
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil || sessionOf(string(stat)) != sid {
			continue
		}
		if kib, err := peakRSS(pid); err == nil && kib > peak {
			peak = kib
		}
	}
	return peak
}

// sessionOf reads the session id from a /proc/PID/stat line: the fourth
// field after the command, which is in parentheses and may hold spaces.
func sessionOf(stat string) int {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return -1
	}
	fields := strings.Fields(stat[i+1:])
	if len(fields) < 4 {
		return -1
	}
	sid, err := strconv.Atoi(fields[3])
	if err != nil {
		return -1
	}
	return sid
}

// writePrism prints chatmock's start-up beside Prism's, when the sweep
// measured Prism: times, memory and how many times chatmock's Prism's are.
func writePrism(w io.Writer, s sweep, markdown bool) {
	var rows [][]string
	for _, f := range s.Documents {
		p := f.Prism
		if p == nil {
			continue
		}
		row := []string{f.Name, fmt.Sprintf("%.0f", f.LoadMs), fmt.Sprintf("%.1f", f.ReadyMiB), "—", "—", "—"}
		if p.LoadMs > 0 {
			row[3], row[4] = fmt.Sprintf("%.0f", p.LoadMs), fmt.Sprintf("%.0f", p.RSSMiB)
			if f.LoadMs > 0 && f.ReadyMiB > 0 {
				row[5] = fmt.Sprintf("%.1f× the time, %.1f× the memory", p.LoadMs/f.LoadMs, p.RSSMiB/f.ReadyMiB)
			}
		} else {
			row[5] = p.Error
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return
	}
	heads := []string{"document", "chatmock ms", "chatmock MiB", "Prism ms", "Prism MiB", "Prism against chatmock"}
	fmt.Fprintln(w)
	writeTable(w, heads, rows, markdown)
}
