package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// serve on loopback answers loopback names and the --allowed-host names
// only; every other Host is refused 403 with the flag to allow it.
func TestServeAnswersOnlyItsHosts(t *testing.T) {
	base, stop := startServe(t, "--allowed-host", "chat.test", "--allowed-host", "Mock.Internal:8080")
	defer stop()
	for host, want := range map[string]int{
		"127.0.0.1": 200, "localhost:4010": 200, "[::1]": 200, "chat.test": 200, "MOCK.INTERNAL:80": 200,
		"rebind.example": 403, "chat.test.example": 403, "10.0.0.5": 403,
	} {
		req, _ := http.NewRequest(http.MethodGet, base+"/__admin/health", nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Host %s: %d %s, want %d", host, resp.StatusCode, body, want)
		}
		if want == 403 && !strings.Contains(string(body), "start it with --allowed-host ") {
			t.Errorf("Host %s: %s", host, body)
		}
	}
}
