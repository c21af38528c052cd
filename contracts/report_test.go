package contracts

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/chatmock/chatmock/spec"
)

// tencentKeys are the names of the Tencent document's API keys.
var tencentKeys = []string{"sdkappid", "identifier", "usersig"}

func reportFixture() *Report {
	started := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	return &Report{
		Target:  "http://localhost:8080",
		Started: started,
		Took:    1500 * time.Millisecond,
		Results: []*Result{
			{
				Case:     &Case{ID: "tencent/sendMsg/positive/application/json/example", API: "tencent", Operation: "sendMsg", Tags: []string{"positive"}},
				Outcome:  Passed,
				Request:  &Sent{Method: "POST", URL: "http://localhost:8080/v4/openim/sendmsg?sdkappid=1400000000&usersig=SECRET&random=7", Header: map[string][]string{"Content-Type": {"application/json"}}, Body: `{"To_Account":"bob"}`, secrets: tencentKeys},
				Response: &Got{Status: 200, Header: map[string][]string{"Content-Type": {"application/json"}}, Body: `{"ActionStatus":"OK"}`},
				Took:     12 * time.Millisecond,
			},
			{
				Case:     &Case{ID: "tencent/importAccount/negative/missing/Identifier", API: "tencent", Operation: "importAccount", Tags: []string{"negative"}},
				Outcome:  Failed,
				Problems: []Problem{{Check: CheckNegative, Pointer: "/ErrorCode", Expected: "70402", Got: "0", Message: "/ErrorCode: expected 70402, got 0"}, {Check: CheckStatus, Message: "status: expected 400, got 200"}},
				Request: &Sent{
					Method:  "POST",
					URL:     "http://localhost:8080/v4/im_open_login_svc/account_import?usersig=SECRET&contenttype=json",
					Header:  map[string][]string{"Authorization": {"Bearer SECRET"}, "Content-Type": {"application/json"}, "X-Api-Key": {"SECRET"}},
					Body:    `{"Nick":"x"}`,
					secrets: tencentKeys, // as send sets them from the case's credentials
				},
				Response: &Got{Status: 200, Header: map[string][]string{"Content-Type": {"application/json"}, "Set-Cookie": {"s=SECRET"}}, Body: "{\"ActionStatus\":\"OK\",\"ErrorCode\":0}", secrets: tencentKeys},
				Took:     1234567 * time.Microsecond,
			},
			{
				Case:    &Case{ID: "openai/createChatCompletion/positive/application/json/stream", API: "openai", Operation: "createChatCompletion", Tags: []string{"positive"}},
				Outcome: Skipped,
				Reason:  "needs state the mock does not have",
			},
		},
	}
}

type junitTestSuites struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Skipped  int `xml:"skipped,attr"`
	Suites   []struct {
		Name      string `xml:"name,attr"`
		Tests     int    `xml:"tests,attr"`
		Failures  int    `xml:"failures,attr"`
		Skipped   int    `xml:"skipped,attr"`
		Time      string `xml:"time,attr"`
		Timestamp string `xml:"timestamp,attr"`
		Cases     []struct {
			Classname string `xml:"classname,attr"`
			Name      string `xml:"name,attr"`
			Time      string `xml:"time,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func parseJUnit(t *testing.T, r *Report) (junitTestSuites, string) {
	t.Helper()
	var buf bytes.Buffer
	if err := r.WriteJUnit(&buf); err != nil {
		t.Fatal(err)
	}
	var got junitTestSuites
	if err := xml.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("JUnit does not parse: %v\n%s", err, buf.String())
	}
	return got, buf.String()
}

func TestReportJUnit(t *testing.T) {
	got, raw := parseJUnit(t, reportFixture())
	if got.Tests != 3 || got.Failures != 1 || got.Skipped != 1 {
		t.Errorf("testsuites counts = %d/%d/%d, want 3/1/1", got.Tests, got.Failures, got.Skipped)
	}
	if len(got.Suites) != 2 {
		t.Fatalf("%d suites, want 2:\n%s", len(got.Suites), raw)
	}
	openai, tencent := got.Suites[0], got.Suites[1]
	if openai.Name != "openai" || tencent.Name != "tencent" {
		t.Errorf("suites %q, %q; want openai, tencent", openai.Name, tencent.Name)
	}
	if tencent.Tests != 2 || tencent.Failures != 1 || tencent.Skipped != 0 || tencent.Time != "1.247" {
		t.Errorf("tencent suite = %+v", tencent)
	}
	if tencent.Timestamp != "2025-03-04T05:06:07" {
		t.Errorf("timestamp = %q", tencent.Timestamp)
	}
	if openai.Tests != 1 || openai.Failures != 0 || openai.Skipped != 1 {
		t.Errorf("openai suite = %+v", openai)
	}

	pass, fail := tencent.Cases[0], tencent.Cases[1]
	if pass.Classname != "tencent.sendMsg" || pass.Name != "tencent/sendMsg/positive/application/json/example" || pass.Time != "0.012" {
		t.Errorf("passing case = %+v", pass)
	}
	if pass.Failure != nil || pass.Skipped != nil {
		t.Errorf("passing case has a failure or skip")
	}
	if fail.Failure == nil {
		t.Fatalf("failing case has no failure")
	}
	if fail.Time != "1.235" {
		t.Errorf("failure time = %q, want 1.235", fail.Time)
	}
	if fail.Failure.Message != "/ErrorCode: expected 70402, got 0" || fail.Failure.Type != "contract" {
		t.Errorf("failure = %q (%s)", fail.Failure.Message, fail.Failure.Type)
	}
	for _, want := range []string{
		"negative_data_rejection: /ErrorCode: expected 70402, got 0\nstatus_code_conformance: status: expected 400, got 200\n",
		"request:\nPOST http://localhost:8080/v4/im_open_login_svc/account_import?usersig=[redacted]&contenttype=json\n",
		"Content-Type: application/json\n",
		`{"Nick":"x"}`,
		"response:\n200 OK\n",
		`{"ActionStatus":"OK","ErrorCode":0}`,
	} {
		if !strings.Contains(fail.Failure.Text, want) {
			t.Errorf("failure text lacks %q:\n%s", want, fail.Failure.Text)
		}
	}
	skip := openai.Cases[0]
	if skip.Skipped == nil || skip.Skipped.Message != "needs state the mock does not have" {
		t.Errorf("skipped case = %+v", skip)
	}
}

func TestReportJUnitBadBytes(t *testing.T) {
	r := reportFixture()
	bad := "a\x00\x01b\xff\xfec]]>d\x1b[31m\uffff"
	f := r.Results[1]
	f.Problems = []Problem{{Check: CheckSchema, Message: "bad " + bad}}
	f.Response.Body = bad + strings.Repeat("x", 100<<10)
	f.Request.Body = bad
	f.Case.ID += bad
	r.Results[2].Reason = bad

	got, raw := parseJUnit(t, r)
	if strings.ContainsAny(raw, "\x00\x01\x1b") || !utf8.ValidString(raw) {
		t.Errorf("JUnit holds control characters or invalid UTF-8")
	}
	fail := got.Suites[1].Cases[1].Failure
	if !strings.HasPrefix(fail.Message, "bad a\uFFFD\uFFFDb") {
		t.Errorf("message = %q", fail.Message)
	}
	if !strings.Contains(fail.Text, "c]]>d") {
		t.Errorf("]]> in a body did not survive")
	}
	if !strings.Contains(fail.Text, "[cut: 65536 of ") {
		t.Errorf("body not cut at 64 KiB")
	}
	if len(raw) > 80<<10 {
		t.Errorf("JUnit is %d bytes, body not cut", len(raw))
	}
}

func TestReportJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := reportFixture().WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Target  string
		Started string
		TookMs  float64
		Summary map[string]map[string]int
		Totals  map[string]int
		Results []struct {
			ID, API, Operation, Outcome, Reason string
			Tags                                []string
			Problems                            []Problem
			Request                             *Sent
			Response                            *Got
			TookMs                              float64
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("JSON does not parse: %v\n%s", err, buf.String())
	}
	if got.Target != "http://localhost:8080" || got.Started != "2025-03-04T05:06:07Z" || got.TookMs != 1500 {
		t.Errorf("header = %q %q %v", got.Target, got.Started, got.TookMs)
	}
	want := map[string]map[string]int{
		"openai":  {"passed": 0, "failed": 0, "skipped": 1},
		"tencent": {"passed": 1, "failed": 1, "skipped": 0},
	}
	for api, counts := range want {
		for k, n := range counts {
			if got.Summary[api][k] != n {
				t.Errorf("summary[%s][%s] = %d, want %d", api, k, got.Summary[api][k], n)
			}
		}
	}
	if len(got.Summary) != 2 {
		t.Errorf("summary has %d APIs", len(got.Summary))
	}
	if got.Totals["passed"] != 1 || got.Totals["failed"] != 1 || got.Totals["skipped"] != 1 {
		t.Errorf("totals = %v", got.Totals)
	}
	if len(got.Results) != 3 {
		t.Fatalf("%d results", len(got.Results))
	}
	f := got.Results[1]
	if f.Outcome != Failed || len(f.Problems) != 2 || f.Request == nil || f.Response.Status != 200 || f.TookMs != 1234.567 || f.API != "tencent" || f.Operation != "importAccount" {
		t.Errorf("failure = %+v", f)
	}
	if p := f.Problems[0]; p != (Problem{Check: CheckNegative, Pointer: "/ErrorCode", Expected: "70402", Got: "0", Message: "/ErrorCode: expected 70402, got 0"}) {
		t.Errorf("problem = %+v", p)
	}
	if !strings.Contains(buf.String(), `"check": "negative_data_rejection",
          "pointer": "/ErrorCode",
          "expected": "70402",
          "got": "0",
          "message": "/ErrorCode: expected 70402, got 0"`) {
		t.Errorf("the problem's keys are not in their order:\n%s", buf.String())
	}
	if s := got.Results[2]; s.Reason == "" || s.Request != nil || s.Problems == nil || len(s.Problems) != 0 {
		t.Errorf("skip = %+v", s)
	}
	// Keys come in the documented order.
	order := []string{`"target"`, `"started"`, `"tookMs"`, `"summary"`, `"totals"`, `"results"`}
	last := -1
	for _, k := range order {
		i := strings.Index(buf.String(), k)
		if i <= last {
			t.Errorf("key %s out of order", k)
		}
		last = i
	}
}

func TestReportSummary(t *testing.T) {
	r := reportFixture()
	var buf bytes.Buffer
	r.WriteSummary(&buf)
	want := `API      PASSED  FAILED  SKIPPED
openai   0       0       1
tencent  1       1       0
TOTAL    1       1       1

FAIL tencent/importAccount/negative/missing/Identifier
  /ErrorCode: expected 70402, got 0  [negative_data_rejection]
  status: expected 400, got 200  [status_code_conformance]
  request:
    POST http://localhost:8080/v4/im_open_login_svc/account_import?usersig=[redacted]&contenttype=json
    Authorization: [redacted]
    Content-Type: application/json
    X-Api-Key: [redacted]

    {"Nick":"x"}
  response:
    200 OK
    Content-Type: application/json
    Set-Cookie: [redacted]

    {"ActionStatus":"OK","ErrorCode":0}
  again: curl -sS -i -X POST 'http://localhost:8080/v4/im_open_login_svc/account_import?usersig=[redacted]&contenttype=json' -H 'Authorization: [redacted]' -H 'Content-Type: application/json' -H 'X-Api-Key: [redacted]' --data-binary '{"Nick":"x"}'
`
	if got := buf.String(); got != want {
		t.Errorf("summary:\n%s\nwant:\n%s", got, want)
	}

	// Bodies are cut at 2 KiB in the summary.
	r.Results[1].Response.Body = strings.Repeat("y", 10<<10)
	buf.Reset()
	r.WriteSummary(&buf)
	if !strings.Contains(buf.String(), "\n    "+strings.Repeat("y", 2<<10)+"\n    … [cut: 2048 of 10240 bytes shown]\n") {
		t.Errorf("body not cut at 2 KiB:\n%s", buf.String())
	}
}

func TestReportCounts(t *testing.T) {
	p, f, s := reportFixture().Counts()
	if p != 1 || f != 1 || s != 1 {
		t.Errorf("Counts = %d, %d, %d", p, f, s)
	}
	if p, f, s := (&Report{}).Counts(); p+f+s != 0 {
		t.Errorf("empty report counts %d, %d, %d", p, f, s)
	}
}

func TestReportRedactsSecrets(t *testing.T) {
	r := reportFixture()
	r.Target = "http://user:SECRET@localhost:8080/?token=SECRET"
	r.Results[1].Request.Header["cookie"] = []string{"sid=SECRET"}
	r.Results[1].Request.URL += "&UserSig=SECRET&api%5Fkey=SECRET&identifier=SECRET#frag"

	var junit, js, sum bytes.Buffer
	if err := r.WriteJUnit(&junit); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	r.WriteSummary(&sum)
	for name, out := range map[string]string{"JUnit": junit.String(), "JSON": js.String(), "summary": sum.String()} {
		if strings.Contains(out, "SECRET") {
			t.Errorf("%s shows a secret:\n%s", name, out)
		}
		if !strings.Contains(out, "[redacted]") {
			t.Errorf("%s shows no [redacted]", name)
		}
	}
	// The report itself is left as it was.
	if r.Results[1].Request.Header["Authorization"][0] != "Bearer SECRET" || !strings.Contains(r.Results[1].Request.URL, "usersig=SECRET") {
		t.Errorf("the writers changed the report")
	}
	if !strings.Contains(sum.String(), "contenttype=json&UserSig=[redacted]&api%5Fkey=[redacted]&identifier=[redacted]#frag") {
		t.Errorf("URL redaction changed the rest of the URL:\n%s", sum.String())
	}
}

// A case's API keys are redacted by the names its document gives them,
// whatever the API; the usual names (token, api_key, ...) always are.
func TestCaseRedactsItsOwnKeys(t *testing.T) {
	c := &Case{Credentials: []spec.Credential{{Kind: "apiKey", In: "query", Name: "session_key"}, {Kind: "apiKey", In: "header", Name: "X-Chat-Key"}, {Kind: "bearer"}}}
	if got, want := c.RedactURL("http://h/x?session_key=S1&usersig=plain&token=S2"), "http://h/x?session_key=[redacted]&usersig=plain&token=[redacted]"; got != want {
		t.Errorf("RedactURL: %s, want %s", got, want)
	}
	h := RedactHeader(map[string][]string{"X-Chat-Key": {"S3"}, "Location": {"/y?session_key=S4"}, "Accept": {"a"}}, c.secretNames()...)
	if h["X-Chat-Key"][0] != "[redacted]" || h["Location"][0] != "/y?session_key=[redacted]" || h["Accept"][0] != "a" {
		t.Errorf("RedactHeader: %v", h)
	}
}

// A failure's curl command quotes for the shell, and carries credentials
// only with ShowSecrets.
func TestCurl(t *testing.T) {
	s := &Sent{Method: "POST", URL: "http://h/x?key=k1", Header: map[string][]string{"Authorization": {"Bearer T0P"}, "User-Agent": {"Go"}, "X-N": {"it's"}},
		Body: `{"a":"it's"}`, secrets: []string{"key"}}
	want := `curl -sS -i -X POST 'http://h/x?key=[redacted]' -H 'Authorization: [redacted]' -H 'X-N: it'\''s' --data-binary '{"a":"it'\''s"}'`
	if got := reportRedactSent(s).Curl(); got != want {
		t.Errorf("redacted:\n%s\nwant\n%s", got, want)
	}
	if got := s.Curl(); !strings.Contains(got, "Bearer T0P") || !strings.Contains(got, "key=k1") {
		t.Errorf("unredacted: %s", got)
	}
	big := &Sent{Method: "PUT", URL: "http://h/", Body: strings.Repeat("x", maxCurlBody+1)}
	if got := big.Curl(); got != "curl -sS -i -X PUT 'http://h/' --data-binary @body  # the 16385-byte body above" {
		t.Errorf("a big body: %s", got)
	}
}

func TestShowSecrets(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }))
	defer srv.Close()
	set, cases := bundled(t)
	var c *Case
	for _, x := range cases {
		if x.API == "nexudus" && x.Want == nil && x.Skip == "" && len(x.Steps) == 0 && len(x.Setup) == 0 {
			c = x
			break
		}
	}
	for _, show := range []bool{false, true} {
		r := Run(context.Background(), set, []*Case{c}, RunOptions{Target: srv.URL, ShowSecrets: show, Header: map[string]string{"Authorization": "Bearer S3CRET"}})
		var buf bytes.Buffer
		r.WriteSummary(&buf)
		again := buf.String()[strings.Index(buf.String(), "again: "):]
		if strings.Contains(again, "S3CRET") != show {
			t.Errorf("ShowSecrets %v: %s", show, again)
		}
	}
}
