package main

// The sweep's figures as a text table, a Markdown table and JSON.

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"unicode/utf8"
)

// sweep is one run over the corpus.
type sweep = sweepOf[figure]

// sweepOf is one run over the corpus, with what it found per document.
type sweepOf[T any] struct {
	Date      string  `json:"date"`
	Commit    string  `json:"commit"`
	BuildMs   float64 `json:"buildMs"`
	TookMs    float64 `json:"tookMs"` // the build included
	Documents []T     `json:"documents"`
}

// columns are the tables' headings, in order.
var columns = []string{"document", "OpenAPI", "load ms", "ready MiB", "RSS MiB", "served/ops", "warnings", "valid ok", "invalid ok", "stateful ok", "test ms", "refused or failed"}

// cells are one figure's table cells, in the order of columns; the last
// is the refusal, or what went wrong in the sweep.
func (f *figure) cells() []string {
	dash := "—"
	load, ready, rss, valid, invalid, stateful := dash, dash, dash, dash, dash, dash
	if f.LoadMs > 0 {
		load = fmt.Sprintf("%.0f", f.LoadMs)
	}
	if f.ReadyMiB > 0 {
		ready = fmt.Sprintf("%.1f", f.ReadyMiB)
	}
	if f.RSSMiB > 0 {
		rss = fmt.Sprintf("%.1f", f.RSSMiB)
	}
	if f.Cases != nil {
		valid, invalid, stateful = f.Cases.Valid.cell(), f.Cases.Invalid.cell(), f.Cases.Stateful.cell()
	}
	why := f.Refusal
	if f.Error != "" && why != "" {
		why += "; "
	}
	if f.Error != "" {
		why += "error: " + f.Error
	}
	return []string{f.Name, version(f.OpenAPI), load, ready, rss, fmt.Sprintf("%d/%d", f.Served, f.Operations),
		fmt.Sprint(f.Warnings), valid, invalid, stateful, f.runsCell(), why}
}

// runsCell is each chatmock test run's time, and what the later runs
// failed: "158, 114" or "158, 114 (3 failed again)".
func (f *figure) runsCell() string {
	if len(f.RunMs) == 0 {
		return "—"
	}
	ms := make([]string, len(f.RunMs))
	for i, t := range f.RunMs {
		ms[i] = fmt.Sprintf("%.0f", t)
	}
	s := strings.Join(ms, ", ")
	if f.FailedAgain > 0 {
		s += fmt.Sprintf(" (%d failed again)", f.FailedAgain)
	}
	return s
}

// cell is passed/sent, and how many were skipped (not sent: a request
// example that breaks its own schema, a media type the runner cannot send).
func (t tally) cell() string {
	s := fmt.Sprintf("%d/%d", t.Passed, t.Passed+t.Failed)
	if t.Skipped > 0 {
		s += fmt.Sprintf(" (%d skipped)", t.Skipped)
	}
	return s
}

// version writes index.json's "swagger: 2.0" as "Swagger 2.0".
func version(v string) string {
	if rest, ok := strings.CutPrefix(v, "swagger:"); ok {
		return "Swagger " + strings.TrimSpace(rest)
	}
	return v
}

// textReason is how much of a refusal the text table shows.
const textReason = 100

func writeText(w io.Writer, s sweep) {
	rows := make([][]string, len(s.Documents))
	for i, f := range s.Documents {
		rows[i] = f.cells()
		rows[i][len(rows[i])-1] = cut(rows[i][len(rows[i])-1], textReason)
	}
	writeTable(w, columns, rows, false)
	fmt.Fprintln(w, totals(s))
}

func writeMarkdown(w io.Writer, s sweep) {
	rows := make([][]string, len(s.Documents))
	for i, f := range s.Documents {
		rows[i] = f.cells()
	}
	writeTable(w, columns, rows, true)
	fmt.Fprintf(w, "\n%s\n", totals(s))
}

// writeTable prints rows under heads, as Markdown (the first cell in
// backquotes) or aligned text.
func writeTable(w io.Writer, heads []string, rows [][]string, markdown bool) {
	if markdown {
		fmt.Fprintf(w, "| %s |\n|%s\n", strings.Join(heads, " | "), strings.Repeat("---|", len(heads)))
		for _, r := range rows {
			cells := slices.Clone(r)
			for i, c := range cells {
				cells[i] = strings.ReplaceAll(c, "|", `\|`)
			}
			if cells[0] != "" {
				cells[0] = "`" + cells[0] + "`"
			}
			fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
		}
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	up := make([]string, len(heads))
	for i, h := range heads {
		up[i] = strings.ToUpper(strings.ReplaceAll(h, " ", "_"))
	}
	fmt.Fprintln(tw, strings.Join(up, "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	tw.Flush()
}

// totals is the line under a table.
func totals(s sweep) string {
	served := 0
	for _, f := range s.Documents {
		if f.Served > 0 {
			served++
		}
	}
	at := ""
	if s.Commit != "" {
		at = " at " + s.Commit
	}
	docs := "documents"
	if len(s.Documents) == 1 {
		docs = "document"
	}
	return fmt.Sprintf("%d %s, %d served, %d not; %.1f s in all (build %.1f s), %s%s",
		len(s.Documents), docs, served, len(s.Documents)-served, s.TookMs/1000, s.BuildMs/1000, s.Date, at)
}

func writeJSONFile[T any](path string, s sweepOf[T]) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// progress is one document's line on stderr while the sweep runs.
func progress(f figure) string {
	c := f.cells()
	if c[len(c)-1] != "" {
		return cut(c[len(c)-1], textReason)
	}
	return fmt.Sprintf("served %s in %s ms, valid %s, invalid %s, stateful %s, test %s ms", c[5], c[2], c[7], c[8], c[9], c[10])
}

// cut shortens s to n characters, marking the cut.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
