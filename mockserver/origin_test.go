package mockserver

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// raw sends one request to base as a browser or a script would, with
// exactly the headers given (no AdminHeader added), and returns the answer
// and its body.
func raw(t *testing.T, base, method, path, host, body string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

const tencentCreatePath = "/v4/group_open_http_svc/create_group" + tencentQuery

// TestHostCheckOnLoopback: a server on loopback answers only requests for
// a loopback name or address or an --allowed-host; a page whose name was
// rebound to 127.0.0.1 sends its own name and is refused, admin API and
// mocked APIs alike, each in its own envelope.
func TestHostCheckOnLoopback(t *testing.T) {
	_, base := liveServer(t, WithAdminAccess(true, ""), WithAllowedHosts("chat.test"))

	resp, body := raw(t, base, http.MethodGet, "/__admin/requests", "rebind.example:4010", "")
	want := `{"detail":"the Host rebind.example:4010 is not a loopback name or address: the mock listens on loopback and answers only requests ` +
		`for it; to allow this name, start it with --allowed-host rebind.example","status":403,"title":"Forbidden","type":"https://chatmock.dev/problems/host"}`
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("Content-Type") != "application/problem+json" || strings.TrimSpace(body) != want {
		t.Errorf("admin, Host rebind.example: %d %s %s\nwant %s", resp.StatusCode, resp.Header.Get("Content-Type"), body, want)
	}
	resp, body = raw(t, base, http.MethodPost, "/__admin/reset", "rebind.example", "", "Content-Type", "application/json")
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "--allowed-host rebind.example") {
		t.Errorf("reset, Host rebind.example: %d %s", resp.StatusCode, body)
	}

	resp, body = raw(t, base, http.MethodPost, tencentCreatePath, "rebind.example:4010", `{"Type":"Public","Name":"g"}`, "Content-Type", "application/json")
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("Content-Type") != "application/problem+json" || strings.TrimSpace(body) != want {
		t.Errorf("Tencent, Host rebind.example: %d %s %s\nwant %s", resp.StatusCode, resp.Header.Get("Content-Type"), body, want)
	}
	_, journal := admin(t, base, http.MethodGet, "/__admin/requests", "")
	if !strings.Contains(journal, `"status":403`) || !strings.Contains(journal, `"class":"security"`) || !strings.Contains(journal, "--allowed-host rebind.example") {
		t.Errorf("the refusal is not in the journal: %s", journal)
	}
	if _, state := admin(t, base, http.MethodGet, "/__admin/state", ""); strings.Contains(state, `"g"`) {
		t.Errorf("the refused create was stored: %s", state)
	}

	for _, host := range []string{"localhost:4010", "LOCALHOST", "app.localhost:4010", "127.0.0.1:4010", "127.0.0.2", "[::1]:4010", "chat.test:4010", "chat.test"} {
		if resp, body := raw(t, base, http.MethodGet, "/__admin/health", host, ""); resp.StatusCode != http.StatusOK {
			t.Errorf("Host %s: %d %s", host, resp.StatusCode, body)
		}
	}

	// Off loopback the token guards the admin API and any Host is answered;
	// a Server without WithAdminAccess (an embedder's) checks no Host.
	for name, opts := range map[string][]Option{"off loopback": {WithAdminAccess(false, "secret")}, "embedded": nil} {
		_, other := liveServer(t, opts...)
		if resp, body := raw(t, other, http.MethodGet, "/__admin/health", "mock.internal:4010", "", "Authorization", "Bearer secret"); resp.StatusCode != http.StatusOK {
			t.Errorf("%s, Host mock.internal: %d %s", name, resp.StatusCode, body)
		}
	}
}

// TestAdminRefusesCrossSiteWrites: the writes a page on another origin
// can send without a preflight (text/plain, a form, no body) and any
// request naming a foreign Origin or a cross-site or same-site fetch reach
// nothing: the store and the scenarios are as they were.
func TestAdminRefusesCrossSiteWrites(t *testing.T) {
	_, base := liveServer(t, WithAdminAccess(true, ""))
	if resp, body := raw(t, base, http.MethodPost, tencentCreatePath, "", `{"Type":"Public","Name":"kept"}`, "Content-Type", "application/json"); resp.StatusCode != http.StatusOK {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	scenario := `{"operation":"create_group","example":"10021","times":3}`
	for _, tt := range []struct {
		name, path, body string
		header           []string
		status           int
		detail           string
	}{
		{"text/plain scenario", "/__admin/scenarios", scenario, []string{"Content-Type", "text/plain"}, 415,
			"admin writes take Content-Type: application/json (or the header X-Chatmock-Admin: 1)"},
		{"text/plain scenario from a page", "/__admin/scenarios", scenario, []string{"Content-Type", "text/plain;charset=UTF-8", "Origin", "http://evil.example"}, 403,
			"the admin API answers only its own origin, not http://evil.example"},
		{"form reset", "/__admin/reset", "a=b", []string{"Content-Type", "application/x-www-form-urlencoded"}, 415,
			"admin writes take Content-Type: application/json (or the header X-Chatmock-Admin: 1)"},
		{"multipart reset", "/__admin/reset", "", []string{"Content-Type", "multipart/form-data; boundary=x"}, 415,
			"admin writes take Content-Type: application/json (or the header X-Chatmock-Admin: 1)"},
		{"bodiless reset", "/__admin/reset", "", nil, 415,
			"admin writes take Content-Type: application/json (or the header X-Chatmock-Admin: 1)"},
		{"JSON reset from another loopback port", "/__admin/reset", "", []string{"Content-Type", "application/json", "Origin", "http://127.0.0.1:1"}, 403,
			"the admin API answers only its own origin, not http://127.0.0.1:1"},
		{"null origin", "/__admin/reset", "", []string{"Content-Type", "application/json", "Origin", "null"}, 403,
			"the admin API answers only its own origin, not null"},
		{"header and a foreign origin", "/__admin/scenarios", scenario, []string{AdminHeader, "1", "Origin", "http://evil.example"}, 403,
			"the admin API answers only its own origin, not http://evil.example"},
		{"cross-site fetch", "/__admin/reset", "", []string{AdminHeader, "1", "Sec-Fetch-Site", "cross-site"}, 403,
			"the admin API answers only its own origin, not a cross-site request"},
		{"same-site fetch", "/__admin/scenarios", scenario, []string{"Content-Type", "application/json", "Sec-Fetch-Site", "same-site"}, 403,
			"the admin API answers only its own origin, not a same-site request"},
	} {
		resp, body := raw(t, base, http.MethodPost, tt.path, "", tt.body, tt.header...)
		var problem struct {
			Status int
			Detail string
		}
		if err := json.Unmarshal([]byte(body), &problem); err != nil || resp.StatusCode != tt.status || problem.Status != tt.status ||
			problem.Detail != tt.detail || resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %s, want %d %q", tt.name, resp.StatusCode, body, tt.status, tt.detail)
		}
		if acao := resp.Header.Get("Access-Control-Allow-Origin"); acao != "" {
			t.Errorf("%s: Access-Control-Allow-Origin %q", tt.name, acao)
		}
	}
	if _, state := admin(t, base, http.MethodGet, "/__admin/state", ""); !strings.Contains(state, `"Name":"kept"`) {
		t.Errorf("the store changed: %s", state)
	}
	if _, list := admin(t, base, http.MethodGet, "/__admin/scenarios", ""); list != `{"scenarios":[]}`+"\n" {
		t.Errorf("a scenario was armed: %s", list)
	}

	// The admin API's own clients: JSON with no Origin (curl, scripts), the
	// page of its own origin, a bodiless write with the header, and the
	// dashboard opened by a link from another site.
	if resp, body := raw(t, base, http.MethodPost, "/__admin/scenarios", "", scenario, "Content-Type", "application/json"); resp.StatusCode != http.StatusCreated {
		t.Errorf("JSON scenario: %d %s", resp.StatusCode, body)
	}
	if resp, body := raw(t, base, http.MethodDelete, "/__admin/scenarios", "", "", "Origin", base, "Sec-Fetch-Site", "same-origin"); resp.StatusCode != http.StatusNoContent {
		t.Errorf("DELETE from its own origin: %d %s", resp.StatusCode, body)
	}
	if resp, body := raw(t, base, http.MethodPost, "/__admin/reset", "", "", AdminHeader, "1", "Origin", base, "Sec-Fetch-Site", "same-origin"); resp.StatusCode != http.StatusNoContent {
		t.Errorf("reset with the header: %d %s", resp.StatusCode, body)
	}
	if resp, body := raw(t, base, http.MethodGet, "/__admin/ui", "", "", "Sec-Fetch-Site", "cross-site", "Sec-Fetch-Mode", "navigate"); resp.StatusCode != http.StatusOK {
		t.Errorf("the dashboard opened from a link: %d %s", resp.StatusCode, body)
	}
	if resp, _ := raw(t, base, http.MethodGet, "/__admin/requests", "", "", "Sec-Fetch-Site", "cross-site", "Sec-Fetch-Mode", "no-cors"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("the journal fetched cross-site: %d", resp.StatusCode)
	}
}

// TestAdminHasNoCORS: CORS is for the mocked APIs; the admin API answers
// a preflight or a read from another origin with no Access-Control header.
func TestAdminHasNoCORS(t *testing.T) {
	_, base := liveServer(t, WithAdminAccess(true, ""))
	for _, tt := range []struct{ method, path string }{
		{http.MethodOptions, "/__admin/reset"},
		{http.MethodOptions, "/__admin/requests"},
		{http.MethodGet, "/__admin/requests"},
		{http.MethodGet, "/__admin/state"},
		{http.MethodGet, "/__admin/ui"},
	} {
		resp, body := raw(t, base, tt.method, tt.path, "", "", "Origin", "http://evil.example",
			"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type")
		for k := range resp.Header {
			if strings.HasPrefix(k, "Access-Control-") {
				t.Errorf("%s %s: %s: %s", tt.method, tt.path, k, resp.Header.Get(k))
			}
		}
		if resp.StatusCode < 400 {
			t.Errorf("%s %s from another origin: %d %s", tt.method, tt.path, resp.StatusCode, body)
		}
	}
	resp, _ := raw(t, base, http.MethodOptions, tencentCreatePath, "", "", "Origin", "http://app.example",
		"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type")
	if resp.Header.Get("Access-Control-Allow-Origin") != "http://app.example" {
		t.Errorf("a mocked API's preflight: %d %v", resp.StatusCode, resp.Header)
	}
}
