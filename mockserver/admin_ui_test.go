package mockserver

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// The dashboard's static files are served wherever the admin API is
// mounted, without the token (they hold no data); its data calls meet the
// guard like any admin call.
func TestDashboardFilesAreServedWithoutTheToken(t *testing.T) {
	files := []struct{ path, contentType, holds string }{
		{"/__admin/ui", "text/html; charset=utf-8", `<script src="/__admin/ui/app.js" defer></script>`},
		{"/__admin/ui/app.js", "text/javascript; charset=utf-8", "const TOKEN_KEY = 'chatmock.adminToken';"},
		{"/__admin/ui/app.css", "text/css; charset=utf-8", ":focus-visible"},
	}
	for _, guard := range []struct {
		name  string
		open  bool
		token string
		data  int // what GET /__admin/operations answers without a token
		other int // and GET /__admin/ui/secret.json, an admin 404 behind the guard
	}{
		{"loopback", true, "", http.StatusOK, http.StatusNotFound},
		{"token configured", false, "t0k", http.StatusUnauthorized, http.StatusUnauthorized},
		{"admin off", false, "", http.StatusForbidden, http.StatusForbidden},
	} {
		t.Run(guard.name, func(t *testing.T) {
			s := newTestServer(t, WithAdminAccess(guard.open, guard.token))
			for _, f := range files {
				for _, method := range []string{http.MethodGet, http.MethodHead} {
					resp := serve(s, httptest.NewRequest(method, "http://127.0.0.1:4010"+f.path, nil))
					body := bodyText(t, resp)
					if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != f.contentType {
						t.Errorf("%s %s: %d %q", method, f.path, resp.StatusCode, resp.Header.Get("Content-Type"))
					}
					if method == http.MethodGet && !strings.Contains(body, f.holds) {
						t.Errorf("%s does not hold %q", f.path, f.holds)
					}
					if resp.Header.Get("Content-Security-Policy") != dashboardCSP || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
						t.Errorf("%s: security headers %v", f.path, resp.Header)
					}
				}
			}
			resp := serve(s, httptest.NewRequest(http.MethodGet, "http://127.0.0.1:4010/__admin/ui/", nil))
			if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/__admin/ui" {
				t.Errorf("/__admin/ui/: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			if resp := serve(s, httptest.NewRequest(http.MethodGet, "http://127.0.0.1:4010/__admin/operations", nil)); resp.StatusCode != guard.data {
				t.Errorf("operations without a token: %d, want %d", resp.StatusCode, guard.data)
			}
			if resp := serve(s, httptest.NewRequest(http.MethodGet, "http://127.0.0.1:4010/__admin/ui/secret.json", nil)); resp.StatusCode != guard.other {
				t.Errorf("/__admin/ui/secret.json: %d, want %d", resp.StatusCode, guard.other)
			}
		})
	}
	s := newTestServer(t)
	resp := serve(s, httptest.NewRequest(http.MethodPost, "http://127.0.0.1:4010/__admin/ui", nil))
	// Another method is an admin problem, not the page (gorilla/mux reports
	// it as not found, as it does for other admin paths).
	if body := bodyText(t, resp); resp.StatusCode != http.StatusNotFound || !strings.Contains(body, `"detail":"no admin endpoint POST /__admin/ui"`) {
		t.Errorf("POST /__admin/ui: %d %s", resp.StatusCode, body)
	}
}

func bodyText(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestOperationsCatalog(t *testing.T) {
	s := newTestServer(t)
	resp := serve(s, httptest.NewRequest(http.MethodGet, "http://127.0.0.1:4010/__admin/operations", nil))
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var got struct{ APIs []catalogAPI }
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	set := s.tbl.Load().set
	if len(got.APIs) != len(set.Documents) {
		t.Fatalf("%d APIs, want %d", len(got.APIs), len(set.Documents))
	}
	ops := 0
	for i, api := range got.APIs {
		doc := set.Documents[i]
		if api.API != doc.API || api.Title != doc.Raw["info"].(map[string]any)["title"] || api.Title == "" || len(api.Operations) != len(doc.Operations) {
			t.Errorf("API %d: %s %q with %d operations", i, api.API, api.Title, len(api.Operations))
		}
		for j, op := range api.Operations {
			if want := doc.Operations[j]; op.OperationID != want.ID || op.Method != want.Method || op.Path != want.Path || len(op.Examples) != len(want.ExampleNames()) {
				t.Errorf("%s: %+v", want.ID, op)
			}
		}
		ops += len(api.Operations)
	}
	if ops != len(set.Operations()) {
		t.Errorf("%d operations, want %d", ops, len(set.Operations()))
	}
	var create *catalogOperation
	for _, api := range got.APIs {
		for i := range api.Operations {
			if api.Operations[i].OperationID == "create_group" {
				create = &api.Operations[i]
			}
		}
	}
	if create == nil || create.Method != "POST" || create.Path != "/v4/group_open_http_svc/create_group" || create.Summary != "Create a group" {
		t.Fatalf("create_group: %+v", create)
	}
	want := catalogExample{Name: "10021", Status: 200, Summary: "The group ID is already used by another user"}
	found := false
	for _, ex := range create.Examples {
		found = found || ex == want
	}
	if !found {
		t.Errorf("create_group's examples lack %+v: %+v", want, create.Examples)
	}
}

// ?api= filters the journal beside ?operation=, ?status= and ?since=, for
// the list and the count alike.
func TestJournalFilterByAPI(t *testing.T) {
	s := newTestServer(t)
	ops := map[string]bool{"create_group": true, "createChatRoom": true}
	for _, op := range s.tbl.Load().set.Operations() {
		if ops[op.ID] {
			serve(s, validRequest(t, op)) // in load order: nexudus (1), then tencent (2)
		}
	}
	serve(s, httptest.NewRequest(http.MethodPost, "/v4/group_open_http_svc/create_group"+tencentQuery, strings.NewReader(`{"Type":"Public"}`)))
	for _, tt := range []struct {
		query string
		ids   []int64
	}{
		{"", []int64{1, 2, 3}},
		{"?api=tencent", []int64{2, 3}},
		{"?api=nexudus", []int64{1}},
		{"?api=slack", nil},
		{"?api=tencent&since=2", []int64{3}},
		{"?api=tencent&operation=createChatRoom", nil},
		{"?api=nexudus&operation=createChatRoom&status=200", []int64{1}},
	} {
		resp := serve(s, httptest.NewRequest(http.MethodGet, "http://127.0.0.1:4010/__admin/requests"+tt.query, nil))
		var got struct{ Requests []Entry }
		if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, e := range got.Requests {
			ids = append(ids, e.ID)
		}
		if !slices.Equal(ids, tt.ids) {
			t.Errorf("%s: ids %v, want %v", tt.query, ids, tt.ids)
		}
		resp = serve(s, httptest.NewRequest(http.MethodGet, "http://127.0.0.1:4010/__admin/requests/count"+tt.query, nil))
		var count struct{ Count int }
		if err := json.NewDecoder(resp.Body).Decode(&count); err != nil || count.Count != len(tt.ids) {
			t.Errorf("count%s: %d (%v), want %d", tt.query, count.Count, err, len(tt.ids))
		}
	}
}

// After renders only the entries past an id, in a full ring and after a
// reset alike.
func TestJournalAfter(t *testing.T) {
	s := newTestServer(t, WithJournalSize(3))
	call := func() {
		serve(s, httptest.NewRequest(http.MethodPost, "/v4/group_open_http_svc/create_group"+tencentQuery, strings.NewReader(`{"Type":"Public","Name":"g"}`)))
	}
	for range 5 {
		call()
	}
	ids := func(after int64) []int64 {
		var out []int64
		for _, e := range s.Journal().After(after) {
			out = append(out, e.ID)
		}
		return out
	}
	for _, tt := range []struct {
		after int64
		want  []int64
	}{{0, []int64{3, 4, 5}}, {2, []int64{3, 4, 5}}, {3, []int64{4, 5}}, {5, nil}, {99, nil}} {
		if got := ids(tt.after); !slices.Equal(got, tt.want) {
			t.Errorf("After(%d) = %v, want %v", tt.after, got, tt.want)
		}
	}
	s.Journal().Reset()
	if got := ids(0); got != nil {
		t.Errorf("after a reset: %v", got)
	}
	call()
	if got, want := ids(0), []int64{6}; !slices.Equal(got, want) {
		t.Errorf("after a reset and a call: %v, want %v", got, want)
	}
	if got := ids(6); got != nil {
		t.Errorf("After(6) = %v", got)
	}
}
