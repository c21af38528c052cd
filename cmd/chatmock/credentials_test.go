package main

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
)

// The generic credential flags send what the vendor aliases send: the
// API keys by the names the documents' security schemes give them, and a
// bearer token; an unknown name is a usage error naming the known ones.
func TestTestCredentialFlags(t *testing.T) {
	sent := func(args ...string) []string {
		var mu sync.Mutex
		var got []string
		target := loopbackServer(t, "127.0.0.1", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			q := r.URL.Query()
			if q.Has("usersig") {
				got = append(got, "query "+q.Get("sdkappid")+" "+q.Get("identifier")+" "+q.Get("usersig"))
			}
			if a := r.Header.Get("Authorization"); a != "" {
				got = append(got, "auth "+a)
			}
		}))
		code, _, stderr := runCLI(append([]string{"test", "--target", target.URL, "--api", "tencent", "--api", "nexudus", "--include", "positive"}, args...)...)
		if code != exitProblems && code != 0 {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		mu.Lock()
		defer mu.Unlock()
		slices.Sort(got)
		return slices.Compact(got)
	}
	generic := sent("--credential", "sdkappid=1400000001", "--credential", "identifier=ops", "--credential", "usersig=SIG", "--bearer", "TOK")
	aliases := sent("--tencent-sdkappid", "1400000001", "--tencent-identifier", "ops", "--tencent-usersig", "SIG", "--nexudus-token", "TOK")
	if want := []string{"auth Bearer TOK", "query 1400000001 ops SIG"}; !slices.Equal(generic, want) || !slices.Equal(aliases, want) {
		t.Errorf("sent %q with the generic flags and %q with the aliases, want %q", generic, aliases, want)
	}
	if both := sent("--credential", "usersig=GENERIC", "--tencent-usersig", "ALIAS", "--tencent-sdkappid", "1", "--tencent-identifier", "a"); !slices.Contains(both, "query 1 a GENERIC") {
		t.Errorf("--credential should win over its alias: %q", both)
	}

	code, _, stderr := runCLI("test", "--target", "http://127.0.0.1:9", "--credential", "api_token=x")
	if want := "chatmock test: --credential api_token: no security scheme of the documents names an API key api_token (they name: identifier, sdkappid, usersig)"; code != exitUsage || !strings.HasPrefix(stderr, want) {
		t.Errorf("exit %d: %q, want %q", code, stderr, want)
	}
	code, _, stderr = runCLI("test", "--target", "http://127.0.0.1:9", "--credential", "TOPSECRET")
	if code != exitUsage || strings.Contains(stderr, "TOPSECRET") || !strings.Contains(stderr, "--credential takes NAME=VALUE") {
		t.Errorf("exit %d: %q", code, stderr)
	}
}
