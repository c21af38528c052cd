package mockserver

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chatmock/chatmock/fixtures"
)

var update = flag.Bool("update", false, "rewrite the response sections of the golden files")

// fixedNow is the clock golden answers are made with.
var fixedNow = time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC)

// goldenHeaders are the response headers a golden file records.
var goldenHeaders = []string{"Allow", "Content-Type", "Location"}

// newTestServer is a mock on the bundled documents and rules, seeded, on a
// fixed clock.
func newTestServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := Load(context.Background(), append([]Option{WithSeed(1), WithClock(func() time.Time { return fixedNow })}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestGolden runs every case under testdata/golden: each file holds a
// comment, a request and the exact response a fresh mock gives it.
//
//	what the case shows
//	-- request --
//	POST /path?query HTTP/1.1
//	Content-Type: application/json
//
//	{"body": 1}                  (or "@file fixtures/..." to send a file byte for byte)
//	-- response --
//	HTTP/1.1 200 OK
//	Content-Type: application/json
//
//	{"answer": 1}
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/golden/*/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files (%v)", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(file, "testdata/golden/"), ".txt")
		t.Run(name, func(t *testing.T) {
			g := readGolden(t, file)
			req := g.httpRequest(t)
			rec := httptest.NewRecorder()
			newTestServer(t).Handler().ServeHTTP(rec, req)
			got := formatResponse(rec.Result())
			if *update {
				g.response = got
				g.write(t, file)
				return
			}
			if got != g.response {
				t.Errorf("%s\n--- got ---\n%s\n--- want ---\n%s", g.comment, got, g.response)
			}
		})
	}
}

type golden struct {
	comment, request, response string
}

func readGolden(t *testing.T, file string) *golden {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	reqAt := strings.Index(s, "-- request --\n")
	respAt := strings.Index(s, "-- response --\n")
	if reqAt < 0 || respAt < reqAt {
		t.Fatalf("%s: want '-- request --' then '-- response --' sections", file)
	}
	return &golden{
		comment:  strings.TrimSpace(s[:reqAt]),
		request:  strings.TrimSuffix(s[reqAt+len("-- request --\n"):respAt], "\n"),
		response: strings.TrimSuffix(s[respAt+len("-- response --\n"):], "\n"),
	}
}

func (g *golden) write(t *testing.T, file string) {
	t.Helper()
	out := g.comment + "\n-- request --\n" + g.request + "\n-- response --\n" + g.response + "\n"
	if err := os.WriteFile(file, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
}

// request parses the request section; a body of "@file PATH" is read from
// the embedded fixtures, byte for byte.
func (g *golden) httpRequest(t *testing.T) *http.Request {
	t.Helper()
	head, body, _ := strings.Cut(g.request, "\n\n")
	raw := []byte(body)
	if path, ok := strings.CutPrefix(body, "@file fixtures/"); ok {
		var err error
		if raw, err = fs.ReadFile(fixtures.FS, strings.TrimSpace(path)); err != nil {
			t.Fatal(err)
		}
	}
	r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(head + "\r\n\r\n")))
	if err != nil {
		t.Fatalf("request section: %v", err)
	}
	req := httptest.NewRequest(r.Method, r.RequestURI, bytes.NewReader(raw))
	req.Header = r.Header
	req.Host = "mock.test"
	return req
}

func formatResponse(resp *http.Response) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "HTTP/1.1 %s\n", resp.Status)
	keys := slices.Clone(goldenHeaders)
	for _, k := range keys {
		if v := resp.Header.Get(k); v != "" {
			fmt.Fprintf(&sb, "%s: %s\n", k, v)
		}
	}
	body, _ := io.ReadAll(resp.Body)
	sb.WriteString("\n")
	sb.Write(body)
	return sb.String()
}
