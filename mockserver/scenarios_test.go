package mockserver

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// liveServer runs the mock behind a real HTTP server, for faults that
// need a connection.
func liveServer(t *testing.T, opts ...Option) (*Server, string) {
	t.Helper()
	s := newTestServer(t, opts...)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return s, srv.URL
}

func admin(t *testing.T, base, method, path, body string, header ...string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
	asAdminClient(req)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func tencentCall(client *http.Client, base, extraHeader string) (*http.Response, error) {
	req, _ := http.NewRequest(http.MethodPost, base+"/v4/group_open_http_svc/create_group"+tencentQuery, strings.NewReader(`{"Type":"Public","Name":"g"}`))
	if k, v, ok := strings.Cut(extraHeader, ": "); ok {
		req.Header.Set(k, v)
	}
	return client.Do(req)
}

func errorCode(t *testing.T, resp *http.Response) float64 {
	t.Helper()
	defer resp.Body.Close()
	var v struct{ ErrorCode float64 }
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v.ErrorCode
}

func TestArmNextThreeCalls(t *testing.T) {
	_, base := liveServer(t)
	status, body := admin(t, base, "POST", "/__admin/scenarios", `{"operation":"create_group","example":"10021","times":3}`)
	if status != 201 || !strings.Contains(body, `"remaining":3`) {
		t.Fatalf("arming: %d %s", status, body)
	}
	var got []float64
	for range 4 {
		resp, err := tencentCall(http.DefaultClient, base, "")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, errorCode(t, resp))
	}
	if !slices.Equal(got, []float64{10021, 10021, 10021, 0}) {
		t.Errorf("error codes %v, want 10021 three times, then success", got)
	}
	if _, body := admin(t, base, "GET", "/__admin/scenarios", ""); body != "{\"scenarios\":[]}\n" {
		t.Errorf("a spent scenario is gone: %s", body)
	}
	if _, body := admin(t, base, "GET", "/__admin/requests/count?operation=create_group", ""); body != "{\"count\":4}\n" {
		t.Errorf("count: %s", body)
	}
}

// probability 0.1 fails 7–13% of 2,000 calls, the same ones under the same seed.
func TestProbabilityIsSeeded(t *testing.T) {
	run := func() []int {
		s := newTestServer(t)
		admin := httptest.NewRecorder()
		req := httptest.NewRequest("POST", "/__admin/scenarios", strings.NewReader(`{"operation":"create_group","example":"10006","probability":0.1}`))
		asAdminClient(req)
		s.Handler().ServeHTTP(admin, req)
		if admin.Code != 201 {
			t.Fatalf("arming: %d %s", admin.Code, admin.Body)
		}
		var failed []int
		for i := range 2000 {
			if _, v := createGroup(s, `{"Type":"Public","Name":"g"}`); v["ErrorCode"] == 10006.0 {
				failed = append(failed, i)
			}
		}
		return failed
	}
	a, b := run(), run()
	if len(a) < 140 || len(a) > 260 {
		t.Errorf("%d of 2000 calls failed, want 7%%–13%%", len(a))
	}
	if !slices.Equal(a, b) {
		t.Error("the same seed failed different calls")
	}
}

// Each fault, armed with Prefer, is what a real Go client sees.
func TestFaultsThroughTheMock(t *testing.T) {
	_, base := liveServer(t)
	client := &http.Client{Timeout: 3 * time.Second}
	if _, err := tencentCall(client, base, "Prefer: fault=reset"); !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("reset: %v", err)
	}
	if _, err := tencentCall(client, base, "Prefer: fault=empty"); err == nil || !strings.Contains(err.Error(), "EOF") {
		t.Errorf("empty: %v", err)
	}
	resp, err := tencentCall(client, base, "Prefer: fault=malformed")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if json.Valid(b) || len(b) == 0 || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("malformed: %q", b)
	}
	start := time.Now()
	slow := &http.Client{Timeout: 30 * time.Second} // a drip takes its time, longer on a busy machine
	resp, err = tencentCall(slow, base, "Prefer: fault=drip")
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !json.Valid(b) || time.Since(start) < time.Second {
		t.Errorf("drip: %q after %v", b, time.Since(start))
	}
	short := &http.Client{Timeout: 300 * time.Millisecond}
	if _, err := tencentCall(short, base, "Prefer: fault=timeout"); !isTimeout(err) {
		t.Errorf("timeout: %v", err)
	}
}

func isTimeout(err error) bool {
	var ne interface{ Timeout() bool }
	return errors.As(err, &ne) && ne.Timeout()
}

// A 200 ms scenario adds 200 ms ± 50 ms at the median over 50 calls.
func TestDelayAddsItsTimeAtTheMedian(t *testing.T) {
	_, base := liveServer(t)
	median := func() time.Duration {
		var mu sync.Mutex
		var took []time.Duration
		var wg sync.WaitGroup
		for range 5 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 10 {
					start := time.Now()
					resp, err := tencentCall(http.DefaultClient, base, "")
					if err != nil {
						t.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					mu.Lock()
					took = append(took, time.Since(start))
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		slices.Sort(took)
		return took[len(took)/2]
	}
	base0 := median()
	admin(t, base, "POST", "/__admin/scenarios", `{"operation":"create_group","delay_ms":200}`)
	added := median() - base0
	if added < 150*time.Millisecond || added > 250*time.Millisecond {
		t.Errorf("the delay added %v at the median, want 200 ms ± 50 ms", added)
	}
}

func TestRateLimitAnswersTheAPIsLimitError(t *testing.T) {
	s := newTestServer(t)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/__admin/scenarios", strings.NewReader(`{"operation":"create_group","rate_limit":{"per_second":5,"example":"60007"}}`))
	asAdminClient(req)
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != 201 {
		t.Fatalf("arming: %d %s", rec.Code, rec.Body)
	}
	var codes []float64
	for range 7 {
		_, v := createGroup(s, `{"Type":"Public","Name":"g"}`)
		codes = append(codes, v["ErrorCode"].(float64))
	}
	if !slices.Equal(codes, []float64{0, 0, 0, 0, 0, 60007, 60007}) {
		t.Errorf("codes %v: five within the limit, then 60007", codes)
	}
}

func TestAdminGuard(t *testing.T) {
	tests := []struct {
		name        string
		open        bool
		token, auth string
		want        int
	}{
		{"loopback, no token", true, "", "", 200},
		{"elsewhere, no token: off", false, "", "", 403},
		{"elsewhere, token, none sent", false, "t0k", "", 401},
		{"elsewhere, token, wrong one", false, "t0k", "Bearer nope", 401},
		{"elsewhere, token sent", false, "t0k", "Bearer t0k", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, base := liveServer(t, WithAdminAccess(tt.open, tt.token))
			status, body := admin(t, base, "GET", "/__admin/scenarios", "", "Authorization", tt.auth)
			if status != tt.want {
				t.Errorf("admin: %d %s", status, body)
			}
			if tt.want == 403 && !strings.Contains(body, "--admin-token") {
				t.Errorf("the refusal should say how to turn it on: %s", body)
			}
			resp, err := tencentCall(http.DefaultClient, base, "")
			if err != nil || errorCode(t, resp) != 0 {
				t.Errorf("the mock itself keeps serving: %v", err)
			}
		})
	}
}

func TestScenarioAdminErrors(t *testing.T) {
	_, base := liveServer(t)
	for _, tt := range []struct {
		method, path, body string
		status             int
		detail             string
	}{
		{"POST", "/__admin/scenarios", `{"operation":"create_group","fault":"resett"}`, 400, `fault: \"resett\" is not a fault`},
		{"POST", "/__admin/scenarios", `{"operation":"nope","example":"10021"}`, 400, "nope"},
		{"POST", "/__admin/scenarios", `{"operation":"create_group","example":"10021","colour":1}`, 400, "colour"},
		{"DELETE", "/__admin/scenarios/s99", "", 404, "no scenario has the id s99"},
		{"GET", "/__admin/requests?since=yesterday", "", 400, "since: want an RFC 3339 time or an entry id"},
	} {
		status, body := admin(t, base, tt.method, tt.path, tt.body)
		if status != tt.status || !strings.Contains(body, tt.detail) {
			t.Errorf("%s %s: %d %s", tt.method, tt.path, status, body)
		}
	}
	status, body := admin(t, base, "POST", "/__admin/scenarios", `{"scenarios":[{"operation":"create_group","delay_ms":1},{"id":"mine","operation":"createChatRoom","fault":"empty"}]}`)
	if status != 201 || !strings.Contains(body, `"id":"mine"`) {
		t.Errorf("a batch: %d %s", status, body)
	}
	if status, _ := admin(t, base, "DELETE", "/__admin/scenarios/mine", ""); status != 204 {
		t.Errorf("delete one: %d", status)
	}
	if status, _ := admin(t, base, "DELETE", "/__admin/scenarios", ""); status != 204 {
		t.Errorf("delete all: %d", status)
	}
}

// Clients that leave during delays and held answers free their handlers:
// no goroutine is left behind.
func TestAbandonedScenariosLeaveNoGoroutine(t *testing.T) {
	_, base := liveServer(t)
	admin(t, base, "POST", "/__admin/scenarios", `{"operation":"createChatRoom","delay_ms":60000}`)
	http.DefaultClient.CloseIdleConnections()
	before := runtime.NumGoroutine()
	for _, prefer := range []string{"fault=timeout", "delay=60000", "fault=drip"} {
		for range 5 {
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			req, _ := http.NewRequestWithContext(ctx, "POST", base+"/v4/group_open_http_svc/create_group"+tencentQuery, strings.NewReader(`{"Type":"Public","Name":"g"}`))
			req.Header.Set("Prefer", prefer)
			if resp, err := http.DefaultClient.Do(req); err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			cancel()
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/support/chatrooms", strings.NewReader(`{"BusinessId":1}`))
	req.Header.Set("Authorization", "Bearer t")
	req.Header.Set("Content-Type", "application/json")
	_, _ = http.DefaultClient.Do(req)
	cancel()
	http.DefaultClient.CloseIdleConnections()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines before, %d after:\n%s", before, n, buf[:runtime.Stack(buf, true)])
	}
}
