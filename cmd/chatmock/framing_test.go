package main

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chatmock/chatmock/internal/rawhttp"
)

// rawExchange sends raw on a new connection to addr and reads until the
// server closes it (or 5 s pass, after which the connection counts as
// left open).
func rawExchange(t *testing.T, addr, raw string) (got string, closed bool) {
	t.Helper()
	got, closed, err := rawhttp.Exchange(addr, raw, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return got, closed
}

const smuggledReset = "POST /__admin/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 0\r\n\r\n"

// A request with both Content-Length and Transfer-Encoding is answered 400
// in the envelope of the API its path belongs to (problem+json for a path
// no API owns), with Connection: close, and the connection is closed: the
// POST /__admin/reset after the chunked body's end never runs, so the
// group created before is still there.
func TestContentLengthWithTransferEncodingIsRefused(t *testing.T) {
	base, stop := startServe(t, "--seed", "1")
	defer stop()
	addr := strings.TrimPrefix(base, "http://")
	tencent := "/v4/group_open_http_svc/create_group?sdkappid=1&identifier=admin&usersig=x&random=1&contenttype=json"
	created := post(t, base+tencent, `{"Type":"Public","Name":"kept","GroupId":"Kept1"}`)
	if !strings.Contains(created, `"ActionStatus":"OK"`) {
		t.Fatalf("create: %s", created)
	}
	for _, tc := range []struct {
		name, target, want string
	}{
		{"tencent", tencent, "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 72\r\nContent-Type: application/json\r\n\r\n" +
			`{"ActionStatus":"FAIL","ErrorCode":60003,"ErrorInfo":"Json parse Error"}`},
		{"jsonapi", "/api/v2/message-groups", "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 133\r\nContent-Type: application/vnd.api+json\r\n\r\n" +
			`{"errors":[{"code":"400","detail":"the request has both Content-Length and Transfer-Encoding","status":"400","title":"Bad Request"}]}`},
		{"no API", "/nowhere", "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 228\r\nContent-Type: application/problem+json\r\n\r\n" +
			`{"detail":"POST /nowhere: 1 problem(s) with the request","errors":[{"detail":"the request has both Content-Length and Transfer-Encoding"}],` +
			`"status":400,"title":"Bad Request","type":"https://chatmock.dev/problems/body.malformed"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := "0\r\n\r\n"
			raw := "POST " + tc.target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
				"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n" + body + smuggledReset
			got, closed := rawExchange(t, addr, raw)
			got = dropDate(got)
			if got != tc.want {
				t.Errorf("answer:\n%q\nwant:\n%q", got, tc.want)
			}
			if !closed {
				t.Error("the connection was left open")
			}
			if state := get(t, base+"/__admin/state"); !strings.Contains(state, `"Kept1"`) {
				t.Fatalf("the smuggled reset ran: the store is %s", state)
			}
		})
	}
}

// dropDate removes the Date header net/http adds.
func dropDate(s string) string {
	var out []string
	for _, l := range strings.SplitAfter(s, "\r\n") {
		if !strings.HasPrefix(l, "Date: ") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "")
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// Chunked bodies and pipelined keep-alive requests still work: three
// requests written at once on one connection (a chunked create, a GET, a
// create with a Content-Length) get their three answers, in order.
func TestChunkedAndPipelinedRequestsStillWork(t *testing.T) {
	base, stop := startServe(t, "--seed", "1")
	defer stop()
	create := "/v4/group_open_http_svc/create_group?sdkappid=1&identifier=admin&usersig=x&random=1&contenttype=json"
	first := `{"Type":"Public","Name":"one","GroupId":"One1"}`
	second := `{"Type":"Public","Name":"two","GroupId":"Two2"}`
	raw := "POST " + create + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
		"10\r\n" + first[:16] + "\r\n" + strconv.FormatInt(int64(len(first)-16), 16) + ";x=1\r\n" + first[16:] + "\r\n0\r\n\r\n" +
		"GET /__admin/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" +
		"POST " + create + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\n" +
		"Content-Length: " + strconv.Itoa(len(second)) + "\r\n\r\n" + second
	got, closed := rawExchange(t, strings.TrimPrefix(base, "http://"), raw)
	if !closed {
		t.Error("the connection was not closed after Connection: close")
	}
	answers := rawhttp.Answers(got)
	for i, want := range []string{`"ActionStatus":"OK"`, `"status":"ready"`, `"ActionStatus":"OK"`} {
		if i >= len(answers) {
			t.Fatalf("answer %d missing in %q", i+1, got)
		}
		if a := answers[i]; a.StatusCode != http.StatusOK || !strings.Contains(a.Body, want) {
			t.Errorf("answer %d: %d %s, want 200 with %s", i+1, a.StatusCode, a.Body, want)
		}
	}
	if state := get(t, base+"/__admin/state"); !strings.Contains(state, `"One1"`) || !strings.Contains(state, `"Two2"`) {
		t.Errorf("the store lacks a group: %s", state)
	}
}

// What a request gets before the mock knows its API, when net/http (or
// the router) answers it itself; the README lists these. Each request is
// followed on its connection by a GET of /__admin/health with Connection:
// close, which is answered only where the connection stays open.
func TestWhatIsAnsweredBeforeAnyAPI(t *testing.T) {
	base, stop := startServe(t)
	defer stop()
	addr := strings.TrimPrefix(base, "http://")
	const h = "Host: 127.0.0.1\r\n"
	const health = "GET /__admin/health HTTP/1.1\r\n" + h + "Connection: close\r\n\r\n"
	for _, tc := range []struct {
		name, raw string
		status    string // the status line of the first answer
		location  string
		open      bool // the connection stays open (health is answered)
	}{
		{"unsupported transfer coding", "POST /a HTTP/1.1\r\n" + h + "Transfer-Encoding: gzip\r\n\r\n", "501 Not Implemented", "", false},
		{"two Transfer-Encoding fields", "POST /a HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "501 Not Implemented", "", false},
		{"differing Content-Lengths", "POST /a HTTP/1.1\r\n" + h + "Content-Length: 1\r\nContent-Length: 2\r\n\r\nab", "400 Bad Request", "", false},
		{"a bad escape in the path", "GET /v4/%zz HTTP/1.1\r\n" + h + "\r\n", "400 Bad Request", "", false},
		{"a space in the request-target", "GET /v4/a b HTTP/1.1\r\n" + h + "\r\n", "400 Bad Request", "", false},
		{"a request line with no version", "GET /v4/a\r\n" + h + "\r\n", "400 Bad Request", "", false},
		{"no Host", "GET /v4/a HTTP/1.1\r\n\r\n", "400 Bad Request: missing required Host header", "", false},
		{"HTTP/2.0 request line", "GET /v4/a HTTP/2.0\r\n" + h + "\r\n", "505 HTTP Version Not Supported: unsupported protocol version", "", false},
		{"an Expect other than 100-continue", "POST /v4/a HTTP/1.1\r\n" + h + "Expect: fancy\r\n\r\n", "417 Expectation Failed", "", false},
		{"headers over 2 MiB", "GET /v4/a HTTP/1.1\r\n" + h + "X-Big: " + strings.Repeat("a", maxHeaderBytes+8192) + "\r\n\r\n", "431 Request Header Fields Too Large", "", false},
		{"a dot-dot segment", "GET /v4/../__admin/state HTTP/1.1\r\n" + h + "\r\n", "301 Moved Permanently", "/__admin/state", true},
		{"an empty segment", "GET /api/v2//message-groups HTTP/1.1\r\n" + h + "\r\n", "301 Moved Permanently", "/api/v2/message-groups", true},
		{"an escaped dot-dot is a name", "GET /v4/%2e%2e/__admin/state HTTP/1.1\r\n" + h + "\r\n", "200 OK", "", true}, // Tencent's 60009
		{"OPTIONS *", "OPTIONS * HTTP/1.1\r\n" + h + "\r\n", "200 OK", "", true},
		{"the HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "404 Not Found", "", false},
		{"Transfer-Encoding on HTTP/1.0", "POST /v4/a HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "400 Bad Request", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, closed := rawExchange(t, addr, tc.raw+health)
			answers := rawhttp.Answers(got)
			if len(answers) == 0 {
				t.Fatalf("no answer in %q", got)
			}
			if a := answers[0]; a.Status != tc.status || a.Header.Get("Location") != tc.location {
				t.Errorf("answer %q Location %q, want %q Location %q", a.Status, a.Header.Get("Location"), tc.status, tc.location)
			}
			if open := len(answers) == 2 && answers[1].StatusCode == http.StatusOK; open != tc.open || !closed {
				t.Errorf("the next request answered: %v, want %v (closed in the end: %v) in %q", open, tc.open, closed, got)
			}
		})
	}
}
