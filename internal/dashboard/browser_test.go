package dashboard_test

// The dashboard in a real headless Chromium, driven with chromedp, against
// the mock started in-process on 127.0.0.1. Without a Chromium binary the
// tests skip, unless CHATMOCK_BROWSER_TEST=1 (as .ci/run sets it), where a
// missing Chromium fails them.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatmock/chatmock/mockserver"
	"github.com/chatmock/chatmock/mockserver/mocktest"
	"github.com/chatmock/chatmock/spec"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

const tencentCreate = "/v4/group_open_http_svc/create_group?sdkappid=88888888&identifier=admin&usersig=xxx&random=99999999&contenttype=json"

// browser is one headless Chromium for the package's tests, started by the
// first test that needs it; each test gets its own tab.
var browser struct {
	once   sync.Once
	ctx    context.Context
	cancel context.CancelFunc
	dir    string
	err    error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if browser.cancel != nil {
		browser.cancel()
	}
	if browser.dir != "" {
		os.RemoveAll(browser.dir)
	}
	os.Exit(code)
}

func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome-stable", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

func startBrowser(path string) error {
	dir, err := os.MkdirTemp("", "chatmock-chromium-")
	if err != nil {
		return err
	}
	browser.dir = dir
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		// Names for the pages of other sites in origin_test.go, one of
		// them rebound to the mock's own address as DNS rebinding does.
		chromedp.Flag("host-resolver-rules", "MAP attacker.test 127.0.0.1, MAP rebind.test 127.0.0.1"),
		chromedp.UserDataDir(dir),
	)
	ctx, cancel := chromedp.NewContext(alloc)
	browser.ctx = ctx
	browser.cancel = func() { cancel(); cancelAlloc() }
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }() // the first run starts the browser; it must have no deadline
	select {
	case err := <-started:
		return err
	case <-time.After(30 * time.Second):
		browser.cancel()
		return fmt.Errorf("%s did not start within 30 s", path)
	}
}

// newTab opens a tab, closed when the test ends, whose actions give up
// after 30 s.
func newTab(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("CHATMOCK_BROWSER_TEST") == "1" {
			t.Fatal("CHATMOCK_BROWSER_TEST=1 but no Chromium is on PATH (chromium, chromium-browser, google-chrome)")
		}
		t.Skip("no Chromium on PATH (chromium, chromium-browser, google-chrome): the browser test is skipped; " +
			".ci/run installs Debian's chromium and sets CHATMOCK_BROWSER_TEST=1, which makes a missing Chromium a failure")
	}
	browser.once.Do(func() { browser.err = startBrowser(path) })
	if browser.err != nil {
		t.Fatalf("starting %s: %v", path, browser.err)
	}
	tab, closeTab := chromedp.NewContext(browser.ctx)
	t.Cleanup(closeTab)
	if err := chromedp.Do(tab); err != nil { // opens the tab
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(tab, 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// startMock serves the bundled documents and rules on 127.0.0.1 and
// returns the mock and its base URL. With seen, each request is passed to
// seen first, on a server of its own in front of the mock's handler (the
// mocktest listener then goes unused).
func startMock(t *testing.T, seen func(*http.Request), opts ...mockserver.Option) (*mockserver.Server, string) {
	t.Helper()
	mock := mocktest.NewServer(t, append([]mockserver.Option{mockserver.WithSeed(1)}, opts...)...)
	if seen == nil {
		return mock.Mock, mock.URL
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen(r)
		mock.Mock.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return mock.Mock, srv.URL
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// waitFor polls a JavaScript predicate every 50 ms until it holds.
func waitFor(t *testing.T, ctx context.Context, what, js string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		page, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`['status', 'updated', 'message', 'notice', 'journal-count'].map((id) => id + ': ' + document.getElementById(id).textContent.trim())`))
		t.Fatalf("waiting for %s (%s): %v; the page shows %q", what, js, err, page)
	}
}

func texts(t *testing.T, ctx context.Context, selector string) []string {
	t.Helper()
	return eval[[]string](t, ctx, fmt.Sprintf(`[...document.querySelectorAll(%q)].map((e) => e.textContent)`, selector))
}

func text(t *testing.T, ctx context.Context, selector string) string {
	t.Helper()
	return eval[string](t, ctx, fmt.Sprintf(`document.querySelector(%q).textContent`, selector))
}

func get(t *testing.T, url string, header ...string) (int, string) {
	t.Helper()
	return send(t, http.MethodGet, url, "", header...)
}

func send(t *testing.T, method, url, body string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
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
	return resp.StatusCode, string(b)
}

func indent(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Indent(&b, []byte(s), "", "  "); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// screenshot saves what the tab shows to the test's temporary folder, or,
// for the README's (docs/dashboard.png), to docs/ with
// CHATMOCK_UPDATE_SCREENSHOT=1.
func screenshot(t *testing.T, ctx context.Context, name string, width, height int) {
	t.Helper()
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(shot))
	if err != nil || cfg.Width != width || cfg.Height != height {
		t.Fatalf("the screenshot is %dx%d (%v), want %dx%d", cfg.Width, cfg.Height, err, width, height)
	}
	path := filepath.Join(t.TempDir(), name)
	if name == "dashboard.png" && os.Getenv("CHATMOCK_UPDATE_SCREENSHOT") == "1" {
		path = filepath.Join("..", "..", "docs", name)
	}
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
}

// The walk-through: open the page, arm an error example for two
// calls (by keyboard), call the mock, see the entry with its error and open
// it, see a request that fails validation with its field, filter, remove
// the scenario; then check the page at a phone's width.
func TestDashboardArmSendRemove(t *testing.T) {
	s, base := startMock(t, nil, mockserver.WithAdminAccess(true, "")) // as serve on loopback: Host and origin checked
	// What the mock serves, for the page's counts and examples.
	set, err := spec.Load(context.Background(), spec.Bundled())
	if err != nil {
		t.Fatal(err)
	}
	ctx := newTab(t)
	do(t, ctx,
		chromedp.EmulateViewport(1280, 800),
		chromedp.Navigate(base+"/__admin/ui"),
		chromedp.WaitVisible(chromedp.CSS(`details[data-operation="create_group"]`)),
	)
	if got, want := text(t, ctx, "#status"), fmt.Sprintf("%d APIs, %d operations", len(set.Documents), len(set.Operations())); got != want {
		t.Errorf("status %q, want %q", got, want)
	}
	armByKeyboard(t, ctx, set, base)

	// A call the scenario answers, then one that fails validation.
	sent := `{"Owner_Account":"leckie","Type":"Public","Name":"TestGroup"}`
	status, answer := send(t, http.MethodPost, base+tencentCreate, sent)
	if status != 200 || answer != `{"ActionStatus":"FAIL","ErrorCode":10021,"ErrorInfo":"group id has be used!"}` {
		t.Fatalf("the armed call: %d %s", status, answer)
	}
	waitFor(t, ctx, "the first journal entry", `document.querySelectorAll('#journal > li').length === 1`)
	waitFor(t, ctx, "the budget to drop", `document.querySelector('#scenarios tbody td:nth-child(4)').textContent === '1 of 2'`)
	if _, bad := send(t, http.MethodPost, base+tencentCreate, `{"Type":"Public"}`); bad != `{"ActionStatus":"FAIL","ErrorCode":10004,"ErrorInfo":"Name is required"}` {
		t.Fatalf("the invalid call: %s", bad)
	}
	waitFor(t, ctx, "the second journal entry", `document.querySelectorAll('#journal > li').length === 2`)
	if got := text(t, ctx, "#scenarios tbody td:nth-child(4)"); got != "1 of 2" {
		t.Errorf("an invalid request spent the budget: %q", got)
	}
	checkEntries(t, ctx, s.Journal().Entries(), sent, answer)

	eval[bool](t, ctx, `window.scrollTo(0, 0), true`)
	screenshot(t, ctx, "dashboard.png", 1280, 800)

	checkFilters(t, ctx)
	removeByButton(t, ctx, base)

	// A phone's width: nothing overflows sideways, with an operation and
	// two entries open.
	// Not in mobile emulation, where Chromium widens the layout viewport to
	// fit whatever overflows (and the check would always pass): the
	// viewport stays the width asked for, and nothing may be wider.
	for _, width := range []int{320, 360, 390} {
		do(t, ctx, chromedp.EmulateViewport(int64(width), 844))
		waitFor(t, ctx, "the phone layout", `document.documentElement.clientWidth <= `+strconv.Itoa(width))
		if got := eval[[]int](t, ctx, `[document.documentElement.scrollWidth, document.documentElement.clientWidth]`); got[0] > got[1] {
			wide := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 5).map(e => e.tagName + "#" + e.id)`)
			t.Errorf("at %d px the page is %d px wide (%d px to show it); too wide: %v", width, got[0], got[1], wide)
		}
	}
	do(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	screenshot(t, ctx, "dashboard-phone.png", 390, 844)
}

// armByKeyboard arms create_group's example 10021 for two calls: it types
// 2, tabs to the example's Arm button and presses Enter.
func armByKeyboard(t *testing.T, ctx context.Context, set *spec.Set, base string) {
	t.Helper()
	var names []string
	for _, op := range set.Operations() {
		if op.ID == "create_group" {
			names = op.ExampleNames()
		}
	}
	const op = `details[data-operation="create_group"]`
	if got := texts(t, ctx, op+" tbody tr td:first-child"); !slices.Equal(got, names) {
		t.Errorf("create_group's examples on the page %v, want %v", got, names)
	}
	do(t, ctx,
		chromedp.Click(chromedp.CSS(op+" > summary")),
		chromedp.WaitVisible(chromedp.CSS(op+" input.times")),
		chromedp.SetValue(chromedp.CSS(op+" input.times"), "2"),
		chromedp.Focus(chromedp.CSS(op+" input.times")),
	)
	for range slices.Index(names, "10021") + 1 {
		do(t, ctx, chromedp.KeyEvent(kb.Tab))
	}
	if got := eval[string](t, ctx, `document.activeElement.getAttribute('aria-label')`); got != "Arm example 10021 of create_group" {
		t.Fatalf("focus after tabbing is on %q", got)
	}
	if got := eval[string](t, ctx, `getComputedStyle(document.activeElement).outlineStyle + ' ' + getComputedStyle(document.activeElement).outlineWidth`); got != "solid 3px" {
		t.Errorf("the focused button's outline is %q, want a visible one", got)
	}
	do(t, ctx, chromedp.KeyEvent(kb.Enter))
	waitFor(t, ctx, "the armed scenario", `document.querySelectorAll('#scenarios tbody tr').length === 1`)
	if got, want := texts(t, ctx, "#scenarios tbody td"), []string{"s1", "create_group", "example 10021", "2 of 2", "admin", "Remove"}; !slices.Equal(got, want) {
		t.Errorf("scenario row %q, want %q", got, want)
	}
	if got, want := text(t, ctx, "#message"), "Armed s1: the next 2 calls of create_group answer example 10021."; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	if _, body := get(t, base+"/__admin/scenarios"); body != `{"scenarios":[{"id":"s1","operation":"create_group","example":"10021","times":2,"remaining":2,"source":"admin"}]}`+"\n" {
		t.Errorf("the server's scenarios: %s", body)
	}
}

// checkEntries reads the two journal entries, newest first, then opens
// them: the bodies of the first, the failure and its field of the second.
func checkEntries(t *testing.T, ctx context.Context, entries []*mockserver.Entry, sent, answer string) {
	t.Helper()
	if len(entries) != 2 {
		t.Fatalf("%d journal entries, want 2", len(entries))
	}
	first, second := entries[0], entries[1]
	for _, tt := range []struct {
		e    *mockserver.Entry
		want []string
	}{
		{first, []string{
			"#1 " + first.Time.Format("15:04:05.000") + " POST /v4/group_open_http_svc/create_group 200",
			"tencent · create_group · scenario s1",
			answer,
		}},
		{second, []string{
			"#2 " + second.Time.Format("15:04:05.000") + " POST /v4/group_open_http_svc/create_group 200",
			"tencent · create_group · 1 validation failure",
			`{"ActionStatus":"FAIL","ErrorCode":10004,"ErrorInfo":"Name is required"}`,
		}},
	} {
		if got := texts(t, ctx, fmt.Sprintf(`#journal details[data-id="%d"] > summary > .line`, tt.e.ID)); !slices.Equal(got, tt.want) {
			t.Errorf("entry %d reads %q, want %q", tt.e.ID, got, tt.want)
		}
	}
	if got := texts(t, ctx, "#journal details"); len(got) != 2 || !strings.HasPrefix(got[0], "#2") {
		t.Errorf("the newest entry is not first: %q", got)
	}
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`#journal details[data-id="2"] > summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#journal details[data-id="2"] table.failures`)),
		chromedp.Click(chromedp.CSS(`#journal details[data-id="1"] > summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#journal details[data-id="1"] pre.response-body`)),
	)
	f := second.Failures[0]
	if got, want := texts(t, ctx, `#journal details[data-id="2"] table.failures tbody td`), []string{"/Name", "required", "schema", f.Detail}; !slices.Equal(got, want) {
		t.Errorf("failure row %q, want %q", got, want)
	}
	for sel, want := range map[string]string{
		`#journal details[data-id="1"] code.url`:          "POST " + first.URL,
		`#journal details[data-id="1"] pre.request-body`:  indent(t, sent),
		`#journal details[data-id="1"] pre.response-body`: indent(t, answer),
		`#journal details[data-id="1"] .failures-none`:    "The request passed validation.",
	} {
		if got := text(t, ctx, sel); got != want {
			t.Errorf("%s: %q, want %q", sel, got, want)
		}
	}
	if strings.Contains(first.URL, "usersig=xxx") {
		t.Errorf("the journal shows the credential: %s", first.URL)
	}
}

// checkFilters filters the journal by another API (nothing shows), then by
// status 200 (both entries show).
func checkFilters(t *testing.T, ctx context.Context) {
	t.Helper()
	set := func(id, value, event string) {
		t.Helper()
		eval[bool](t, ctx, fmt.Sprintf(`(() => { const e = document.getElementById(%q); e.value = %q; return e.dispatchEvent(new Event(%q)); })()`, id, value, event))
	}
	set("filter-api", "nexudus", "change")
	waitFor(t, ctx, "the nexudus filter", `document.querySelectorAll('#journal > li').length === 0 && document.getElementById('journal-count').textContent === 'No request matches these filters yet.'`)
	if got := texts(t, ctx, "#filter-operation option"); !slices.Equal(got, []string{"every operation", "createChatRoom", "getChatRoom"}) {
		t.Errorf("operations offered for nexudus: %q", got)
	}
	set("filter-api", "", "change")
	set("filter-status", "200", "input")
	waitFor(t, ctx, "both entries again", `document.querySelectorAll('#journal > li').length === 2`)
	set("filter-status", "", "input")
}

// removeByButton removes scenario s1 with its button.
func removeByButton(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	do(t, ctx, chromedp.Click(chromedp.CSS(`#scenarios button[data-scenario="s1"]`)))
	waitFor(t, ctx, "no scenario", `document.querySelectorAll('#scenarios tbody tr').length === 0 && !document.getElementById('scenarios-empty').hidden`)
	if got := text(t, ctx, "#scenarios-empty"); got != "No scenario is active." {
		t.Errorf("empty list says %q", got)
	}
	if got := eval[string](t, ctx, `document.activeElement.id`); got != "scenarios-heading" {
		t.Errorf("focus after removing went to %q", got)
	}
	if _, body := get(t, base+"/__admin/scenarios"); body != `{"scenarios":[]}`+"\n" {
		t.Errorf("the server's scenarios after removing: %s", body)
	}
}

// With a token configured, the page asks for it, says when it is refused,
// and once given every admin call carries it.
func TestDashboardAsksForTheToken(t *testing.T) {
	var mu sync.Mutex
	var calls []string // "path Authorization" of each admin data call
	seen := func(r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/__admin/") {
			mu.Lock()
			calls = append(calls, r.URL.Path+" "+r.Header.Get("Authorization"))
			mu.Unlock()
		}
	}
	_, base := startMock(t, seen, mockserver.WithAdminAccess(false, "s3cret"))
	ctx := newTab(t)
	const asks = "the admin API needs Authorization: Bearer <the --admin-token>"
	do(t, ctx,
		chromedp.Navigate(base+"/__admin/ui"),
		chromedp.WaitVisible(chromedp.CSS("#token-form")),
	)
	if got := text(t, ctx, "#token-why"); got != "The server answered: "+asks {
		t.Errorf("the page says %q", got)
	}
	if !eval[bool](t, ctx, `document.getElementById('main').hidden`) {
		t.Error("the data sections show before the token is given")
	}
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#token"), "wrong"),
		chromedp.Click(chromedp.CSS(`#token-form button[type="submit"]`)),
	)
	waitFor(t, ctx, "the refusal", fmt.Sprintf(`document.getElementById('token-why').textContent === %q`, "The server refused the token given: "+asks))
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#token"), "s3cret"),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`details[data-operation="create_group"]`)),
	)
	waitFor(t, ctx, "a poll", `document.getElementById('updated').textContent.startsWith('Live: updated at ')`)
	if got := eval[string](t, ctx, `sessionStorage.getItem('chatmock.adminToken')`); got != "s3cret" {
		t.Errorf("sessionStorage holds %q", got)
	}
	if eval[bool](t, ctx, `document.getElementById('forget-token').hidden || !document.getElementById('token-form').hidden`) {
		t.Error("after the token: the forget button should show and the form hide")
	}
	mu.Lock()
	defer mu.Unlock()
	var auth []string // the Authorization values of data calls, in the order first seen
	for _, c := range calls {
		path, a, _ := strings.Cut(c, " ")
		if strings.HasPrefix(path, "/__admin/ui") {
			if a != "" {
				t.Errorf("a static file was asked for with %q", a)
			}
			continue
		}
		if !slices.Contains(auth, a) {
			auth = append(auth, a)
		}
		if len(auth) == 3 && a != "Bearer s3cret" {
			t.Errorf("a call after the token was given: %s", c)
		}
	}
	if want := []string{"", "Bearer wrong", "Bearer s3cret"}; !slices.Equal(auth, want) {
		t.Errorf("admin calls carried %q, want %q", auth, want)
	}
	for _, path := range []string{"/__admin/health", "/__admin/operations", "/__admin/requests", "/__admin/scenarios", "/__admin/state"} {
		if !slices.Contains(calls, path+" Bearer s3cret") {
			t.Errorf("no %s with the token among %q", path, calls)
		}
	}
}

// With the admin API off, the page says why nothing loads.
func TestDashboardSaysWhyTheAdminAPIIsOff(t *testing.T) {
	_, base := startMock(t, nil, mockserver.WithAdminAccess(false, ""))
	status, body := get(t, base+"/__admin/health")
	var problem struct{ Detail string }
	if err := json.Unmarshal([]byte(body), &problem); status != http.StatusForbidden || err != nil || problem.Detail == "" {
		t.Fatalf("health with the admin API off: %d %s", status, body)
	}
	ctx := newTab(t)
	do(t, ctx,
		chromedp.Navigate(base+"/__admin/ui"),
		chromedp.WaitVisible(chromedp.CSS("#notice")),
	)
	for sel, want := range map[string]string{
		"#notice-title":  "The admin API is off",
		"#notice-detail": problem.Detail,
		"#status":        "Nothing is shown. The admin API is off.",
	} {
		if got := text(t, ctx, sel); got != want {
			t.Errorf("%s: %q, want %q", sel, got, want)
		}
	}
	if got := eval[[]bool](t, ctx, `[document.getElementById('main').hidden, document.getElementById('token-form').hidden]`); !slices.Equal(got, []bool{true, true}) {
		t.Errorf("main and token form hidden: %v", got)
	}
}
