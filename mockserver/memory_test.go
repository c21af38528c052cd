package mockserver

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/chatmock/chatmock/internal/store"
)

// bigBody is a body of about 1 MB (under the default --max-body) that
// repeats item between head and tail.
func bigBody(head, item, tail string) string {
	n := (1_000_000 - len(head) - len(tail)) / (len(item) + 1)
	return head + strings.Repeat(item+",", n-1) + item + tail
}

// failing is a 1 MB body each API refuses, its failure quoting a large value.
var failing = map[string]string{
	"tencent": bigBody(`{"Type":"Public","Name":"g","MemberList":[`, `{"Member_Account":"u"}`, `]}`),
	"jsonapi": bigBody(`{"data":{"type":"message-groups","attributes":{"group-chat":[`, `{"a":1}`, `]},"relationships":{"accounts":{"data":[]}}}}`),
	"aspnet":  bigBody(`{"group":{"name":[`, `{"a":1}`, `]},"members":[]}`),
	"nexudus": bigBody(`{"BusinessId":[`, `{"a":1}`, `]}`),
}

func post(s *Server, api, body string) *http.Response {
	req := httptest.NewRequest(http.MethodPost, apiPaths[api], strings.NewReader(body))
	req.Header.Set("Content-Type", apiJSON[api])
	req.Header.Set("Authorization", "Basic dXNlcjpwYXNz")
	return serve(s, req)
}

// The journal keeps at most its byte budget in all, counted exactly: 1 MB
// failing bodies cost an entry about 64 KiB (the clipped body), not the
// failing value, and the oldest entries go first.
func TestJournalKeepsItsByteBudget(t *testing.T) {
	const budget = 1 << 20
	s := newTestServer(t, WithJournalBytes(budget))
	for range 5 {
		for _, api := range []string{"tencent", "jsonapi", "aspnet", "nexudus"} {
			if resp := post(s, api, failing[api]); resp.StatusCode != 200 && resp.StatusCode != 400 && resp.StatusCode != 422 {
				t.Fatalf("%s: %d", api, resp.StatusCode)
			}
		}
	}
	j := s.Journal()
	n, held := j.held()
	var sum, most int64
	for i := range n {
		k := j.entries[(j.head+i)%len(j.entries)]
		// The clipped body's copy is rounded up to its allocation size
		// class (72 KiB), and the journal counts the whole array.
		if cost := k.size(); cost != k.cost || cost > 80<<10 || len(k.body) != maxJournalBody+1 || cap(k.body) > 72<<10 {
			t.Errorf("entry %d: cost %d (counted %d), body of %d bytes in an array of %d", k.id, cost, k.cost, len(k.body), cap(k.body))
		}
		sum += k.cost
		most = max(most, k.cost)
	}
	// Within the budget, and full: the entries dropped made room.
	if held != sum || held > budget || held+most <= budget {
		t.Errorf("the journal holds %d entries, %d bytes (its entries cost %d); want as many as fit in %d bytes", n, held, sum, budget)
	}
	entries := j.Entries()
	if len(entries) != n || entries[len(entries)-1].ID != 20 || entries[0].ID != int64(21-n) {
		t.Fatalf("kept ids %d..%d of 20", entries[0].ID, entries[len(entries)-1].ID)
	}
	for _, e := range entries {
		if len(e.RequestBody) != maxJournalBody+len("…") || len(e.Failures) == 0 || len(e.Failures[0].Detail) > maxFailureText+len("…") {
			t.Errorf("entry %d: body of %d bytes, failures %v", e.ID, len(e.RequestBody), e.Failures)
		}
	}
	j.Reset()
	if n, held := j.held(); n != 0 || held != 0 {
		t.Errorf("after Reset: %d entries, %d bytes", n, held)
	}
}

// With default settings, 40 failing bodies whose failure quotes a 1 MB
// value leave the heap within the journal's default budget: before the
// journal was bounded in bytes, each entry kept its failing value (40 MB).
func TestJournalMemoryWithFailingBodies(t *testing.T) {
	s := newTestServer(t)
	body := `{"Type":"Public","Name":"` + strings.Repeat("x", 1_000_000) + `"}`
	heap := func() uint64 {
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	before := heap()
	for range 40 {
		resp := post(s, "tencent", body)
		if b, _ := io.ReadAll(resp.Body); !bytes.Contains(b, []byte(`"ErrorCode":10004`)) {
			t.Fatalf("a 1 MB Name: %s", b)
		}
	}
	if grown := int64(heap()) - int64(before); grown > DefaultJournalBytes+2<<20 {
		t.Errorf("the heap grew by %.1f MiB after 40 failing 1 MB bodies; the journal may keep %d MiB",
			float64(grown)/(1<<20), DefaultJournalBytes>>20)
	}
	runtime.KeepAlive(s)
}

// creates are ~1 MB bodies each API stores (the answer may echo them).
var creates = map[string]string{
	"tencent": `{"Type":"Public","Name":"g","AppDefinedData":[{"Key":"k","Value":"` + strings.Repeat("x", 999_000) + `"}]}`,
	"jsonapi": `{"data":{"type":"message-groups","attributes":{"chat-room-name":"` + strings.Repeat("x", 999_000) +
		`"},"relationships":{"accounts":{"data":[{"type":"accounts","id":"1335"}]}}}}`,
	"aspnet":  `{"group":{"name":"g","description":"` + strings.Repeat("x", 999_000) + `","enabled":true},"members":[]}`,
	"nexudus": `{"BusinessId":123,"Name":"` + strings.Repeat("x", 999_000) + `"}`,
}

// fullAnswer creates on api until the store refuses, and returns that
// answer and how many creates passed.
func fullAnswer(t *testing.T, s *Server, api, body string) (string, int) {
	t.Helper()
	for i := range 10 {
		resp := post(s, api, body)
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 && resp.StatusCode != 201 || bytes.Contains(b, []byte("ErrorCode\":10058")) {
			return resp.Status + " " + string(b), i
		}
	}
	t.Fatalf("%s: 10 creates of 1 MB and the store never refused", api)
	return "", 0
}

// Past its byte bound each API answers its own full answer, the same as
// past --max-resources; deletes and resets give the bytes back.
func TestStoreByteBoundAnswersAsFull(t *testing.T) {
	const bound = 3 << 20
	for _, api := range []string{"tencent", "jsonapi", "aspnet", "nexudus"} {
		t.Run(api, func(t *testing.T) {
			byCount := newTestServer(t, WithStore(store.New(store.Limits{Records: 1})))
			wantFull, _ := fullAnswer(t, byCount, api, `{"Type":"Public","Name":"g","data":{"type":"message-groups","relationships":{"accounts":{"data":[]}}},"group":{"name":"g"},"BusinessId":1}`)
			st := store.New(store.Limits{Records: DefaultMaxResources, Bytes: bound})
			s := newTestServer(t, WithStore(st))
			full, passed := fullAnswer(t, s, api, creates[api])
			if full != wantFull || passed == 0 {
				t.Errorf("after %d creates: %.300s\nwant the answer past --max-resources: %.300s", passed, full, wantFull)
			}
			if held := bytesHeld(st, api); held > bound || held < bound-2<<20 {
				t.Errorf("the store holds %d bytes of its %d", held, bound)
			}
			s.Store().Reset(api)
			if again, n := fullAnswer(t, s, api, creates[api]); n != passed || again != wantFull {
				t.Errorf("after a reset %d creates passed, want %d", n, passed)
			}
		})
	}
}

func bytesHeld(st *store.Store, api string) int64 {
	var n int64
	for _, recs := range st.Snapshot()[api] {
		for _, r := range recs {
			n += r.Size()
		}
	}
	return n
}

// Tencent's destroy_group frees what the group took: a create refused as
// full passes after it.
func TestStoreByteBoundFreedByDelete(t *testing.T) {
	s := newTestServer(t, WithStore(store.New(store.Limits{Bytes: 3 << 20})))
	body := strings.Replace(creates["tencent"], `"Name":"g"`, `"Name":"g","GroupId":"Big%d"`, 1)
	for i, want := range []float64{0, 0, 0, 10058} {
		if _, v := createGroup(s, strings.Replace(body, "%d", string(rune('0'+i)), 1)); v["ErrorCode"] != want {
			t.Fatalf("create %d: %v, want ErrorCode %v", i, v["ErrorCode"], want)
		}
	}
	req := httptest.NewRequest(http.MethodPost, "/v4/group_open_http_svc/destroy_group"+tencentQuery, strings.NewReader(`{"GroupId":"Big0"}`))
	if b, _ := io.ReadAll(serve(s, req).Body); !bytes.Contains(b, []byte(`"ErrorCode":0`)) {
		t.Fatalf("destroy_group: %s", b)
	}
	if _, v := createGroup(s, strings.Replace(body, "%d", "9", 1)); v["ErrorCode"] != 0.0 {
		t.Errorf("a create after destroy_group: %v", v)
	}
}

// A stored 1 MB create reads back byte for byte.
func TestLargeCreateReadsBack(t *testing.T) {
	s := newTestServer(t)
	auth := []string{"Authorization", "Basic YWxpY2VAZXhhbXBsZS5jb206cHc="}
	name := strings.Repeat("ab", 499_000)
	_, created, _ := call(t, s, "POST", "/api/support/chatrooms", "application/json", `{"BusinessId":7,"Name":"`+name+`"}`, auth...)
	id, _ := created["Value"].(map[string]any)["Id"].(float64)
	status, got, _ := call(t, s, "GET", "/api/support/chatrooms/"+itoa(int64(id)), "", "", auth...)
	if status != 200 || got["Name"] != name {
		t.Errorf("nexudus: %d, a Name of %d bytes read back as %d bytes", status, len(name), len(tmplText(got["Name"])))
	}
	ct := "application/vnd.api+json"
	_, doc, _ := call(t, s, "POST", "/api/v2/message-groups", ct,
		`{"data":{"type":"message-groups","attributes":{"chat-room-name":"`+name+`"},"relationships":{"accounts":{"data":[{"type":"accounts","id":"1335"}]}}}}`)
	self := doc["data"].(map[string]any)["links"].(map[string]any)["self"].(string)
	status, got, _ = call(t, s, "GET", strings.TrimPrefix(self, "http://example.com"), "", "")
	attrs, _ := got["data"].(map[string]any)["attributes"].(map[string]any)
	if status != 200 || attrs["chat-room-name"] != name {
		t.Errorf("jsonapi: %d, chat-room-name read back as %d bytes", status, len(tmplText(attrs["chat-room-name"])))
	}
}

func tmplText(v any) string { s, _ := v.(string); return s }

// The body budget serves waiters in order, clamps a request larger than
// itself, and lets a waiter whose client left go without its share.
func TestBodyBudget(t *testing.T) {
	b := newBodyBudget(100)
	ctx := context.Background()
	a, _ := b.acquire(ctx, 60)
	big, _ := b.acquire(ctx, 30)
	order := make(chan string, 2)
	gone, cancel := context.WithCancel(ctx)
	waited := make(chan bool)
	go func() { _, ok := b.acquire(gone, 50); waited <- ok }()
	for b.queued() != 1 {
		runtime.Gosched()
	}
	go func() { n, _ := b.acquire(ctx, 500); order <- "whole"; b.release(n) }() // clamped to 100
	for b.queued() != 2 {
		runtime.Gosched()
	}
	cancel()
	if <-waited {
		t.Fatal("a waiter whose context ended got its share")
	}
	b.release(a)
	select {
	case got := <-order:
		t.Fatalf("%s ran while 30 bytes were held", got)
	default:
	}
	b.release(big)
	if got := <-order; got != "whole" {
		t.Fatal(got)
	}
	for b.queued() != 0 || b.available() != 100 {
		runtime.Gosched()
	}
}

func (b *bodyBudget) queued() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.waiting)
}

func (b *bodyBudget) available() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.free
}

// TestSlowBodyHoldsNoBudget: a client that announces a 1 MiB body and sends
// it slowly takes none of the body budget, so other requests are answered
// while it trickles.
func TestSlowBodyHoldsNoBudget(t *testing.T) {
	srv := httptest.NewServer(newTestServer(t).Handler())
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/support/chatrooms HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n[", 1<<20)
	done := make(chan string, 1)
	go func() {
		resp, err := http.Post(srv.URL+"/v4/group_open_http_svc/create_group"+tencentQuery, "application/json",
			strings.NewReader(`{"Type":"Public","Name":"TestGroup"}`))
		if err != nil {
			done <- err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		done <- string(b)
	}()
	select {
	case got := <-done:
		if !strings.Contains(got, `"ActionStatus":"OK"`) {
			t.Fatalf("answer = %s", got)
		}
	case <-time.After(10 * time.Second): // a liveness bound, not a speed figure: the old order never answered
		t.Fatal("a request waited for the budget held by a client still sending its body")
	}
}
