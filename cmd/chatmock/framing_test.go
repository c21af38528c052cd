package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// rawExchange sends raw on a new connection to addr and reads until the
// server closes it (or 5 s pass, after which the connection counts as
// left open).
func rawExchange(t *testing.T, addr, raw string) (got string, closed bool) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	b, err := io.ReadAll(conn)
	return string(b), err == nil
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
	br := bufio.NewReader(strings.NewReader(got))
	for i, want := range []string{`"ActionStatus":"OK"`, `"status":"ready"`, `"ActionStatus":"OK"`} {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("answer %d: %v in %q", i+1, err, got)
		}
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), want) {
			t.Errorf("answer %d: %d %s, want 200 with %s", i+1, resp.StatusCode, b, want)
		}
	}
	if state := get(t, base+"/__admin/state"); !strings.Contains(state, `"One1"`) || !strings.Contains(state, `"Two2"`) {
		t.Errorf("the store lacks a group: %s", state)
	}
}
