package contracts

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chatmock/chatmock/mockserver"
	"github.com/chatmock/chatmock/mockserver/mocktest"
)

// runOne runs the bundled case id against h and returns its result.
func runOne(t *testing.T, h http.Handler, id string, o RunOptions) *Result {
	t.Helper()
	set, cases := bundled(t)
	for _, c := range cases {
		if c.ID == id {
			srv := httptest.NewServer(h)
			defer srv.Close()
			o.Target = srv.URL
			return Run(context.Background(), set, []*Case{c}, o).Results[0]
		}
	}
	t.Fatalf("no case %s", id)
	return nil
}

// theMock is the bundled mock's handler, for runOne to serve behind a
// wrapper (the mocktest listener goes unused).
func theMock(t *testing.T) http.Handler {
	t.Helper()
	return mocktest.NewServer(t, mockserver.WithSeed(1)).Mock.Handler()
}

const tencentCreate = "tencent/create_group/positive/application/json/basic"

func wantProblems(t *testing.T, res *Result, want ...string) {
	t.Helper()
	if res.Outcome != Failed || strings.Join(Messages(res.Problems), "\n") != strings.Join(want, "\n") {
		t.Errorf("%s, problems:\n%s\nwant:\n%s", res.Outcome, strings.Join(Messages(res.Problems), "\n"), strings.Join(want, "\n"))
	}
}

// A client given in RunOptions follows no redirect either: the 3xx is the
// answer, and the other host receives nothing.
func TestRunWithAGivenClientFollowsNoRedirect(t *testing.T) {
	var reached atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached.Add(1) }))
	defer other.Close()
	redirect := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/elsewhere", http.StatusTemporaryRedirect)
	})
	res := runOne(t, redirect, tencentCreate, RunOptions{Client: &http.Client{}})
	wantProblems(t, res,
		"status: 307 is not a status the operation documents (200); a redirect to another origin ("+other.URL+"/elsewhere), not followed: the runner sends nothing but to the target",
		"status: want a success (200), got 307")
	if n := reached.Load(); n != 0 {
		t.Errorf("the other host received %d requests", n)
	}
}

// An answer is read up to 16 MiB; a longer one fails its case, with a
// Content-Length or without.
func TestRunReadsABoundedAnswer(t *testing.T) {
	const limit = 16 << 20
	tooLarge := "the answer's body: answer larger than 16 MiB: not read further, not checked"
	for _, tt := range []struct {
		name          string
		size          int
		contentLength bool
		want          []string
	}{
		{"16 MiB", limit, true, []string{"body: does not parse as application/json: invalid JSON at byte 0: unexpected character 'x', expected a JSON value"}},
		{"16 MiB and a byte, Content-Length", limit + 1, true, []string{tooLarge}},
		{"16 MiB and a byte, chunked", limit + 1, false, []string{tooLarge}},
		{"64 MiB, chunked", 4 * limit, false, []string{tooLarge}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			chunk := bytes.Repeat([]byte("x"), 1<<20)
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				if tt.contentLength {
					w.Header().Set("Content-Length", strconv.Itoa(tt.size))
				}
				for n := tt.size; n > 0; n -= len(chunk) {
					if _, err := w.Write(chunk[:min(n, len(chunk))]); err != nil {
						return
					}
				}
			})
			res := runOne(t, h, tencentCreate, RunOptions{})
			wantProblems(t, res, tt.want...)
			if res.Response == nil || res.Response.Status != 200 || len(res.Response.Body) > 64<<10+len("…") {
				t.Errorf("response kept: %d bytes of body", len(res.Response.Body))
			}
		})
	}
}

// An answer is decoded only when it holds at most 2^18 values: what
// decoding costs grows with them.
func TestRunBoundsTheValuesOfAnAnswer(t *testing.T) {
	const limit = 1 << 18
	zeros := func(n int) string { return "[" + strings.Repeat("0,", n-1) + "0]" }
	tooMany := "the answer's body: more than 262144 JSON values or XML elements: not checked"
	for _, tt := range []struct {
		name, body string
		want       []string
	}{
		{"2^18 values", zeros(limit), []string{"body /: 'oneOf' failed, none matched (oneOf)"}},
		{"2^18 + 1 values", zeros(limit + 1), []string{tooMany}},
		{"commas in a string", `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"` + strings.Repeat(`,[{\"`, limit) + `","GroupId":"@TGS#1"}`, nil},
		{"XML elements", "<a>" + strings.Repeat("<b/>", limit) + "</a>", []string{tooMany}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(tt.body))
			})
			res := runOne(t, h, tencentCreate, RunOptions{})
			if tt.want == nil {
				if res.Outcome != Passed {
					t.Errorf("%s: %.500q", res.Outcome, res.Problems)
				}
				return
			}
			wantProblems(t, res, tt.want...)
		})
	}
}

// The timeout covers the answer's body, not only its headers.
func TestRunTimesOutASlowBody(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"ActionStatus":`))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	res := runOne(t, h, tencentCreate, RunOptions{Timeout: 100 * time.Millisecond})
	wantProblems(t, res, "the answer's body: none within the timeout (100ms)")
}

// Headers are read up to 1 MiB, and a result keeps 64 KiB of them.
func TestRunBoundsAnswerHeaders(t *testing.T) {
	header := func(size int) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			for i := 0; size > 0; i++ {
				w.Header().Set("X-Big-"+strconv.Itoa(i), strings.Repeat("h", min(size, 8<<10)))
				size -= 8 << 10
			}
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","GroupId":"@TGS#1"}`))
		})
	}
	res := runOne(t, header(2<<20), tencentCreate, RunOptions{})
	wantProblems(t, res, "no answer: net/http: HTTP/1.x transport connection broken: net/http: server response headers exceeded 1048576 bytes; aborted")

	res = runOne(t, header(900<<10), tencentCreate, RunOptions{})
	if res.Outcome != Passed || res.Response == nil {
		t.Fatalf("%s: %q", res.Outcome, res.Problems)
	}
	kept := 0
	for k, vs := range res.Response.Header {
		for _, v := range vs {
			kept += len(k) + len(v)
		}
	}
	if kept > 64<<10 || kept < 56<<10 {
		t.Errorf("the result keeps %d bytes of headers", kept)
	}
}

// A case whose path would move the request off the target is not sent.
func TestRunSendsNothingOffTheTarget(t *testing.T) {
	var reached atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached.Add(1) }))
	defer other.Close()
	target := httptest.NewServer(http.NotFoundHandler())
	defer target.Close()
	set, _ := bundled(t)
	otherHost := strings.TrimPrefix(other.URL, "http://")
	c := &Case{ID: "off", API: "tencent", Operation: "create_group", Method: "POST", Path: "@" + otherHost + "/x", Header: map[string]string{"X-Secret": "s"}}
	res := Run(context.Background(), set, []*Case{c}, RunOptions{Target: target.URL}).Results[0]
	wantProblems(t, res, `the request URL "http://127.0.0.1:xxxxx@`+otherHost+`/x" is not on the target's origin `+target.URL+": not sent")
	if n := reached.Load(); n != 0 {
		t.Errorf("the other host received %d requests", n)
	}
}

// A key the target makes up goes back as one path segment of the target:
// it cannot climb the path, add a query or cut the URL.
func TestRunPutsACreatedKeyInOneSegment(t *testing.T) {
	for _, tt := range []struct{ key, wantURI, problem string }{
		{"../../__admin/reset?x=1#y", "/api/v2/message-groups/..%2F..%2F__admin%2Freset%3Fx=1%23y", ""},
		{"//127.0.0.2@evil", "/api/v2/message-groups/%2F%2F127.0.0.2@evil", ""},
		{"..", "", `the created key: the create answer's data.id is "..", which names no resource`},
		{strings.Repeat("k", 1025), "", "the created key: the create answer's data.id is 1025 bytes long, more than the 1024 a key may have"},
	} {
		t.Run(tt.key[:min(len(tt.key), 20)], func(t *testing.T) {
			var mu sync.Mutex
			var reads []string
			mock := theMock(t)
			h := defective(mock, func(r *http.Request, status int, h http.Header, b []byte) (int, []byte) {
				if r.Method == http.MethodGet {
					mu.Lock()
					reads = append(reads, r.RequestURI)
					mu.Unlock()
					return 200, []byte(`{"data":{"type":"message-groups","id":` + strconv.Quote(tt.key) + `}}`)
				}
				return status, bytes.Replace(b, []byte(`"id":"1"`), []byte(`"id":`+strconv.Quote(tt.key)), 1)
			})
			res := runOne(t, h, "jsonapi/createMessageGroup/stateful/read-back-getMessageGroup", RunOptions{})
			mu.Lock()
			defer mu.Unlock()
			if tt.problem != "" {
				wantProblems(t, res, tt.problem)
				if len(reads) != 0 {
					t.Errorf("read back as %q", reads)
				}
				return
			}
			if len(reads) != 1 || reads[0] != tt.wantURI {
				t.Errorf("read back as %q, want %q (%s: %q)", reads, tt.wantURI, res.Outcome, res.Problems)
			}
		})
	}
}

// A problem that quotes the answer is cut at 1 KiB.
func TestRunCutsProblemsQuotingTheAnswer(t *testing.T) {
	huge := strings.Repeat("x", 100<<10)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"ActionStatus":"FAIL","ErrorCode":"` + huge + `","ErrorInfo":"no"}`))
	})
	res := runOne(t, h, "tencent/create_group/negative/maxLength-Name", RunOptions{})
	quoting := 0
	for _, pr := range res.Problems {
		p := pr.Message
		if len(p) > 1<<10+64 || len(pr.Got) > 1<<10+64 {
			t.Errorf("a problem of %d bytes (got %d): %.100s…", len(p), len(pr.Got), p)
		}
		if strings.HasPrefix(p, "body /ErrorCode: want 10004, got xxx") && strings.Contains(p, "[cut: ") {
			quoting++
		}
	}
	if res.Outcome != Failed || quoting != 1 {
		t.Errorf("%s: %.300q", res.Outcome, res.Problems)
	}
}

// The progress and reports stay readable whatever bytes the target sends.
func TestRunReportsAHostileAnswerSafely(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Location", "http://x/?usersig=ECHOED")
		w.Write([]byte("\x1b]0;owned\x07\x1b[2J\xff\xfe\x00]]>"))
	})
	res := runOne(t, h, tencentCreate, RunOptions{})
	r := &Report{Target: "http://t", Results: []*Result{res}}
	var sum, junit, js bytes.Buffer
	r.WriteSummary(&sum)
	if err := r.WriteJUnit(&junit); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"summary": sum.String(), "JUnit": junit.String(), "JSON": js.String()} {
		if strings.ContainsAny(out, "\x1b\x07\x00") || strings.Contains(out, "ECHOED") || !strings.Contains(out, "usersig=[redacted]") {
			t.Errorf("%s:\n%q", name, out)
		}
	}
}

// Every problem names its check, and the checks turned off do not count:
// a 503 in plain text to a valid create fails not_a_server_error,
// status_code_conformance and positive_data_acceptance; with those three
// off the same answer passes, with only one of them on only it is reported.
func TestRunSelectsChecks(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("down for maintenance"))
	})
	res := runOne(t, h, tencentCreate, RunOptions{})
	var got []string
	for _, p := range res.Problems {
		got = append(got, p.Check)
	}
	if want := []string{CheckServerError, CheckStatus, CheckPositive}; !slices.Equal(got, want) {
		t.Errorf("checks %q, want %q (%q)", got, want, Messages(res.Problems))
	}
	if p := res.Problems[0]; p != (Problem{Check: CheckServerError, Pointer: "/status", Expected: "below 500", Got: "503", Message: "status: 503 is a server error"}) {
		t.Errorf("first problem %+v", p)
	}
	off, err := SelectChecks(nil, []string{CheckServerError, CheckStatus + "," + CheckPositive})
	if err == nil {
		t.Fatalf("a comma in a check name was taken: %v", off)
	}
	off, err = SelectChecks(nil, []string{CheckServerError, CheckStatus, CheckPositive})
	if err != nil {
		t.Fatal(err)
	}
	if res := runOne(t, h, tencentCreate, RunOptions{Checks: off}); res.Outcome != Passed {
		t.Errorf("with the three off: %s %q", res.Outcome, Messages(res.Problems))
	}
	only, err := SelectChecks([]string{CheckStatus}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res := runOne(t, h, tencentCreate, RunOptions{Checks: only}); res.Outcome != Failed || len(res.Problems) != 1 || res.Problems[0].Check != CheckStatus {
		t.Errorf("with only %s: %s %+v", CheckStatus, res.Outcome, res.Problems)
	}
	// Transport problems count whatever is selected.
	closed := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic(http.ErrAbortHandler) })
	if res := runOne(t, closed, tencentCreate, RunOptions{Checks: only}); res.Outcome != Failed || res.Problems[0].Check != "transport" {
		t.Errorf("a dropped connection: %s %+v", res.Outcome, res.Problems)
	}
}
