package mockserver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chatmock/chatmock/spec"
)

const tencentQuery = "?sdkappid=88888888&identifier=admin&usersig=xxx&random=99999999&contenttype=json"

// validRequest builds a request the operation accepts: its first request
// example, with the credentials its security asks for.
func validRequest(t *testing.T, op *spec.Operation) *http.Request {
	t.Helper()
	path := op.Path
	for _, p := range op.Parameters {
		if p.In == "path" {
			path = strings.ReplaceAll(path, "{"+p.Name+"}", p.Sample)
		}
	}
	if op.Doc.API == "tencent" {
		path += tencentQuery
	}
	var body []byte
	var ct string
	for _, m := range op.RequestBody {
		for _, e := range m.Examples {
			if e.HasValue && m.Kind == spec.KindJSON {
				body, _ = json.Marshal(e.Value)
				ct = m.Type
				break
			}
		}
		if body != nil {
			break
		}
	}
	req := httptest.NewRequest(op.Method, path, bytes.NewReader(body))
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if len(op.Security) > 0 && op.Doc.API != "tencent" {
		req.Header.Set("Authorization", "Bearer token")
	}
	return req
}

// serve sends req to s; an admin POST without a content type says it
// comes from a client of the admin API, as the dashboard does.
func serve(s *Server, req *http.Request) *http.Response {
	asAdminClient(req)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec.Result()
}

func decode(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("not JSON: %v: %s", err, b)
	}
	return v
}

// Every documented response example can be had on purpose with Prefer: the
// status it is documented under, and its value as the body — exactly for
// errors; success examples come made live (fresh IDs, the request's host,
// the time now), so they keep the example's shape and validate.
func TestEveryDocumentedExampleIsReachable(t *testing.T) {
	s := newTestServer(t)
	count := 0
	for _, op := range s.tbl.Load().set.Operations() {
		for _, name := range op.ExampleNames() {
			t.Run(op.ID+"/"+name, func(t *testing.T) {
				count++
				found := op.FindExample(name)
				want, err := found.Media.Instance(op.Doc, found.Example)
				if err != nil {
					t.Fatal(err)
				}
				req := validRequest(t, op)
				req.Header.Set("Prefer", "example="+name)
				resp := serve(s, req)
				body, _ := io.ReadAll(resp.Body)
				if fmt.Sprint(resp.StatusCode) != found.Status {
					t.Errorf("status %d, want %s", resp.StatusCode, found.Status)
				}
				if found.Media.Kind != spec.KindJSON {
					if string(body) != want.(string) {
						t.Errorf("body %q, want %q", body, want)
					}
					return
				}
				got := decode(t, body)
				if op.Live != nil && op.Live.ForExample(name) != nil {
					if !reflect.DeepEqual(keys(got), keys(want)) {
						t.Errorf("live body %s does not have the keys of %v", body, want)
					}
					if err := found.Media.Schema.Validate(got); err != nil {
						t.Errorf("live body %s: %v", body, err)
					}
					return
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("body %s, want %v", body, want)
				}
			})
		}
	}
	if count < 60 {
		t.Errorf("only %d examples reached", count)
	}
}

func TestCORSPreflight(t *testing.T) {
	s := newTestServer(t)
	req := httptest.NewRequest(http.MethodOptions, "/v4/group_open_http_svc/create_group"+tencentQuery, nil)
	req.Header.Set("Origin", "http://localhost:3000")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "content-type, prefer")
	resp := serve(s, req)
	want := map[string]string{
		"Access-Control-Allow-Origin":  "http://localhost:3000",
		"Access-Control-Allow-Headers": "content-type, prefer",
		"Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS",
	}
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("preflight status %d", resp.StatusCode)
	}
	for k, v := range want {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	// The actual request carries the origin too.
	req = validRequest(t, s.tbl.Load().set.Operations()[1])
	req.Header.Set("Origin", "http://localhost:3000")
	resp = serve(s, req)
	if resp.Header.Get("Access-Control-Allow-Origin") != "http://localhost:3000" || !strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), "Location") {
		t.Errorf("CORS headers on the answer: %v", resp.Header)
	}
	// --cors=false: no CORS headers, and OPTIONS is not an operation.
	off := newTestServer(t, WithCORS(false))
	req = httptest.NewRequest(http.MethodOptions, "/api/v2/message-groups", nil)
	req.Header.Set("Origin", "http://localhost:3000")
	req.Header.Set("Access-Control-Request-Method", "POST")
	resp = serve(off, req)
	if resp.Header.Get("Access-Control-Allow-Origin") != "" || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("CORS off: status %d, headers %v", resp.StatusCode, resp.Header)
	}
}

// A body over --max-body is refused in each API's own envelope.
func TestBodyTooLarge(t *testing.T) {
	s := newTestServer(t, WithMaxBody(64))
	big := `{"pad":"` + strings.Repeat("x", 100) + `"}`
	tests := []struct {
		path, ct, auth string
		status         int
		body           string
	}{
		{"/v4/group_open_http_svc/create_group" + tencentQuery, "application/json", "", 200,
			`{"ActionStatus":"FAIL","ErrorCode":60008,"ErrorInfo":"request timeout or format error"}`},
		{"/api/v2/message-groups", "application/vnd.api+json", "", 413,
			`{"errors":[{"code":"413","detail":"the body is larger than 64 bytes","status":"413","title":"Payload too large"}]}`},
		{"/api/chat/v2/create_group", "application/json", "", 413, `{"Message":"the body is larger than 64 bytes"}`},
		{"/api/support/chatrooms", "application/json", "Bearer t", 413, `{"Message":"the body is larger than 64 bytes"}`},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, tt.path, strings.NewReader(big))
			req.Header.Set("Content-Type", tt.ct)
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			resp := serve(s, req)
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status || string(body) != tt.body {
				t.Errorf("got %d %s, want %d %s", resp.StatusCode, body, tt.status, tt.body)
			}
		})
	}
}

func loadPlain(t *testing.T, opts ...Option) *Server {
	t.Helper()
	return loadDocument(t, "testdata/plain.yaml", opts...)
}

// loadDocument serves the document at path alone, seeded.
func loadDocument(t *testing.T, path string, opts ...Option) *Server {
	t.Helper()
	s, err := Load(context.Background(), append([]Option{WithDocuments(path), WithoutBundledRules(), WithSeed(1)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// An API without x-chatmock-errors gets RFC 9457 problem+json listing every
// violation with its pointer.
func TestProblemJSONWithoutDeclaration(t *testing.T) {
	s := loadPlain(t)
	tests := []struct {
		name, method, path, ct, body string
		status                       int
		want                         string
	}{
		{"violations", "POST", "/rooms?limit=11", "application/json", `{"name":"toolong","size":"x"}`, 422,
			`{"detail":"POST /rooms: 3 problem(s) with the request","errors":[{"detail":"maximum: got 11, want 10","in":"query","keyword":"maximum","parameter":"limit"},{"detail":"maxLength: got 7, want 4","keyword":"maxLength","pointer":"#/name"},{"detail":"got string, want integer","keyword":"type","pointer":"#/size"}],"status":422,"title":"Unprocessable Entity","type":"https://chatmock.dev/problems/parameter"}`},
		{"missing property", "POST", "/rooms", "application/json", `{}`, 422,
			`{"detail":"POST /rooms: 1 problem(s) with the request","errors":[{"detail":"missing property 'name'","keyword":"required","pointer":"#/name"}],"status":422,"title":"Unprocessable Entity","type":"https://chatmock.dev/problems/schema"}`},
		{"unknown path", "GET", "/nowhere", "", "", 404,
			`{"detail":"GET /nowhere: 1 problem(s) with the request","errors":[{"detail":"no operation has the path /nowhere"}],"status":404,"title":"Not Found","type":"https://chatmock.dev/problems/route.not-found"}`},
		{"wrong method", "DELETE", "/rooms", "", "", 405,
			`{"detail":"DELETE /rooms: 1 problem(s) with the request","errors":[{"detail":"the method DELETE is not allowed on /rooms"}],"status":405,"title":"Method Not Allowed","type":"https://chatmock.dev/problems/route.method-not-allowed"}`},
		{"media type", "POST", "/rooms", "text/plain", `x`, 415,
			`{"detail":"POST /rooms: 1 problem(s) with the request","errors":[{"detail":"the media type text/plain is not one of application/json"}],"status":415,"title":"Unsupported Media Type","type":"https://chatmock.dev/problems/media.unsupported"}`},
		{"valid", "POST", "/rooms", "application/json", `{"name":"ok"}`, 201, `{"id":"r1"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
			if tt.ct != "" {
				req.Header.Set("Content-Type", tt.ct)
			}
			resp := serve(s, req)
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status || string(body) != tt.want {
				t.Errorf("got %d %s\nwant %d %s", resp.StatusCode, body, tt.status, tt.want)
			}
			if tt.status >= 400 && resp.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("Content-Type %q", resp.Header.Get("Content-Type"))
			}
		})
	}
}

func TestJournalIsBoundedAndRecordsFailures(t *testing.T) {
	s := newTestServer(t, WithJournalSize(3))
	for i := range 5 {
		req := httptest.NewRequest(http.MethodPost, "/v4/group_open_http_svc/create_group"+tencentQuery,
			strings.NewReader(fmt.Sprintf(`{"Type":"Public","Name":"g%d"}`, i)))
		if i == 4 {
			req = httptest.NewRequest(http.MethodPost, "/v4/group_open_http_svc/create_group"+tencentQuery, strings.NewReader(`{"Type":"Public"}`))
		}
		serve(s, req)
	}
	resp := serve(s, httptest.NewRequest(http.MethodGet, "/__admin/requests", nil))
	var got struct{ Requests []Entry }
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if len(got.Requests) != 3 || got.Requests[0].ID != 3 || got.Requests[2].ID != 5 {
		t.Fatalf("want entries 3..5, got %d entries: %+v", len(got.Requests), got.Requests)
	}
	last := got.Requests[2]
	if last.Valid || last.Operation != "create_group" || last.API != "tencent" || len(last.Failures) != 1 ||
		last.Failures[0].Pointer != "/Name" || last.Failures[0].Keyword != "required" ||
		last.ResponseBody != `{"ActionStatus":"FAIL","ErrorCode":10004,"ErrorInfo":"Name is required"}` {
		t.Errorf("last entry: %+v", last)
	}
	if !strings.Contains(last.URL, "usersig=%5Bredacted%5D") || strings.Contains(last.URL, "xxx") {
		t.Errorf("the journal keeps credentials from the query: %s", last.URL)
	}
	if !got.Requests[0].Valid || got.Requests[0].RequestBody != `{"Type":"Public","Name":"g2"}` {
		t.Errorf("first entry: %+v", got.Requests[0])
	}
}

func TestSeedMakesGeneratedValuesRepeatable(t *testing.T) {
	groupID := func(s *Server) string {
		req := httptest.NewRequest(http.MethodPost, "/v4/group_open_http_svc/create_group"+tencentQuery, strings.NewReader(`{"Type":"Public","Name":"x"}`))
		body, _ := io.ReadAll(serve(s, req).Body)
		var v struct{ GroupId string }
		_ = json.Unmarshal(body, &v)
		return v.GroupId
	}
	a, b := groupID(newTestServer(t)), groupID(newTestServer(t))
	if a != b || !strings.HasPrefix(a, "@TGS#2") || len(a) != len("@TGS#2J4SZEAEL") {
		t.Errorf("seeded IDs %q and %q", a, b)
	}
	set, _ := spec.Load(context.Background(), spec.Bundled())
	unseeded1, _ := New(set)
	unseeded2, _ := New(set)
	if groupID(unseeded1) == groupID(unseeded2) {
		t.Error("unseeded servers made the same ID")
	}
}

// Prefer: dynamic=true generates a body from the schema, valid against it.
func TestPreferDynamic(t *testing.T) {
	s := newTestServer(t)
	for _, op := range s.tbl.Load().set.Operations() {
		t.Run(op.ID, func(t *testing.T) {
			req := validRequest(t, op)
			req.Header.Set("Prefer", "dynamic=true")
			resp := serve(s, req)
			body, _ := io.ReadAll(resp.Body)
			status := fmt.Sprint(resp.StatusCode)
			var media *spec.Media
			for _, m := range op.Responses[status] {
				if m.Type == resp.Header.Get("Content-Type") {
					media = m
				}
			}
			if media == nil {
				t.Fatalf("answer %s %s is not documented", status, resp.Header.Get("Content-Type"))
			}
			if err := media.Schema.Validate(decode(t, body)); err != nil {
				t.Errorf("dynamic body %s does not validate: %v", body, err)
			}
		})
	}
}

func TestOneLogLinePerRequest(t *testing.T) {
	var buf bytes.Buffer
	s := newTestServer(t, WithLogger(slog.New(slog.NewJSONHandler(&buf, nil))))
	serve(s, httptest.NewRequest(http.MethodPost, "/v4/group_open_http_svc/create_group"+tencentQuery, strings.NewReader(`{"Type":"Public"}`)))
	serve(s, httptest.NewRequest(http.MethodGet, "/nowhere", nil))
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 log lines, got %q", buf.String())
	}
	var first map[string]any
	_ = json.Unmarshal([]byte(lines[0]), &first)
	for k, want := range map[string]any{"msg": "request", "api": "tencent", "operation": "create_group", "status": 200.0, "failures": 1.0} {
		if first[k] != want {
			t.Errorf("log %s = %v, want %v", k, first[k], want)
		}
	}
}

func TestConcurrentRequests(t *testing.T) {
	s := newTestServer(t, WithJournalSize(10))
	// Operations that need no record made before them.
	ops := slices.DeleteFunc(s.tbl.Load().set.Operations(), func(op *spec.Operation) bool {
		return op.Store != nil && (op.Store.Read != nil || op.Store.Delete != nil)
	})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				op := ops[(g+i)%len(ops)]
				resp := serve(s, validRequest(t, op))
				if resp.StatusCode >= 300 {
					body, _ := io.ReadAll(resp.Body)
					t.Errorf("%s: %d %s", op.ID, resp.StatusCode, body)
				}
			}
		}()
	}
	wg.Wait()
	if n := len(s.Journal().Entries()); n != 10 {
		t.Errorf("journal holds %d entries, want 10", n)
	}
}

func TestHealth(t *testing.T) {
	resp := serve(newTestServer(t), httptest.NewRequest(http.MethodGet, "/__admin/health", nil))
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || strings.TrimSpace(string(body)) != `{"documents":4,"operations":15,"status":"ready"}` {
		t.Errorf("health: %d %s", resp.StatusCode, body)
	}
}

// keys lists the object keys of a JSON value, nested ones as paths.
func keys(v any) []string {
	var out []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		for k, e := range m {
			out = append(out, prefix+k)
			walk(prefix+k+".", e)
		}
	}
	walk("", v)
	slices.Sort(out)
	return out
}

func asAdminClient(req *http.Request) {
	if req.Method == http.MethodPost && isAdminPath(req.URL.Path) && req.Header.Get("Content-Type") == "" {
		req.Header.Set(AdminHeader, "1")
	}
}
