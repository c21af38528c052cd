package fault

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

const body = `{"ActionStatus":"FAIL","ErrorCode":10021,"ErrorInfo":"group id has be used!"}`

func server(t *testing.T, kind string) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The server notices a client leaving only once the body is read,
		// as the mock always reads it.
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		switch kind {
		case KindReset:
			_ = Reset(w)
		case KindEmpty:
			_ = Empty(w)
		case KindMalformed:
			_ = Malformed(w, 200, []byte(body))
		case KindDrip:
			_ = Drip(r.Context(), w, 200, []byte(body), 300*time.Millisecond)
		case KindTimeout:
			Hold(r.Context())
		}
	}))
	t.Cleanup(s.Close)
	return s
}

// Each fault is seen by a real Go HTTP client as what it claims.
func TestFaultsAsAClientSeesThem(t *testing.T) {
	client := &http.Client{Timeout: 2 * time.Second}
	t.Run("reset", func(t *testing.T) {
		_, err := client.Post(server(t, KindReset).URL, "application/json", strings.NewReader("{}"))
		if err == nil || !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("want a connection reset, got %v", err)
		}
	})
	t.Run("empty", func(t *testing.T) {
		_, err := client.Post(server(t, KindEmpty).URL, "application/json", strings.NewReader("{}"))
		if err == nil || !(errors.Is(err, io.EOF) || strings.Contains(err.Error(), "EOF")) {
			t.Errorf("want an EOF, got %v", err)
		}
	})
	t.Run("malformed", func(t *testing.T) {
		resp, err := client.Post(server(t, KindMalformed).URL, "application/json", strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		var v any
		if err != nil || json.Unmarshal(b, &v) == nil || len(b) == 0 || len(b) >= len(body) {
			t.Errorf("want a complete answer whose body does not parse, got %q (%v)", b, err)
		}
	})
	t.Run("drip", func(t *testing.T) {
		start := time.Now()
		resp, err := client.Post(server(t, KindDrip).URL, "application/json", strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		took := time.Since(start)
		if err != nil || string(b) != body || took < 250*time.Millisecond {
			t.Errorf("want the whole body, late: got %q after %v (%v)", b, took, err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		c := &http.Client{Timeout: 200 * time.Millisecond}
		start := time.Now()
		_, err := c.Post(server(t, KindTimeout).URL, "application/json", strings.NewReader("{}"))
		var ne interface{ Timeout() bool }
		if err == nil || !errors.As(err, &ne) || !ne.Timeout() || time.Since(start) > 2*time.Second {
			t.Errorf("want the client to time out, got %v", err)
		}
	})
}

// A client that goes away frees the handler at once: nothing is left
// running after held, dripping and sleeping requests are abandoned.
func TestAbandonedRequestsLeaveNoGoroutine(t *testing.T) {
	done := make(chan struct{}, 30)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() { done <- struct{}{} }()
		_, _ = io.Copy(io.Discard, r.Body)
		switch r.URL.Path {
		case "/hold":
			Hold(r.Context())
		case "/drip":
			_ = Drip(r.Context(), w, 200, []byte(strings.Repeat("x", 100)), time.Minute)
		default:
			Sleep(r.Context(), time.Minute)
		}
	}))
	defer srv.Close()
	before := runtime.NumGoroutine()
	for _, p := range []string{"/hold", "/drip", "/sleep"} {
		for range 10 {
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+p, nil)
			if resp, err := http.DefaultClient.Do(req); err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			cancel()
		}
	}
	for range 30 {
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("a handler was still running 5 s after its client left")
		}
	}
	http.DefaultClient.CloseIdleConnections()
	srv.CloseClientConnections()
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines before, %d after", before, n)
	}
}

func TestSleep(t *testing.T) {
	if !Sleep(context.Background(), 10*time.Millisecond) {
		t.Error("a full sleep reports false")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	if Sleep(ctx, time.Minute) || time.Since(start) > time.Second {
		t.Error("a cancelled sleep should end at once and report false")
	}
}
