package main

// Prism on the same documents, for comparison: its start-up time and peak
// memory, taken as chatmock's are.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
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

// measurePrism starts Prism's mock on the document, in its folder, and
// times it to its "listening" line. Prism and the node processes it starts
// run in a session of their own, killed whole at the end.
func measurePrism(ctx context.Context, o *options, d document, port int) prismFigure {
	ctx, cancel := context.WithTimeout(ctx, o.prismTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npx", "--yes", prismVersion, "mock", "-h", "127.0.0.1", "-p", strconv.Itoa(port), d.Entry)
	cmd.Dir = filepath.Join(o.corpus, d.Name)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return prismFigure{Error: err.Error()}
	}
	cmd.Stderr = cmd.Stdout
	began := time.Now()
	if err := cmd.Start(); err != nil {
		return prismFigure{Error: "npx: " + err.Error()}
	}
	defer func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	}()
	var f prismFigure
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if strings.Contains(sc.Text(), "listening on") {
			f.LoadMs = millis(time.Since(began))
			f.RSSMiB = float64(sessionPeak(cmd.Process.Pid)) / 1024
			return f
		}
	}
	f.Error = fmt.Sprintf("no listening line within %s", o.prismTimeout)
	return f
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
	if markdown {
		fmt.Fprintf(w, "| %s |\n|%s\n", strings.Join(heads, " | "), strings.Repeat("---|", len(heads)))
		for _, r := range rows {
			r[0] = "`" + r[0] + "`"
			fmt.Fprintf(w, "| %s |\n", strings.Join(r, " | "))
		}
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.ToUpper(strings.Join(heads, "\t")))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	tw.Flush()
}
