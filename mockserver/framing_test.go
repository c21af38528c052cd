package mockserver

import (
	"context"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chatmock/chatmock/internal/rawhttp"
)

type ctxMark struct{}

// listenMock serves s on a loopback http.Server through Listen (tracked)
// or not; tune may set the server up first.
func listenMock(t testing.TB, s *Server, tracked bool, tune func(*http.Server)) (*http.Server, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: s.Handler()}
	tune(srv)
	if tracked {
		ln = Listen(ln, srv)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return srv, ln.Addr().String()
}

// An embedder's own http.Server gets the refusal through Listen, whose
// ConnContext runs after the one the server had: a method the path lacks
// is refused in the path's API envelope, an admin path as problem+json,
// and nothing the requests carry runs.
func TestListenRefusesAmbiguousFramingForEmbedders(t *testing.T) {
	s := newTestServer(t)
	var marked atomic.Bool
	_, addr := listenMock(t, s, true, func(srv *http.Server) {
		srv.ConnContext = func(ctx context.Context, _ net.Conn) context.Context { return context.WithValue(ctx, ctxMark{}, true) }
		srv.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			marked.Store(r.Context().Value(ctxMark{}) == true)
			s.Handler().ServeHTTP(w, r)
		})
	})
	const smuggled = "DELETE /__admin/requests HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\r\n"
	for _, tc := range []struct{ name, target, method, ctype, body string }{
		{"a method the Tencent path lacks", "/v4/group_open_http_svc/create_group" + tencentQuery, "GET", "application/json",
			`{"ActionStatus":"FAIL","ErrorCode":60003,"ErrorInfo":"Json parse Error"}`},
		{"the admin API", "/__admin/reset", "POST", "application/problem+json",
			`{"detail":"POST /__admin/reset: 1 problem(s) with the request","errors":[{"detail":"the request has both Content-Length and Transfer-Encoding"}],"status":400,"title":"Bad Request","type":"https://chatmock.dev/problems/body.malformed"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(s.Journal().Entries())
			got, closed, err := rawhttp.Exchange(addr, tc.method+" "+tc.target+" HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"+smuggled, 5*time.Second)
			answers := rawhttp.Answers(got)
			if err != nil || !closed || len(answers) != 1 {
				t.Fatalf("%d answers, closed %v, %v: %q", len(answers), closed, err, got)
			}
			a := answers[0]
			if a.StatusCode != http.StatusBadRequest || !a.Close || a.Header.Get("Content-Type") != tc.ctype {
				t.Errorf("answer %d Connection: close %v Content-Type %q", a.StatusCode, a.Close, a.Header.Get("Content-Type"))
			}
			if a.Body != tc.body {
				t.Errorf("body %s, want %s", a.Body, tc.body)
			}
			if n := len(s.Journal().Entries()); n != before+1 {
				t.Errorf("the journal went from %d to %d entries: the smuggled DELETE cleared it, or the refusal is not in it", before, n)
			}
		})
	}
	if !marked.Load() {
		t.Error("Listen dropped the server's own ConnContext")
	}
}

// BenchmarkFramingOverLoopback sends the Tencent seed request over one
// keep-alive loopback connection to the mock, served through Listen or on
// the plain listener: the difference is what following the connection's
// bytes costs the request path.
//
//	go test -run '^$' -bench FramingOverLoopback ./mockserver
func BenchmarkFramingOverLoopback(b *testing.B) {
	c := benchCases(b)[0]
	for _, tracked := range []bool{false, true} {
		name := map[bool]string{false: "plain", true: "listen"}[tracked]
		b.Run(name, func(b *testing.B) {
			_, addr := listenMock(b, benchServer(b, c), tracked, func(*http.Server) {})
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
			defer client.CloseIdleConnections()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				req := c.request()
				req.URL.Scheme, req.URL.Host, req.RequestURI = "http", addr, ""
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
}
