package contracts

// Report writers: JUnit XML for CI, JSON for machines, a text summary for
// people.
//
// Secrets: the writers print each Result's Sent as given. Redacting
// credentials is the runner's job and happens before a Result is made (see
// Sent). As a second line of defence every writer also replaces, in a copy,
// the values of the headers in reportSecretHeaders and of the query
// parameters in reportSecretQuery with "[redacted]"; the Report itself is
// never changed. Bodies are not searched for secrets.

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"
)

const (
	reportRedacted = "[redacted]"
	// reportBodyLimit cuts bodies in the JUnit and JSON reports.
	reportBodyLimit = 64 << 10
	// reportSummaryBodyLimit cuts bodies in the text summary.
	reportSummaryBodyLimit = 2 << 10
)

// reportSecretHeaders are the headers whose values no report shows
// (compared case-insensitively).
var reportSecretHeaders = []string{"Authorization", "Cookie", "X-Api-Key", "Proxy-Authorization", "Set-Cookie"}

// reportURLHeaders are the headers whose values are URLs: their secret
// query parameters are redacted (a target may echo the request's URL).
var reportURLHeaders = []string{"Location", "Content-Location", "Referer"}

// reportSecretQuery are the query parameters whose values no report shows
// (compared case-insensitively), whatever the document says; each case
// adds the names of its own API keys (Case.Credentials).
var reportSecretQuery = []string{"token", "access_token", "api_key", "apikey", "key", "signature", "sig"}

// Counts returns passed, failed, skipped over all results.
func (r *Report) Counts() (passed, failed, skipped int) {
	t := r.reportTally()[""]
	return t.Passed, t.Failed, t.Skipped
}

// reportCounts are the outcomes of a set of results.
type reportCounts struct {
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
	took    time.Duration
}

func (c *reportCounts) add(res *Result) {
	switch res.Outcome {
	case Passed:
		c.Passed++
	case Failed:
		c.Failed++
	case Skipped:
		c.Skipped++
	}
	c.took += res.Took
}

func (c reportCounts) total() int { return c.Passed + c.Failed + c.Skipped }

// reportTally counts the results per API; the key "" holds the totals.
// APIs are keyed with a "/" in front so that an API named "" cannot clash.
func (r *Report) reportTally() map[string]*reportCounts {
	out := map[string]*reportCounts{"": {}}
	for _, res := range r.Results {
		if res == nil {
			continue
		}
		info := reportInfoOf(res)
		c := out["/"+info.api]
		if c == nil {
			c = &reportCounts{}
			out["/"+info.api] = c
		}
		c.add(res)
		out[""].add(res)
	}
	return out
}

// reportAPIs lists the APIs of the results in name order.
func (r *Report) reportAPIs() []string {
	var apis []string
	for _, res := range r.Results {
		if res == nil {
			continue
		}
		if api := reportInfoOf(res).api; !slices.Contains(apis, api) {
			apis = append(apis, api)
		}
	}
	slices.Sort(apis)
	return apis
}

type reportInfo struct {
	id, api, operation string
	tags               []string
}

func reportInfoOf(res *Result) reportInfo {
	if res.Case == nil {
		return reportInfo{}
	}
	c := res.Case
	return reportInfo{id: c.ID, api: c.API, operation: c.Operation, tags: c.Tags}
}

// ---- JUnit ----

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure"`
	Skipped   *junitSkipped `xml:"skipped"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// WriteJUnit writes the report as JUnit XML that CI systems read: one
// <testsuites> with one <testsuite> per API (in name order, results in run
// order), one <testcase> per result, classname "<api>.<operation>" and name
// the case ID. A failure carries the first problem as its message and all
// problems, the request sent and the response received as its text; a skip
// carries its reason. Text is made valid XML (invalid UTF-8 and characters
// XML cannot hold become U+FFFD) and bodies are cut at 64 KiB.
func (r *Report) WriteJUnit(w io.Writer) error {
	tally := r.reportTally()
	total := tally[""]
	doc := junitSuites{
		Name:     reportXMLText(RedactURL(r.Target)),
		Tests:    total.total(),
		Failures: total.Failed,
		Skipped:  total.Skipped,
		Time:     reportSeconds(r.Took),
	}
	stamp := r.Started.UTC().Format("2006-01-02T15:04:05")
	for _, api := range r.reportAPIs() {
		c := tally["/"+api]
		suite := junitSuite{
			Name:      reportXMLText(api),
			Tests:     c.total(),
			Failures:  c.Failed,
			Skipped:   c.Skipped,
			Time:      reportSeconds(c.took),
			Timestamp: stamp,
		}
		if r.Target != "" {
			suite.Properties = []junitProperty{{Name: "target", Value: reportXMLText(RedactURL(r.Target))}}
		}
		for _, res := range r.Results {
			if res == nil || reportInfoOf(res).api != api {
				continue
			}
			suite.Cases = append(suite.Cases, junitCaseOf(res))
		}
		doc.Suites = append(doc.Suites, suite)
	}

	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func junitCaseOf(res *Result) junitCase {
	info := reportInfoOf(res)
	tc := junitCase{
		Classname: reportXMLText(info.api + "." + info.operation),
		Name:      reportXMLText(info.id),
		Time:      reportSeconds(res.Took),
	}
	switch res.Outcome {
	case Failed:
		msg := "failed"
		if len(res.Problems) > 0 {
			msg = res.Problems[0].Message
		}
		var b strings.Builder
		for _, p := range res.Problems {
			b.WriteString(p.Check + ": " + p.Message)
			b.WriteByte('\n')
		}
		b.WriteString("\nrequest:\n")
		reportWriteSent(&b, res.Request, reportBodyLimit, "")
		b.WriteString("\nresponse:\n")
		reportWriteGot(&b, res.Response, reportBodyLimit, "")
		tc.Failure = &junitFailure{
			Message: reportXMLText(msg),
			Type:    "contract",
			Text:    reportXMLText(strings.TrimSuffix(b.String(), "\n")),
		}
	case Skipped:
		tc.Skipped = &junitSkipped{Message: reportXMLText(res.Reason)}
	}
	return tc
}

func reportSeconds(d time.Duration) string {
	return fmt.Sprintf("%.3f", d.Seconds())
}

// reportXMLText makes s valid XML 1.0 text and safe to print on a
// terminal: invalid UTF-8 and control characters other than tab and line
// breaks become U+FFFD, "\r\n" and a lone "\r" become "\n".
func reportXMLText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n':
			return r
		case r == '\r':
			return '\n'
		case r < 0x20, r >= 0x7f && r <= 0x9f, r == 0xfffe, r == 0xffff:
			return '\uFFFD'
		}
		return r
	}, s)
}

// ---- JSON ----

type jsonReport struct {
	Target  string                  `json:"target"`
	Started string                  `json:"started"`
	TookMs  float64                 `json:"tookMs"`
	Summary map[string]reportCounts `json:"summary"`
	Totals  reportCounts            `json:"totals"`
	Results []jsonResult            `json:"results"`
}

type jsonResult struct {
	ID        string    `json:"id"`
	API       string    `json:"api"`
	Operation string    `json:"operation"`
	Tags      []string  `json:"tags"`
	Outcome   string    `json:"outcome"`
	Problems  []Problem `json:"problems"`
	Reason    string    `json:"reason"`
	Request   *Sent     `json:"request"`
	Response  *Got      `json:"response"`
	TookMs    float64   `json:"tookMs"`
}

// WriteJSON writes a machine-readable report, indented, keys in a fixed
// order (summary keyed by API name). Every key is always present: tags and
// problems are [] when empty, request and response null when there was
// none. Bodies are cut at 64 KiB; durations are milliseconds with
// microsecond precision.
func (r *Report) WriteJSON(w io.Writer) error {
	tally := r.reportTally()
	doc := jsonReport{
		Target:  RedactURL(r.Target),
		Started: r.Started.Format(time.RFC3339),
		TookMs:  reportMillis(r.Took),
		Summary: map[string]reportCounts{},
		Totals:  *tally[""],
		Results: []jsonResult{},
	}
	for _, api := range r.reportAPIs() {
		doc.Summary[api] = *tally["/"+api]
	}
	for _, res := range r.Results {
		if res == nil {
			continue
		}
		info := reportInfoOf(res)
		jr := jsonResult{
			ID:        info.id,
			API:       info.api,
			Operation: info.operation,
			Tags:      append([]string{}, info.tags...),
			Outcome:   res.Outcome,
			Problems:  append([]Problem{}, res.Problems...),
			Reason:    res.Reason,
			TookMs:    reportMillis(res.Took),
		}
		if s := reportRedactSent(res.Request); s != nil {
			s.Body = reportCut(s.Body, reportBodyLimit)
			jr.Request = s
		}
		if g := reportRedactGot(res.Response); g != nil {
			g.Body = reportCut(g.Body, reportBodyLimit)
			jr.Response = g
		}
		doc.Results = append(doc.Results, jr)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

func reportMillis(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Microsecond)) / 1000
}

// ---- summary ----

// WriteSummary writes the human summary: a table of passed, failed and
// skipped per API (in name order) with a TOTAL row, then for each failure
// its case ID, its problems one a line, the request sent and the response
// received, bodies cut at 2 KiB. Errors of w are not reported.
func (r *Report) WriteSummary(w io.Writer) {
	var buf bytes.Buffer
	if line := r.missingCredentials(); line != "" {
		buf.WriteString(line + "\n\n")
	}
	tally := r.reportTally()
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "API\tPASSED\tFAILED\tSKIPPED")
	for _, api := range r.reportAPIs() {
		c := tally["/"+api]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\n", reportOneLine(api), c.Passed, c.Failed, c.Skipped)
	}
	t := tally[""]
	fmt.Fprintf(tw, "TOTAL\t%d\t%d\t%d\n", t.Passed, t.Failed, t.Skipped)
	tw.Flush()

	for _, res := range r.Results {
		if res == nil || res.Outcome != Failed {
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, "\nFAIL %s\n", reportInfoOf(res).id)
		for _, p := range res.Problems {
			fmt.Fprintf(&b, "  %s  [%s]\n", p.Message, p.Check)
		}
		b.WriteString("  request:\n")
		reportWriteSent(&b, res.Request, reportSummaryBodyLimit, "    ")
		b.WriteString("  response:\n")
		reportWriteGot(&b, res.Response, reportSummaryBodyLimit, "    ")
		if res.Request != nil {
			sent := reportRedactSent(res.Request)
			if r.ShowSecrets && res.Request.raw != nil {
				sent = res.Request.raw
			}
			fmt.Fprintf(&b, "  again: %s\n", sent.Curl())
		}
		buf.WriteString(reportXMLText(b.String()))
	}
	w.Write(buf.Bytes())
}

// reportOneLine keeps a table cell on one line and its tabs out of the
// table.
func reportOneLine(s string) string {
	return strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(reportXMLText(s))
}

// ---- request and response as text ----

// reportWriteSent writes the request, redacted, as
// "METHOD URL", headers "Name: value" in name order, a blank line and the
// body cut at limit; every line starts with indent.
func reportWriteSent(b *strings.Builder, s *Sent, limit int, indent string) {
	s = reportRedactSent(s)
	if s == nil {
		fmt.Fprintf(b, "%s(none sent)\n", indent)
		return
	}
	fmt.Fprintf(b, "%s%s %s\n", indent, s.Method, s.URL)
	reportWriteHeadersBody(b, s.Header, s.Body, limit, indent)
}

// reportWriteGot writes the response, redacted, as "STATUS Text", headers
// and body as reportWriteSent does.
func reportWriteGot(b *strings.Builder, g *Got, limit int, indent string) {
	g = reportRedactGot(g)
	if g == nil {
		fmt.Fprintf(b, "%s(none received)\n", indent)
		return
	}
	fmt.Fprintf(b, "%s%s\n", indent, strings.TrimSpace(fmt.Sprintf("%d %s", g.Status, http.StatusText(g.Status))))
	reportWriteHeadersBody(b, g.Header, g.Body, limit, indent)
}

func reportWriteHeadersBody(b *strings.Builder, h map[string][]string, body string, limit int, indent string) {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		for _, v := range h[k] {
			fmt.Fprintf(b, "%s%s: %s\n", indent, k, v)
		}
	}
	if body == "" {
		return
	}
	b.WriteByte('\n')
	for line := range strings.Lines(reportCut(body, limit)) {
		b.WriteString(indent)
		b.WriteString(strings.TrimRight(line, "\n"))
		b.WriteByte('\n')
	}
}

// reportCut cuts s at about limit bytes, on a character boundary, and says
// how much was left out.
func reportCut(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	n := limit
	for i := 0; i < utf8.UTFMax && n > 0 && !utf8.RuneStart(s[n]); i++ {
		n--
	}
	return s[:n] + fmt.Sprintf("\n… [cut: %d of %d bytes shown]", n, len(s))
}

// ---- redaction ----

// reportRedactSent returns a redacted copy of s (nil for nil).
func reportRedactSent(s *Sent) *Sent {
	if s == nil {
		return nil
	}
	return &Sent{Method: s.Method, URL: RedactURL(s.URL, s.secrets...), Header: RedactHeader(s.Header, s.secrets...), Body: s.Body, secrets: s.secrets}
}

// reportRedactGot returns a redacted copy of g (nil for nil).
func reportRedactGot(g *Got) *Got {
	if g == nil {
		return nil
	}
	return &Got{Status: g.Status, Header: RedactHeader(g.Header, g.secrets...), Body: g.Body, secrets: g.secrets}
}

// RedactHeader replaces the values of headers that carry credentials, and
// the secret query parameters of URL-valued headers; secrets names more
// (a case's API keys, as headers or query parameters).
func RedactHeader(h map[string][]string, secrets ...string) map[string][]string {
	if h == nil {
		return nil
	}
	out := make(map[string][]string, len(h))
	for k, vs := range h {
		secret := slices.ContainsFunc(reportSecretHeaders, func(s string) bool { return strings.EqualFold(s, k) }) ||
			slices.ContainsFunc(secrets, func(s string) bool { return strings.EqualFold(s, k) })
		if slices.ContainsFunc(reportURLHeaders, func(s string) bool { return strings.EqualFold(s, k) }) {
			out[k] = make([]string, len(vs))
			for i, v := range vs {
				out[k][i] = RedactURL(v, secrets...)
			}
			continue
		}
		if !secret {
			out[k] = slices.Clone(vs)
			continue
		}
		red := make([]string, len(vs))
		for i := range red {
			red[i] = reportRedacted
		}
		out[k] = red
	}
	return out
}

// RedactURL replaces the values of secret query parameters, and any
// password in the user info (as net/url's Redacted does), leaving the rest of the URL as it was written
// (order and encoding of the other parameters included).
// The named secrets are redacted too.
func RedactURL(raw string, secrets ...string) string {
	base, rest, hasQuery := strings.Cut(raw, "?")
	if u, err := url.Parse(base); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			base = u.Redacted()
		}
	}
	if !hasQuery {
		return base
	}
	query, fragment, hasFragment := strings.Cut(rest, "#")
	params := strings.Split(query, "&")
	for i, p := range params {
		name, _, hasValue := strings.Cut(p, "=")
		key, err := url.QueryUnescape(name)
		if err != nil {
			key = name
		}
		secret := func(s string) bool { return strings.EqualFold(s, key) }
		if hasValue && (slices.ContainsFunc(reportSecretQuery, secret) || slices.ContainsFunc(secrets, secret)) {
			params[i] = name + "=" + reportRedacted
		}
	}
	out := base + "?" + strings.Join(params, "&")
	if hasFragment {
		out += "#" + fragment
	}
	return out
}

// missingCredentials is the summary's first line when credentials were
// not given for some operations: how many, and for which schemes.
func (r *Report) missingCredentials() string {
	ops := map[string]bool{}
	var schemes []string
	for _, res := range r.Results {
		if res == nil || res.Case == nil || len(res.Case.MissingCredentials) == 0 {
			continue
		}
		ops[res.Case.API+"/"+res.Case.Operation] = true
		for _, s := range res.Case.MissingCredentials {
			if !slices.Contains(schemes, s) {
				schemes = append(schemes, s)
			}
		}
	}
	if len(ops) == 0 {
		return ""
	}
	slices.Sort(schemes)
	return fmt.Sprintf("MISSING CREDENTIALS: %d operations need %s, which no flag gave: their cases are skipped (give --auth NAME=VALUE, --bearer or --basic)",
		len(ops), strings.Join(schemes, ", "))
}
