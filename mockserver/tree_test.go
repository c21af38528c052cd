package mockserver

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// manyPaths writes a document of n operations, each on a path with a
// parameter (/r0/{id} ... /r<n-1>/{id}), and loads it.
func manyPaths(tb testing.TB, n int) *Server {
	tb.Helper()
	var sb strings.Builder
	sb.WriteString("openapi: 3.1.0\ninfo: {title: \"Many paths, written for chatmock's tests\", version: \"1\"}\npaths:\n")
	for i := range n {
		fmt.Fprintf(&sb, "  /r%d/{id}:\n    get:\n      operationId: get%d\n      parameters: [{name: id, in: path, required: true, schema: {type: string, pattern: '^R'}}]\n      responses: {\"200\": {description: ok, content: {application/json: {example: {n: %d}}}}}\n", i, i, i)
	}
	path := filepath.Join(tb.TempDir(), "many.yaml")
	if err := os.WriteFile(path, []byte(sb.String()), 0o600); err != nil {
		tb.Fatal(err)
	}
	s, err := Load(context.Background(), WithDocuments(path), WithoutBundledRules())
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// A path with parameters is found by its segments: the right operation,
// its parameters set, a literal segment before a parameter, 404 and 405 as
// before.
func TestPathTree(t *testing.T) {
	s := manyPaths(t, 50)
	get := func(method, target string) (int, string) {
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, httptest.NewRequest(method, target, nil))
		return rec.Code, strings.TrimSpace(rec.Body.String())
	}
	if code, body := get(http.MethodGet, "/r49/R1"); code != 200 || body != `{"n":49}` {
		t.Errorf("/r49/R1: %d %s", code, body)
	}
	if code, _ := get(http.MethodGet, "/r3/x"); code != 422 && code != 400 {
		t.Errorf("/r3/x breaks the pattern: %d", code)
	}
	if code, _ := get(http.MethodGet, "/r3/"); code != 404 {
		t.Errorf("/r3/: %d", code)
	}
	if code, _ := get(http.MethodPost, "/r3/R1"); code != 405 {
		t.Errorf("POST /r3/R1: %d", code)
	}
	tree := &pathTree{}
	a, b := &route{}, &route{}
	tree.add("/rooms/{id}", "GET", a)
	tree.add("/rooms/archived", "GET", b)
	if tree.find("/rooms/archived", "GET") != b || tree.find("/rooms/R1", "GET") != a || tree.find("/rooms/R1", "PUT") != nil {
		t.Error("a literal segment first, then a parameter")
	}
	if tree.add("/files/{name}.json", "GET", a) {
		t.Error("a segment with more than a parameter is the router's")
	}
}

// BenchmarkRouting finds the last of n operations with path parameters:
// the cost does not grow with n.
//
//	go test -run '^$' -bench Routing ./mockserver
func BenchmarkRouting(b *testing.B) {
	for _, n := range []int{10, 500} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			s := manyPaths(b, n)
			h := s.Handler()
			target := fmt.Sprintf("/r%d/R1", n-1)
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
				if rec.Code != 200 {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}
