package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		args      []string
		code      int
		stdoutHas string
		stderrHas string
	}{
		{nil, exitUsage, "", "Commands:"},
		{[]string{"nope"}, exitUsage, "", `unknown command "nope"`},
		{[]string{"--help"}, exitOK, "Commands:", ""},
		{[]string{"routes", "--bogus"}, exitUsage, "", "flag provided but not defined: -bogus"},
		{[]string{"routes", "extra"}, exitUsage, "", `unexpected argument "extra"`},
		{[]string{"routes", "--spec", "testdata/none.yaml"}, exitUsage, "", "no such file or directory"},
		{[]string{"lint"}, exitOK, "4 documents, 15 operations,", ""},
		{[]string{"lint", "../../internal/lint/testdata/over-long-bytes.yaml"}, exitProblems,
			"../../internal/lint/testdata/over-long-bytes.yaml: /paths/~1groups/post/requestBody/content/application~1json/examples/eleven/value/Name: maxBytes: got 33 bytes of UTF-8, want at most 30\n",
			"chatmock lint: 1 problem(s) found"},
		{[]string{"routes", "--spec", "../../internal/lint/testdata/missing-operationid.yaml"}, exitOK, "POST /groups", "warning: operation POST /groups has no operationId: it is named \"POST /groups\""},
		{[]string{"routes", "--strict", "--spec", "../../internal/lint/testdata/missing-operationid.yaml"}, exitProblems, "", "has no operationId"},
		{[]string{"version"}, exitOK, "chatmock ", ""},
		{[]string{"serve", "--max-body", "lots"}, exitUsage, "", "--max-body"},
		{[]string{"serve", "--log-format", "xml"}, exitUsage, "", "--log-format must be text or json"},
		{[]string{"serve", "--addr", "256.0.0.1:99999"}, exitProblems, "", "listen"},
		{[]string{"test"}, exitUsage, "", "--target is required"},
		{[]string{"test", "--target", "ftp://x"}, exitUsage, "", "is not an http(s) URL"},
		{[]string{"test", "--target", "http://127.0.0.1:9", "--api", "nexudus"}, exitUsage, "", "the target http://127.0.0.1:9 cannot be reached"},
		{[]string{"test", "--target", "http://127.0.0.1:9", "--api", "bogus"}, exitUsage, "", "--api bogus: the documents have no such API (they have: aspnet, jsonapi, nexudus, tencent)"},
		{[]string{"test", "--target", "http://127.0.0.1:9", "--operation", "nope"}, exitUsage, "", "--operation nope: the documents have no such operationId"},
		{[]string{"test", "--target", "http://127.0.0.1:9", "--include", "bogus"}, exitUsage, "", "--include bogus: the documents have no such tag (they have: generated, negative, positive, stateful)"},
		{[]string{"test", "--target", "http://127.0.0.1:9", "--api", "nexudus", "--operation", "create_group"}, exitUsage, "", "the selection (--api, --operation, --include, --exclude) leaves no case to send"},
		{[]string{"test", "--target", "http://127.0.0.1:9", "--checks", "not_a_server_eror"}, exitUsage, "", `no check is called "not_a_server_eror"; the checks are not_a_server_error, status_code_conformance,`},
		{[]string{"test", "--target", "http://127.0.0.1:9", "--checks", "use_after_free", "--exclude-checks", "use_after_free"}, exitUsage, "", "leave no check to run"},
		{[]string{"test", "--list-checks"}, exitOK, "response_schema_conformance   the body conforms to the documented schema\n", ""},
		{[]string{"test", "--target", "http://127.0.0.1:9", "--rate", "fast"}, exitUsage, "", `--rate "fast": want N/s`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
			if !strings.Contains(stdout, tt.stdoutHas) {
				t.Errorf("stdout %q does not contain %q", stdout, tt.stdoutHas)
			}
			if !strings.Contains(stderr, tt.stderrHas) {
				t.Errorf("stderr %q does not contain %q", stderr, tt.stderrHas)
			}
		})
	}
}

func TestEveryCommandHasHelp(t *testing.T) {
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(c.name, "--help")
			if code != exitOK || !strings.HasPrefix(stdout, "Usage: chatmock "+c.name) || stderr != "" {
				t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
			}
		})
	}
}

func TestRoutesListsTheSeedOperationsAndTheReads(t *testing.T) {
	code, stdout, _ := runCLI("routes")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	want := []string{
		"API      METHOD  PATH                                                    OPERATION                               REQUEST MEDIA TYPES",
		"aspnet   POST    /api/chat/v2/create_group                               createChatGroup                         application/json, application/x-www-form-urlencoded, application/xml, text/json, text/xml",
		"jsonapi  POST    /api/v2/message-groups                                  createMessageGroup                      application/vnd.api+json",
		"jsonapi  GET     /api/v2/message-groups/{id}                             getMessageGroup                         -",
		"jsonapi  GET     /api/v2/message-groups/{id}/accounts                    getMessageGroupAccounts                 -",
		"jsonapi  GET     /api/v2/message-groups/{id}/last-message                getMessageGroupLastMessage              -",
		"jsonapi  GET     /api/v2/message-groups/{id}/messages                    getMessageGroupMessages                 -",
		"jsonapi  GET     /api/v2/message-groups/{id}/relationships/accounts      getMessageGroupAccountsRelationship     -",
		"jsonapi  GET     /api/v2/message-groups/{id}/relationships/last-message  getMessageGroupLastMessageRelationship  -",
		"jsonapi  GET     /api/v2/message-groups/{id}/relationships/messages      getMessageGroupMessagesRelationship     -",
		"nexudus  POST    /api/support/chatrooms                                  createChatRoom                          application/json",
		"nexudus  GET     /api/support/chatrooms/{id}                             getChatRoom                             -",
		"tencent  POST    /v4/group_open_http_svc/create_group                    create_group                            application/json",
		"tencent  POST    /v4/group_open_http_svc/destroy_group                   destroy_group                           application/json",
		"tencent  POST    /v4/group_open_http_svc/get_appid_group_list            get_appid_group_list                    application/json",
		"tencent  POST    /v4/group_open_http_svc/get_group_info                  get_group_info                          application/json",
	}
	if got := strings.TrimSuffix(stdout, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("routes:\n%s\nwant:\n%s", stdout, strings.Join(want, "\n"))
	}
}

// serve listens at once, answers /__admin/health, and stops cleanly when
// its context ends.
func TestServeStartsAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &syncBuffer{}
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--seed", "7"}, out, io.Discard) }()
	var base string
	for i := 0; i < 200 && base == ""; i++ {
		if m := regexp.MustCompile(`on (http://127\.0\.0\.1:\d+)`).FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		}
		time.Sleep(10 * time.Millisecond)
	}
	if base == "" {
		t.Fatalf("serve printed no address: %q", out.String())
	}
	resp, err := http.Get(base + "/__admin/health")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"status":"ready"`) {
		t.Errorf("health: %d %s", resp.StatusCode, body)
	}
	if !strings.Contains(out.String(), "serving 15 operations of 4 documents") {
		t.Errorf("stdout: %q", out.String())
	}
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("serve exited %d after its context ended", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// --dry-run lists the cases and sends no request.
func TestTestDryRunSendsNothing(t *testing.T) {
	var mu sync.Mutex
	hits := 0
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits++
		mu.Unlock()
	}))
	defer target.Close()
	code, stdout, stderr := runCLI("test", "--target", target.URL, "--dry-run", "--api", "tencent", "--tencent-usersig", "TOPSECRET")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	m := regexp.MustCompile(`(?m)^(\d+) cases, none sent \(--dry-run\)$`).FindStringSubmatch(stdout)
	if m == nil || len(m[1]) < 2 || !strings.Contains(stdout, "tencent/create_group/negative/x-max-bytes-Name") || strings.Contains(stdout, "TOPSECRET") {
		t.Errorf("stdout:\n%s", stdout)
	}
	mu.Lock()
	defer mu.Unlock()
	if hits != 0 {
		t.Errorf("--dry-run sent %d requests", hits)
	}
}

// startServe runs serve in the background and returns its base URL and a
// stop function that waits for it to exit.
func startServe(t *testing.T, args ...string) (string, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan int, 1)
	go func() { done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), out, io.Discard) }()
	for i := 0; i < 300; i++ {
		if m := regexp.MustCompile(`on (http://127\.0\.0\.1:\d+)`).FindStringSubmatch(out.String()); m != nil {
			return m[1], func() int {
				cancel()
				select {
				case code := <-done:
					return code
				case <-time.After(10 * time.Second):
					t.Fatal("serve did not stop")
					return -1
				}
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	t.Fatalf("serve printed no address: %q", out.String())
	return "", nil
}

// --state keeps what was created across a restart.
func TestServeStateSurvivesRestart(t *testing.T) {
	file := t.TempDir() + "/state.json"
	base, stop := startServe(t, "--state", file)
	q := "/v4/group_open_http_svc/create_group?sdkappid=1&identifier=admin&usersig=x&random=1&contenttype=json"
	resp, err := http.Post(base+q, "application/json", strings.NewReader(`{"Type":"Public","Name":"kept","GroupId":"Kept1"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if code := stop(); code != exitOK {
		t.Fatalf("serve exited %d", code)
	}
	base, stop = startServe(t, "--state", file)
	defer stop()
	resp, err = http.Post(base+q, "application/json", strings.NewReader(`{"Type":"Public","Name":"again","GroupId":"Kept1"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != `{"ActionStatus":"FAIL","ErrorCode":10025,"ErrorInfo":"group id has be used by youself!"}` {
		t.Errorf("after a restart the group should still hold its ID: %s", body)
	}
}

// A state that cannot be saved when serve stops is an error (exit 1), not
// a line in the log: what was created would be lost.
func TestServeFailsWhenTheStateCannotBeSaved(t *testing.T) {
	dir := t.TempDir() + "/gone"
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	base, stop := startServe(t, "--state", dir+"/state.json")
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	q := "/v4/group_open_http_svc/create_group?sdkappid=1&identifier=admin&usersig=x&random=1&contenttype=json"
	resp, err := http.Post(base+q, "application/json", strings.NewReader(`{"Type":"Public","Name":"lost","GroupId":"Lost1"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if code := stop(); code != exitProblems {
		t.Fatalf("serve exited %d, want %d", code, exitProblems)
	}
}

func TestServeRefusesACorruptStateFile(t *testing.T) {
	file := t.TempDir() + "/state.json"
	if err := os.WriteFile(file, []byte("{not state"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI("serve", "--addr", "127.0.0.1:0", "--state", file)
	b, _ := os.ReadFile(file)
	if code != exitProblems || !strings.Contains(stderr, "is not a chatmock state file") || string(b) != "{not state" {
		t.Errorf("exit %d, stderr %q, file now %q", code, stderr, b)
	}
}

func TestServeRefusesABadRuleFile(t *testing.T) {
	code, _, stderr := runCLI("serve", "--addr", "127.0.0.1:0", "--rules", "../../internal/rules/testdata/typo-key.yaml")
	if code != exitProblems || !strings.Contains(stderr, `typo-key.yaml: line 6 (/rules/0/when/0/equls): unknown key "equls"`) {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func post(t *testing.T, url, body string, header ...string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

const tencentCreate = "/v4/group_open_http_svc/create_group?sdkappid=1&identifier=admin&usersig=x&random=1&contenttype=json"

func TestServeArmsScenarioFiles(t *testing.T) {
	base, stop := startServe(t, "--scenarios", "../../fixtures/scenarios/tencent-duplicate-ids.yaml")
	defer stop()
	var codes []string
	for range 4 {
		b := post(t, base+tencentCreate, `{"Type":"Public","Name":"g"}`)
		codes = append(codes, regexp.MustCompile(`"ErrorCode":(\d+)`).FindStringSubmatch(b)[1])
	}
	if strings.Join(codes, " ") != "10021 10021 10021 0" {
		t.Errorf("codes %v", codes)
	}
}

// --watch reloads a changed document and keeps the store; a broken one
// keeps the previous version serving.
func TestServeWatchReloads(t *testing.T) {
	dir := t.TempDir()
	doc, err := os.ReadFile("../../openapi/tencent-im.yaml")
	if err != nil {
		t.Fatal(err)
	}
	file := dir + "/tencent-im.yaml"
	if err := os.WriteFile(file, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	base, stop := startServe(t, "--spec", dir, "--watch")
	defer stop()
	if b := post(t, base+tencentCreate, `{"Type":"Public","Name":"g","GroupId":"Kept"}`); !strings.Contains(b, `"GroupId":"Kept"`) {
		t.Fatalf("create: %s", b)
	}
	changed := strings.Replace(string(doc), "group id has be used by youself!", "group id has be used by youself (reloaded)!", 1)
	if err := os.WriteFile(file, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	want := `{"ActionStatus":"FAIL","ErrorCode":10025,"ErrorInfo":"group id has be used by youself (reloaded)!"}`
	var got string
	for i := 0; i < 200 && got != want; i++ { // up to 20 s: a busy CI machine reloads slowly
		time.Sleep(100 * time.Millisecond)
		got = post(t, base+tencentCreate, `{"Type":"Public","Name":"g","GroupId":"Kept"}`)
	}
	if got != want {
		t.Fatalf("after the change (the store kept, the new text served): %s", got)
	}
	if err := os.WriteFile(file, []byte("openapi: [broken"), 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1 * time.Second)
	if got := post(t, base+tencentCreate, `{"Type":"Public","Name":"g","GroupId":"Kept"}`); got != want {
		t.Errorf("a broken document should leave the previous version serving: %s", got)
	}
}

// chatmock test against the bundled mock: every case passes, with a JUnit
// report a JUnit parser reads, and no secret in any output.
func TestTestAgainstTheMock(t *testing.T) {
	base, stop := startServe(t, "--seed", "1")
	defer stop()
	dir := t.TempDir()
	code, stdout, stderr := runCLI("test", "--target", base, "--junit", dir+"/junit.xml", "--json", dir+"/report.json",
		"--tencent-sdkappid", "88888888", "--tencent-identifier", "admin", "--tencent-usersig", "TOPSECRET", "--nexudus-token", "TOPSECRET")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !regexp.MustCompile(`TOTAL\s+1\d\d\s+0\s+0`).MatchString(stdout) {
		t.Errorf("summary:\n%s", stdout)
	}
	// Again, on the same mock: what the first run created is still there, and
	// the new resources get keys like 11 that the answers do not contain by
	// chance.
	for run := 2; run <= 3; run++ {
		if code, stdout, stderr := runCLI("test", "--target", base, "--tencent-sdkappid", "88888888", "--tencent-identifier", "admin",
			"--tencent-usersig", "TOPSECRET", "--nexudus-token", "TOPSECRET"); code != exitOK {
			t.Fatalf("run %d: exit %d\n%s\n%s", run, code, stdout, stderr)
		}
	}
	b, err := os.ReadFile(dir + "/junit.xml")
	if err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name string `xml:"name,attr"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b, &suites); err != nil || suites.Tests < 150 || suites.Failures != 0 || len(suites.Suites) != 4 {
		t.Errorf("JUnit: %v, %+v", err, suites)
	}
	js, _ := os.ReadFile(dir + "/report.json")
	for _, out := range []string{stdout, string(b), string(js)} {
		if strings.Contains(out, "TOPSECRET") {
			t.Error("a secret reached a report")
		}
	}
}

// --cleanup deletes what the run created, where the API has a delete.
func TestTestCleanup(t *testing.T) {
	base, stop := startServe(t)
	defer stop()
	code, stdout, stderr := runCLI("test", "--target", base, "--api", "tencent", "--cleanup",
		"--tencent-sdkappid", "1", "--tencent-identifier", "admin", "--tencent-usersig", "s")
	if code != exitOK || !regexp.MustCompile(`cleanup: [1-9]\d* created resources deleted, 0 kept`).MatchString(stdout) {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	resp, err := http.Get(base + "/__admin/state")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(b), `"tencent"`) {
		t.Errorf("groups left after --cleanup: %s", b)
	}
}
