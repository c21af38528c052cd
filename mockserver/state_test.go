package mockserver

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/chatmock/chatmock/internal/store"
)

func createGroup(s *Server, body string) (int, map[string]any) {
	req := httptest.NewRequest(http.MethodPost, "/v4/group_open_http_svc/create_group"+tencentQuery, strings.NewReader(body))
	resp := serve(s, req)
	b, _ := io.ReadAll(resp.Body)
	var v map[string]any
	_ = json.Unmarshal(b, &v)
	return resp.StatusCode, v
}

// 200 concurrent creates of one GroupId: exactly one OK; the others 10025
// when their owner is the winner's, 10021 when it is not.
func TestConcurrentCreatesOfOneGroupID(t *testing.T) {
	s := newTestServer(t)
	type result struct {
		owner string
		code  float64
	}
	results := make(chan result, 200)
	var wg sync.WaitGroup
	for i := range 200 {
		owner := []string{"alice", "bob"}[i%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, v := createGroup(s, fmt.Sprintf(`{"Type":"Public","Name":"g","GroupId":"Same","Owner_Account":%q}`, owner))
			code, _ := v["ErrorCode"].(float64)
			results <- result{owner, code}
		}()
	}
	wg.Wait()
	close(results)
	winner, _ := s.Store().Get("tencent", "groups", "Same")
	counts := map[string]int{}
	for r := range results {
		switch {
		case r.code == 0:
			counts["ok"]++
		case r.code == 10025 && r.owner == winner.Owner:
			counts["10025"]++
		case r.code == 10021 && r.owner != winner.Owner:
			counts["10021"]++
		default:
			t.Errorf("owner %s got %v (winner %s)", r.owner, r.code, winner.Owner)
		}
	}
	if counts["ok"] != 1 || counts["10025"] != 99 || counts["10021"] != 100 {
		t.Errorf("answers %v, want 1 ok, 99 × 10025, 100 × 10021", counts)
	}
}

func TestDeveloperEditionQuota(t *testing.T) {
	s := newTestServer(t, WithEdition("tencent", "developer"))
	for i := 1; i <= 100; i++ {
		if _, v := createGroup(s, `{"Type":"Public","Name":"g"}`); v["ErrorCode"] != 0.0 {
			t.Fatalf("group %d: %v", i, v)
		}
	}
	_, v := createGroup(s, `{"Type":"Public","Name":"g"}`)
	if v["ErrorCode"] != 10058.0 || v["ActionStatus"] != "FAIL" {
		t.Errorf("the 101st group: %v", v)
	}
	// AVChatRoom groups have their own quota.
	if _, v := createGroup(s, `{"Type":"AVChatRoom","Name":"live"}`); v["ErrorCode"] != 0.0 {
		t.Errorf("an AVChatRoom after 100 groups: %v", v)
	}
	if _, err := New(s.tbl.Load().set, WithEdition("tencent", "gold"), WithRules(s.tbl.Load().rules)); err == nil || !strings.Contains(err.Error(), `no edition "gold"`) {
		t.Errorf("an unknown edition: %v", err)
	}
}

// Past --max-resources, the API answers with its own quota error.
func TestStoreBound(t *testing.T) {
	s := newTestServer(t, WithStore(store.New(store.Limits{Records: 3})))
	for range 3 {
		createGroup(s, `{"Type":"Public","Name":"g"}`)
	}
	status, v := createGroup(s, `{"Type":"Public","Name":"g"}`)
	if status != 200 || v["ErrorCode"] != 10058.0 || v["ErrorInfo"] != "group count exceeds the limit of this mock (--max-resources, --max-store-bytes)" {
		t.Errorf("a full store: %d %v", status, v)
	}
	if n := s.Store().Count("tencent", "groups", nil); n != 3 {
		t.Errorf("the store holds %d groups", n)
	}
}

func TestAdminStateAndReset(t *testing.T) {
	s := newTestServer(t)
	createGroup(s, `{"Type":"Public","Name":"g","GroupId":"G1","Owner_Account":"leckie"}`)
	resp := serve(s, httptest.NewRequest(http.MethodGet, "/__admin/state", nil))
	var state struct {
		APIs map[string]map[string][]store.Record `json:"apis"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&state); err != nil {
		t.Fatal(err)
	}
	g := state.APIs["tencent"]["groups"]
	if len(g) != 1 || g[0].Key != "G1" || g[0].Owner != "leckie" || g[0].Creator != "admin" {
		t.Fatalf("state: %+v", state)
	}
	want := decode(t, []byte(`{"request":{"GroupId":"G1","Name":"g","Owner_Account":"leckie","Type":"Public"},"answer":{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","GroupId":"G1"}}`))
	if got := decode(t, g[0].Data); !reflect.DeepEqual(got, want) {
		t.Errorf("record data: %s, want %v", g[0].Data, want)
	}
	for _, tt := range []struct {
		query  string
		status int
		left   int
	}{{"?api=nope", 400, 1}, {"?api=jsonapi", 204, 1}, {"?api=tencent", 204, 0}, {"", 204, 0}} {
		resp := serve(s, httptest.NewRequest(http.MethodPost, "/__admin/reset"+tt.query, nil))
		if resp.StatusCode != tt.status || s.Store().Count("tencent", "groups", nil) != tt.left {
			t.Errorf("reset%s: %d, %d groups left", tt.query, resp.StatusCode, s.Store().Count("tencent", "groups", nil))
		}
	}
	// The ID is free again.
	if _, v := createGroup(s, `{"Type":"Public","Name":"g","GroupId":"G1"}`); v["ErrorCode"] != 0.0 {
		t.Errorf("after reset: %v", v)
	}
}

// A body with a duplicate key is refused: which GroupId the client meant is
// not for the mock to guess, and nothing is created.
func TestDuplicateKeysAreRefused(t *testing.T) {
	s := newTestServer(t)
	createGroup(s, `{"Type":"Public","Name":"g","GroupId":"Taken"}`)
	for _, body := range []string{
		`{"Type":"Public","Name":"g","GroupId":"Taken","GroupId":"Free"}`,
		`{"Type":"Public","Name":"g","GroupId":"Free","GroupId":"Taken"}`,
	} {
		status, v := createGroup(s, body)
		if status != 200 || v["ActionStatus"] != "FAIL" || v["ErrorCode"] != 60003.0 || v["ErrorInfo"] != "Json parse Error" {
			t.Errorf("%s: %d %v, want Tencent's 60003", body, status, v)
		}
	}
	if n := s.Store().Count("tencent", "groups", nil); n != 1 {
		t.Errorf("the store holds %d groups, want 1", n)
	}
}

// A generated key that meets an earlier record (Nexudus IDs are eight
// random digits) is made again: the create succeeds with another ID.
func TestGeneratedKeyCollisionIsAnsweredAgain(t *testing.T) {
	createRoom := func(s *Server) (int, string) {
		req := httptest.NewRequest(http.MethodPost, "/api/support/chatrooms", strings.NewReader(`{"BusinessId":123}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Basic dXNlcjpwYXNz")
		resp := serve(s, req)
		b, _ := io.ReadAll(resp.Body)
		var v struct{ Value struct{ Id json.Number } }
		_ = json.Unmarshal(b, &v)
		return resp.StatusCode, v.Value.Id.String()
	}
	status, first := createRoom(newTestServer(t)) // the ID seed 1 gives first
	if status != 200 || first == "" {
		t.Fatalf("create: %d, id %q", status, first)
	}
	st := store.New(store.Limits{Records: DefaultMaxResources})
	if err := st.Create("nexudus", "chatrooms", store.Record{Key: first}); err != nil {
		t.Fatal(err)
	}
	s := newTestServer(t, WithStore(st)) // seed 1 again: the same ID comes first
	status, second := createRoom(s)
	if status != 200 || second == "" || second == first {
		t.Fatalf("create over a taken ID: %d, id %q (taken: %q)", status, second, first)
	}
	if _, ok := st.Get("nexudus", "chatrooms", second); !ok || st.Count("nexudus", "chatrooms", nil) != 2 {
		t.Errorf("the store does not hold the new room %q", second)
	}
}

// A static rule answer (Tencent's 10025) is encoded once per Accept header
// and reused; clients choosing their own Accept headers cannot grow the
// cache past its bound, and every answer stays right.
func TestStaticRuleAnswersAreReusedAndBounded(t *testing.T) {
	s := newTestServer(t)
	createGroup(s, `{"Type":"Public","Name":"g","GroupId":"G1","Owner_Account":"leckie"}`)
	var rt *route
	for _, r := range s.tbl.Load().routes {
		if r.op.ID == "create_group" {
			rt = r
		}
	}
	want := `{"ActionStatus":"FAIL","ErrorCode":10025,"ErrorInfo":"group id has be used by youself!"}`
	for i := range 100 {
		req := httptest.NewRequest(http.MethodPost, "/v4/group_open_http_svc/create_group"+tencentQuery,
			strings.NewReader(`{"Type":"Public","Name":"g","GroupId":"G1","Owner_Account":"leckie"}`))
		req.Header.Set("Accept", "application/json;v="+strconv.Itoa(i%80))
		resp := serve(s, req)
		if b, _ := io.ReadAll(resp.Body); string(b) != want {
			t.Fatalf("call %d: %s", i, b)
		}
	}
	n := 0
	rt.statics.m.Range(func(any, any) bool { n++; return true })
	if n != maxStaticAnswers {
		t.Errorf("%d answers kept, want the bound %d", n, maxStaticAnswers)
	}
}
