package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// runnerCredentials are the credentials and --header of the runner tests.
var runnerCredentials = []string{"--tencent-sdkappid", "88888888", "--tencent-identifier", "admin",
	"--tencent-usersig", "TOPSECRET", "--nexudus-token", "TOPSECRET", "--header", "X-Secret: s"}

// loopbackServer starts h on 127.0.0.1 (or another loopback address) on
// port 0; it stops at the end of the test.
func loopbackServer(t *testing.T, addr string, h http.Handler) *httptest.Server {
	t.Helper()
	l, err := net.Listen("tcp", addr+":0")
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// A target that answers every request with a redirect to another host gets
// its 3xx checked as the answer: the other host receives nothing — neither
// the Tencent usersig in the query, nor the Nexudus token, nor a --header.
func TestTestFollowsNoRedirect(t *testing.T) {
	for _, status := range []int{http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			var reached atomic.Int64
			other := loopbackServer(t, "127.0.0.2", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				reached.Add(1)
			}))
			var sent atomic.Int64
			target := loopbackServer(t, "127.0.0.1", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				sent.Add(1)
				http.Redirect(w, r, other.URL+r.URL.RequestURI(), status)
			}))
			dir := t.TempDir()
			code, stdout, stderr := runCLI(append([]string{"test", "--target", target.URL, "--junit", dir + "/junit.xml", "--json", dir + "/report.json"}, runnerCredentials...)...)
			if code != exitProblems {
				t.Errorf("exit %d, want %d\n%s", code, exitProblems, stderr)
			}
			if n := reached.Load(); n != 0 {
				t.Errorf("the other host received %d of %d requests", n, sent.Load())
			}
			want := "status: " + strconv.Itoa(status) + " is not a status the operation documents"
			if sent.Load() < 100 || strings.Count(stdout, want) < 100 {
				t.Errorf("%d requests sent, %d failures saying %q\n%.3000s", sent.Load(), strings.Count(stdout, want), want, stdout)
			}
			if !strings.Contains(stdout, "a redirect to another origin ("+other.URL+"/v4/") || !strings.Contains(stdout, "not followed") {
				t.Errorf("no failure names the redirect:\n%.3000s", stdout)
			}
			junit, _ := os.ReadFile(dir + "/junit.xml")
			js, _ := os.ReadFile(dir + "/report.json")
			for name, out := range map[string]string{"summary": stdout, "JUnit": string(junit), "JSON": string(js)} {
				if i := strings.Index(out, "TOPSECRET"); i >= 0 || !strings.Contains(out, "usersig=[redacted]") {
					t.Errorf("%s shows a secret, or no redacted usersig:\n%s", name, out[max(0, i-300):max(i+9, min(len(out), 300))])
				}
			}
		})
	}
}

// The runner sends no Referer: a redirect to the target itself is not
// followed either, so no request carries the URL (and usersig) of another.
func TestTestSendsNoReferer(t *testing.T) {
	var mu sync.Mutex
	var referers []string
	target := loopbackServer(t, "127.0.0.1", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ref := r.Header.Get("Referer"); ref != "" {
			mu.Lock()
			referers = append(referers, ref)
			mu.Unlock()
		}
		if !strings.HasPrefix(r.URL.Path, "/moved") {
			http.Redirect(w, r, "/moved"+r.URL.RequestURI(), http.StatusFound)
		}
	}))
	code, _, stderr := runCLI(append([]string{"test", "--target", target.URL, "--api", "tencent"}, runnerCredentials...)...)
	if code != exitProblems {
		t.Errorf("exit %d, want %d\n%s", code, exitProblems, stderr)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(referers) > 0 {
		t.Errorf("%d requests carried a Referer, such as %q", len(referers), referers[0])
	}
}

// When the target cannot be reached, that is said once, first, in one
// line, naming no credential; with --wait-for the run waits for
// a target that comes up later.
func TestTestUnreachablePrintsNoSecret(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	code, stdout, stderr := runCLI(append([]string{"test", "--target", "http://" + addr, "--api", "tencent"}, runnerCredentials...)...)
	want := "chatmock test: the target http://" + addr + " cannot be reached (connect: connection refused): is it running? (--wait-for 30s waits for it to come up)\n"
	if code != exitUsage || stderr != want || stdout != "" { // one line: the command line was right, no pointer to --help
		t.Errorf("exit %d\nstdout %q\nstderr %q", code, stdout, stderr)
	}
	if strings.Contains(stdout+stderr, "TOPSECRET") {
		t.Errorf("a secret was printed:\n%.2000s", stdout)
	}

	base, stop := startServe(t, "--seed", "1")
	defer stop()
	late, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr = late.Addr().String()
	late.Close()
	go func() { // the target comes up half a second later, on that port
		time.Sleep(500 * time.Millisecond)
		u, _ := url.Parse(base)
		proxy := httputil.NewSingleHostReverseProxy(u)
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return
		}
		srv := &http.Server{Handler: proxy}
		go srv.Serve(ln)
		t.Cleanup(func() { srv.Close() })
	}()
	code, stdout, stderr = runCLI(append([]string{"test", "--target", "http://" + addr, "--api", "nexudus", "--wait-for", "10s"}, runnerCredentials...)...)
	if code != exitOK {
		t.Errorf("--wait-for: exit %d\n%s\n%s", code, stdout, stderr)
	}
}

// --target takes a scheme, host and path only, and --timeout must be more
// than 0.
func TestTestRefusesABadTargetOrTimeout(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--target", "http://127.0.0.1:9/?usersig=TOPSECRET"}, `--target "http://127.0.0.1:9/?usersig=[redacted]": give the scheme, host and path only (no query, fragment or user info)`},
		{[]string{"--target", "http://127.0.0.1:9/#x"}, `--target "http://127.0.0.1:9/#x": give the scheme, host and path only`},
		{[]string{"--target", "http://u:TOPSECRET@127.0.0.1:9"}, `--target "http://u:xxxxx@127.0.0.1:9": give the scheme, host and path only`},
		{[]string{"--target", "http://127.0.0.1:9", "--timeout", "0s"}, "--timeout must be more than 0"},
		{[]string{"--target", "http://127.0.0.1:9", "--timeout", "-1s"}, "--timeout must be more than 0"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(append([]string{"test"}, tt.args...)...)
			if code != exitUsage || !strings.Contains(stderr, tt.want) || strings.Contains(stdout+stderr, "TOPSECRET") {
				t.Errorf("exit %d, want %d and %q\nstdout: %s\nstderr: %s", code, exitUsage, tt.want, stdout, stderr)
			}
		})
	}
}
