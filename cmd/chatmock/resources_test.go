package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

const roomsDoc = "../../mockserver/testdata/rooms.yaml"

func getJSON(t *testing.T, url string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	status, body, _ := strings.Cut(answer(t, http.DefaultClient, req), " ")
	var v map[string]any
	_ = json.Unmarshal([]byte(body), &v)
	n, _ := strconv.Atoi(status)
	return n, v
}

// A resource inferred from a document's paths is kept by --state across a
// restart like a declared one.
func TestServeKeepsInferredState(t *testing.T) {
	file := t.TempDir() + "/state.json"
	base, stop := startServe(t, "--spec", roomsDoc, "--state", file)
	resp, err := http.Post(base+"/rooms", "application/json", strings.NewReader(`{"name":"kept"}`))
	if err != nil {
		t.Fatal(err)
	}
	var room map[string]any
	json.NewDecoder(resp.Body).Decode(&room)
	resp.Body.Close()
	id, _ := room["id"].(string)
	if resp.StatusCode != 201 || id == "" {
		t.Fatalf("create: %d %v", resp.StatusCode, room)
	}
	if code := stop(); code != exitOK {
		t.Fatalf("serve exited %d", code)
	}
	base, stop = startServe(t, "--spec", roomsDoc, "--state", file)
	defer stop()
	if st, v := getJSON(t, base+"/rooms/"+id); st != 200 || v["name"] != "kept" {
		t.Errorf("after a restart: %d %v", st, v)
	}
}

// --stateless answers the documented examples.
func TestServeStateless(t *testing.T) {
	base, stop := startServe(t, "--spec", roomsDoc, "--stateless")
	defer stop()
	if st, v := getJSON(t, base+"/rooms/RM0000abcd"); st != 200 || v["id"] == nil {
		t.Errorf("stateless read of a room never made: %d %v", st, v)
	}
}

// lint --explain prints the model, an overlay's declarations included.
func TestLintExplain(t *testing.T) {
	code, out, errs := runCLI("lint", "--explain", roomsDoc)
	if code != exitOK || !strings.HasPrefix(out, "rooms: resource rooms (inferred from /rooms)\n  keyed by id in id, new ids match ^RM[0-9a-f]{8}$\n") ||
		!strings.Contains(out, "rooms: resource messages (inferred from /rooms/{roomId}/messages)\n  keyed by id in id, under rooms, new ids count up\n") {
		t.Fatalf("lint --explain: %d\n%s%s", code, out, errs)
	}
	code, out, errs = runCLI("lint", "--explain", "--overlay", "../../mockserver/testdata/rocketchat-channels.overlay.yaml",
		"../../../shared/corpus/rocketchat-rooms/rooms.yaml")
	want := "rooms: resource channels (declared with x-chatmock-resource)\n" +
		"  keyed by id in _id, new ids are shaped like ByehQjC44FwMeiLbX\n" +
		"  create   POST   /api/v1/channels.create  (post-api-v1-channels.create): object in channel\n" +
		"  read     GET    /api/v1/channels.info  (get-api-v1-channels.info): object in channel, key {{query.roomId}}\n"
	if code != exitOK || !strings.HasPrefix(out, want) {
		t.Fatalf("lint --explain --overlay: %d\n%s%s\nwant it to start with\n%s", code, out, errs, want)
	}
	if code, _, errs := runCLI("lint", "--explain", "--overlay", "no-such.yaml", roomsDoc); code != exitUsage || !strings.Contains(errs, "no-such.yaml") {
		t.Errorf("a missing overlay: %d %s", code, errs)
	}
}

// Credentials generically: with none given, the operations that need them
// are skipped and the summary's first line says so; --auth names a scheme
// of the documents; --header is never overwritten by a case's own
// credential (but stays out of the cases that leave a credential out).
func TestTestCredentialsGenerically(t *testing.T) {
	const twilio = "../../../shared/corpus/twilio-chat-v2/spec/yaml/twilio_chat_v2.yaml"
	base, stop := startServe(t, "--spec", twilio)
	defer stop()
	code, stdout, stderr := runCLI("test", "--target", base, "--spec", twilio, "--operation", "CreateService")
	summary := stdout[strings.Index(stdout, "\nMISSING")+1:]
	if code != exitOK || !strings.HasPrefix(summary, "MISSING CREDENTIALS: 1 operations need accountSid_authToken, which no flag gave: their cases are skipped") {
		t.Fatalf("without credentials: %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = runCLI("test", "--target", base, "--spec", twilio, "--operation", "CreateService", "--auth", "accountSid_authToken=AC1:tok")
	if code != exitOK || strings.Contains(stdout, "MISSING") || !regexp.MustCompile(`TOTAL\s+\d+\s+0\s+0`).MatchString(stdout) {
		t.Fatalf("--auth: %d\n%s%s", code, stdout, stderr)
	}
	if code, _, stderr := runCLI("test", "--target", base, "--spec", twilio, "--auth", "token=x"); code != exitUsage ||
		!strings.Contains(stderr, "--auth token: the documents have no security scheme token (they have: accountSid_authToken)") {
		t.Fatalf("an unknown scheme: %d %s", code, stderr)
	}

	var mu sync.Mutex
	seen := map[string]bool{}
	u, _ := url.Parse(base)
	proxy := httputil.NewSingleHostReverseProxy(u)
	rec := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.Header.Get("Authorization")] = true
		mu.Unlock()
		proxy.ServeHTTP(w, r)
	}))
	defer rec.Close()
	code, stdout, stderr = runCLI("test", "--target", rec.URL, "--spec", twilio, "--operation", "CreateService",
		"--basic", "case:secret", "--header", "Authorization: Basic bWluZTptaW5l")
	mu.Lock()
	defer mu.Unlock()
	if code != exitOK || seen["Basic Y2FzZTpzZWNyZXQ="] || !seen["Basic bWluZTptaW5l"] || !seen[""] {
		t.Fatalf("--header: %d, Authorization seen %v\n%s%s", code, seen, stdout, stderr)
	}
}

// --shard K/N splits a run for a CI matrix, each case in one shard, and
// --merge joins the shards' JSON reports into the whole run's summary and
// JUnit report.
func TestTestShardsMerge(t *testing.T) {
	base, stop := startServe(t, "--seed", "1")
	defer stop()
	dir := t.TempDir()
	creds := []string{"--tencent-sdkappid", "88888888", "--tencent-identifier", "admin", "--tencent-usersig", "x", "--nexudus-token", "t"}
	var reports []string
	total := 0
	for k := 1; k <= 3; k++ {
		out := fmt.Sprintf("%s/shard%d.json", dir, k)
		code, stdout, stderr := runCLI(append([]string{"test", "--target", base, "--shard", fmt.Sprintf("%d/3", k), "--json", out}, creds...)...)
		m := regexp.MustCompile(`shard \d/3: (\d+) of the (\d+) cases selected`).FindStringSubmatch(stdout)
		if code != exitOK || m == nil {
			t.Fatalf("shard %d: %d\n%s%s", k, code, stdout, stderr)
		}
		n, _ := strconv.Atoi(m[1])
		total += n
		reports = append(reports, out)
	}
	code, stdout, stderr := runCLI(append([]string{"test", "--merge", "--junit", dir + "/all.xml"}, reports...)...)
	want := regexp.MustCompile(`TOTAL\s+` + strconv.Itoa(total) + `\s+0\s+0`)
	if code != exitOK || !want.MatchString(stdout) {
		t.Fatalf("merge: %d\n%s%s", code, stdout, stderr)
	}
	if code, _, stderr := runCLI("test", "--target", base, "--shard", "0/3"); code != exitUsage || !strings.Contains(stderr, "--shard \"0/3\": want K/N") {
		t.Errorf("a bad shard: %d %s", code, stderr)
	}
	if code, _, stderr := runCLI("test", "--merge", dir+"/missing.json"); code != exitUsage || !strings.Contains(stderr, "missing.json") {
		t.Errorf("a missing report: %d %s", code, stderr)
	}
}
