package dashboard_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatmock/chatmock/mockserver"
	"github.com/chromedp/chromedp"
)

// attackerPage is a page of another origin that tries every way a page
// has to read or change the admin API of a mock on loopback: reads with
// and without CORS, simple writes a browser sends without asking
// (text/plain, no body, a beacon, a text/plain form whose body is JSON),
// and writes that need a preflight. Each attempt reports what the page got.
const attackerPage = `<!doctype html><title>elsewhere</title>
<iframe name="sink"></iframe>
<form id="json" method="POST" target="sink" enctype="text/plain"><input name='{"operation":"create_group","example":"10021","times":3,"x":"' value='"}'></form>
<script>
async function attempt(name, f) {
  try { return name + ': ' + await f(); } catch (e) { return name + ': ' + e.name; }
}
function read(r) { return r.type === 'opaque' ? 'opaque' : r.text().then((t) => 'read ' + r.status + ' ' + t); }
function submit(form, action) {
  return new Promise((resolve) => {
    document.querySelector('iframe').onload = () => resolve('sent');
    form.action = action;
    form.submit();
  });
}
window.attack = async (mock) => {
  const scenario = JSON.stringify({operation: 'create_group', example: '10021', times: 3});
  return [
    await attempt('read the journal', () => fetch(mock + '/__admin/requests').then(read)),
    await attempt('read the store with credentials', () => fetch(mock + '/__admin/state', {credentials: 'include'}).then(read)),
    await attempt('read the journal without CORS', () => fetch(mock + '/__admin/requests', {mode: 'no-cors'}).then(read)),
    await attempt('arm as text/plain', () => fetch(mock + '/__admin/scenarios', {method: 'POST', mode: 'no-cors', headers: {'Content-Type': 'text/plain'}, body: scenario}).then(read)),
    await attempt('reset without a body', () => fetch(mock + '/__admin/reset', {method: 'POST', mode: 'no-cors'}).then(read)),
    await attempt('reset as JSON', () => fetch(mock + '/__admin/reset', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{}'}).then(read)),
    await attempt('reset with the header', () => fetch(mock + '/__admin/reset', {method: 'POST', headers: {'X-Chatmock-Admin': '1'}}).then(read)),
    await attempt('empty the journal', () => fetch(mock + '/__admin/requests', {method: 'DELETE'}).then(read)),
    await attempt('reset by beacon', () => navigator.sendBeacon(mock + '/__admin/reset', 'x') ? 'queued' : 'refused'),
    await attempt('arm by a form', () => submit(document.getElementById('json'), mock + '/__admin/scenarios')),
  ];
};
</script>`

// TestPageOnAnotherOriginReachesNothing: a page of another site
// (attacker.test) and one of another port of 127.0.0.1 (same site, another
// origin) run attackerPage against a mock on loopback; they read nothing,
// and the journal, the store and the scenarios are as they were. Then a
// page on a name rebound to the mock's address (rebind.test, the mock's
// own port: the browser takes it for the mock's origin) is answered only
// the Host refusal.
func TestPageOnAnotherOriginReachesNothing(t *testing.T) {
	var mu sync.Mutex
	var reached []string // "METHOD path Content-Type Origin" of each admin request that reached the mock
	beacons := make(chan struct{}, 4)
	seen := func(r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/__admin/") {
			return
		}
		mu.Lock()
		reached = append(reached, fmt.Sprintf("%s %s %s %s %s", r.Method, r.URL.Path, r.Header.Get("Content-Type"), r.Header.Get("Origin"), r.Header.Get("X-Chatmock-Admin")))
		mu.Unlock()
		if r.Method == http.MethodPost && r.URL.Path == "/__admin/reset" && strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
			beacons <- struct{}{}
		}
	}
	s, base := startMock(t, seen, mockserver.WithAdminAccess(true, ""))
	const secret = `{"Owner_Account":"leckie","Type":"Public","Name":"secret-room"}`
	if status, body := send(t, http.MethodPost, base+tencentCreate, secret); status != 200 || !strings.Contains(body, `"ActionStatus":"OK"`) {
		t.Fatalf("the create: %d %s", status, body)
	}
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, attackerPage)
	}))
	t.Cleanup(page.Close)
	_, pagePort, _ := strings.Cut(strings.TrimPrefix(page.URL, "http://"), ":")
	mockURL, _ := url.Parse(base)

	want := []string{
		"read the journal: TypeError",
		"read the store with credentials: TypeError",
		"read the journal without CORS: opaque",
		"arm as text/plain: opaque",
		"reset without a body: opaque",
		"reset as JSON: TypeError",
		"reset with the header: TypeError",
		"empty the journal: TypeError",
		"reset by beacon: queued",
		"arm by a form: sent",
	}
	for _, origin := range []string{"http://attacker.test:" + pagePort, "http://127.0.0.1:" + pagePort} {
		ctx := newTab(t)
		do(t, ctx, chromedp.Navigate(origin+"/"))
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](fmt.Sprintf(`attack(%q)`, base), chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("%s: %v", origin, err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("the page of %s got:\n%s\nwant:\n%s", origin, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		select {
		case <-beacons:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: the beacon never reached the mock", origin)
		}
	}

	// What reached the mock: simple requests only; no write a preflight
	// guards (JSON, the header, DELETE) was ever sent.
	mu.Lock()
	for _, r := range reached {
		if strings.Contains(r, "application/json") || strings.HasSuffix(r, " 1") || strings.HasPrefix(r, "DELETE ") {
			t.Errorf("a preflighted request reached the mock: %s", r)
		}
	}
	mu.Unlock()
	if entries := s.Journal().Entries(); len(entries) != 1 || !strings.Contains(entries[0].RequestBody, "secret-room") {
		t.Errorf("the journal changed: %d entries", len(entries))
	}
	if _, state := get(t, base+"/__admin/state"); !strings.Contains(state, "secret-room") {
		t.Errorf("the store changed: %s", state)
	}
	if _, list := get(t, base+"/__admin/scenarios"); list != `{"scenarios":[]}`+"\n" {
		t.Errorf("a scenario was armed: %s", list)
	}

	// DNS rebinding: the browser takes rebind.test:port for the mock's
	// origin, so it lets the page read what it is answered; the mock
	// answers only the Host refusal.
	ctx := newTab(t)
	rebound := "http://rebind.test:" + mockURL.Port()
	do(t, ctx, chromedp.Navigate(rebound+"/__admin/ui"))
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Promise.all([
		fetch('/__admin/requests').then((r) => r.status + ' ' + r.headers.get('Content-Type')),
		fetch('/__admin/reset', {method: 'POST', headers: {'X-Chatmock-Admin': '1'}}).then((r) => r.status + ''),
		fetch('/__admin/state').then((r) => r.text()),
		Promise.resolve(document.body.textContent),
	])`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	var refusal struct {
		Status int
		Detail string
	}
	if err := json.Unmarshal([]byte(got[2]), &refusal); err != nil || got[0] != "403 application/problem+json" || got[1] != "403" ||
		refusal.Status != 403 || !strings.HasSuffix(refusal.Detail, "--allowed-host rebind.test") || !strings.Contains(got[3], "--allowed-host rebind.test") {
		t.Errorf("the rebound page got %q", got)
	}
	if _, state := get(t, base+"/__admin/state"); !strings.Contains(state, "secret-room") {
		t.Errorf("the store changed after the rebound page: %s", state)
	}
}
