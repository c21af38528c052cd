package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chatmock/chatmock/mockserver"
	"github.com/chatmock/chatmock/mockserver/mocktest"
)

// startHTTPServer serves the bundled mock through newHTTPServer, adjusted
// by tune, on 127.0.0.1:0 and returns its address. The server closes when
// the test ends. The mock comes from mocktest; its own listener goes
// unused, as these tests are of newHTTPServer's.
func startHTTPServer(t *testing.T, tune func(*http.Server)) string {
	t.Helper()
	logger := slog.New(slog.DiscardHandler)
	mock := mocktest.NewServer(t, mockserver.WithSeed(1), mockserver.WithLogger(logger)).Mock
	srv := newHTTPServer(mock.Handler(), logger)
	tune(srv)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		_ = srv.Serve(ln)
		close(done)
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		<-done
	})
	return ln.Addr().String()
}

// A client that sends slowly, or stops sending, is disconnected once the
// timeout for what it is sending runs out. Each case checks that
// newHTTPServer sets its timeout, then shortens that one alone.
func TestSlowClientsCannotPinTheServer(t *testing.T) {
	tests := []struct {
		name    string
		timeout func(*http.Server) *time.Duration
		want    time.Duration
		send    func(t *testing.T, conn net.Conn, br *bufio.Reader)
	}{
		{"half a request line", func(s *http.Server) *time.Duration { return &s.ReadHeaderTimeout }, readHeaderTimeout,
			func(t *testing.T, conn net.Conn, _ *bufio.Reader) {
				if _, err := io.WriteString(conn, "POST /v4/group_open_http_svc/crea"); err != nil {
					t.Fatal(err)
				}
			}},
		{"an idle keep-alive connection", func(s *http.Server) *time.Duration { return &s.IdleTimeout }, idleTimeout,
			func(t *testing.T, conn net.Conn, br *bufio.Reader) {
				req, _ := http.NewRequest(http.MethodGet, "http://"+conn.RemoteAddr().String()+"/__admin/health", nil)
				if err := req.Write(conn); err != nil {
					t.Fatal(err)
				}
				resp, err := http.ReadResponse(br, req)
				if err != nil {
					t.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || resp.Close {
					t.Fatalf("health: %d, close %v; want 200 on a kept-alive connection", resp.StatusCode, resp.Close)
				}
			}},
		{"a trickled body", func(s *http.Server) *time.Duration { return &s.ReadTimeout }, readTimeout,
			func(t *testing.T, conn net.Conn, _ *bufio.Reader) {
				if _, err := io.WriteString(conn, "POST "+tencentCreate+" HTTP/1.1\r\nHost: x\r\n"+
					"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"); err != nil {
					t.Fatal(err)
				}
				trickle(t, conn, 1000, 20*time.Millisecond)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			addr := startHTTPServer(t, func(s *http.Server) {
				if d := tt.timeout(s); *d != tt.want {
					t.Fatalf("newHTTPServer sets %s, want %s", *d, tt.want)
				} else {
					*d = 200 * time.Millisecond
				}
			})
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { conn.Close() })
			br := bufio.NewReader(conn)
			tt.send(t, conn, br)
			// Whatever the server still says (an error answer, say), the
			// connection must then end, long before the production timeouts.
			_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			_, err = io.Copy(io.Discard, br)
			if errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatal("the connection is still open after 10s")
			}
		})
	}
}

// trickle writes n bytes to conn, one each interval, in the background
// until a write fails or the test ends.
func trickle(t *testing.T, conn net.Conn, n int, interval time.Duration) {
	stop, done := make(chan struct{}), make(chan struct{})
	t.Cleanup(func() {
		close(stop)
		<-done
	})
	go func() {
		defer close(done)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for range n {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			if _, err := conn.Write([]byte(" ")); err != nil {
				return
			}
		}
	}()
}

// ReadTimeout bounds reading the request only, and there is no
// WriteTimeout: an answer delayed past ReadTimeout is still delivered.
func TestReadTimeoutSparesSlowAnswers(t *testing.T) {
	addr := startHTTPServer(t, func(s *http.Server) {
		if s.WriteTimeout != 0 {
			t.Errorf("newHTTPServer sets WriteTimeout %s, want none", s.WriteTimeout)
		}
		s.ReadHeaderTimeout, s.ReadTimeout = 100*time.Millisecond, 100*time.Millisecond
	})
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+tencentCreate,
		strings.NewReader(`{"Owner_Account":"leckie","Type":"Public","Name":"TestGroup","GroupId":"Slow1"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Prefer", "delay=500")
	if got, want := answer(t, client, req), `200 {"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","GroupId":"Slow1"}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// Requests carrying 1 MiB of headers, and nearly 2 MiB, reach the mock and
// are answered in the API's envelope, not with net/http's plain-text 431.
func TestLargeHeadersReachTheMock(t *testing.T) {
	addr := startHTTPServer(t, func(*http.Server) {})
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}
	for _, pads := range []int{16, 31} { // headers of 64 KiB each
		t.Run(fmt.Sprintf("%d KiB", pads*64), func(t *testing.T) {
			id := fmt.Sprintf("Big%d", pads)
			req, _ := http.NewRequest(http.MethodPost, "http://"+addr+tencentCreate,
				strings.NewReader(`{"Owner_Account":"leckie","Type":"Public","Name":"TestGroup","GroupId":"`+id+`"}`))
			req.Header.Set("Content-Type", "application/json")
			for i := range pads {
				req.Header.Set(fmt.Sprintf("X-Pad-%d", i), strings.Repeat("p", 64<<10))
			}
			if got, want := answer(t, client, req), `200 {"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","GroupId":"`+id+`"}`; got != want {
				t.Errorf("got %.200s, want %s", got, want)
			}
		})
	}
}

// answer sends req and returns "STATUS BODY".
func answer(t *testing.T, client *http.Client, req *http.Request) string {
	t.Helper()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%d %s", resp.StatusCode, b)
}

// A request still running when the shutdown grace ends is cut, and
// serveUntilDone returns without an error.
func TestServeCutsRequestsAfterTheGrace(t *testing.T) {
	started, cut := make(chan struct{}), make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-r.Context().Done() // as the timeout fault holds an answer
		close(cut)
	})
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, nil))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- serveUntilDone(ctx, newHTTPServer(h, logger), ln, 100*time.Millisecond, logger) }()
	client := &http.Client{Timeout: 30 * time.Second}
	got := make(chan error, 1)
	go func() {
		resp, err := client.Get("http://" + ln.Addr().String() + "/hold")
		if err == nil {
			resp.Body.Close()
		}
		got <- err
	}()
	<-started
	cancel()
	select {
	case <-cut:
	case <-time.After(10 * time.Second):
		t.Fatal("the request was not cut")
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("serveUntilDone: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serveUntilDone did not return")
	}
	if err := <-got; err == nil {
		t.Error("the client got an answer from a request that was cut")
	}
	if !strings.Contains(logs.String(), "requests still running after the shutdown grace were cut") {
		t.Errorf("logs: %s", logs)
	}
}
