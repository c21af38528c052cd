package contracts

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chatmock/chatmock/mockserver"
	"github.com/chatmock/chatmock/mockserver/mocktest"
	"github.com/chatmock/chatmock/spec"
)

// flowCases are the derived flows, by ID.
func flowCases(t *testing.T, set *spec.Set) map[string]*Case {
	t.Helper()
	cases, err := Derive(set, Credentials{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*Case{}
	for _, c := range cases {
		if c.Flow != nil {
			out[c.ID] = c
		}
	}
	return out
}

// tampered is the stateful mock of set behind a proxy that answers the
// requests rule matches itself, as a target with that defect would.
func tampered(t *testing.T, set *spec.Set, rule func(w http.ResponseWriter, r *http.Request) bool) string {
	t.Helper()
	srv := mocktest.NewServer(t, mockserver.WithDocumentSet(set), mockserver.WithoutBundledRules(), mockserver.WithSeed(1))
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rule == nil || !rule(w, r) {
			proxy.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(front.Close)
	return front.URL
}

// runOne runs one case and returns its result.
func runFlowCase(t *testing.T, set *spec.Set, c *Case, target string) *Result {
	t.Helper()
	return Run(context.Background(), set, []*Case{c}, RunOptions{Target: target}).Results[0]
}

// On a document without chatmock extensions the runner checks the state
// it infers: what was created reads back as the create answered it, is
// gone once deleted, and is listed. Against the stateful mock every flow
// passes; against a target with each defect, the flow that checks it fails
// with the check's name, at its step.
func TestFlowsOnInferredResources(t *testing.T) {
	set := loadSet(t, "../mockserver/testdata/rooms.yaml")
	flows := flowCases(t, set)
	var ids []string
	for id := range flows {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	want := []string{
		"rooms/createRoom/stateful/delete-then-getRoom",
		"rooms/createRoom/stateful/listed-listRooms",
		"rooms/createRoom/stateful/read-back-getRoom",
		"rooms/createUser/stateful/read-back-getUser",
		"rooms/postMessage/stateful/listed-listMessages",
		"rooms/postMessage/stateful/read-back-getMessage",
	}
	if !slices.Equal(ids, want) {
		t.Fatalf("flows:\n%s\nwant:\n%s", strings.Join(ids, "\n"), strings.Join(want, "\n"))
	}
	if got := flows[want[0]].Expected(); got != "201, then deleteRoom (success), then getRoom (gone)" {
		t.Errorf("delete flow expects %q", got)
	}
	good := tampered(t, set, nil)
	for _, id := range want {
		if res := runFlowCase(t, set, flows[id], good); res.Outcome != Passed {
			t.Errorf("%s against the mock: %s %s %q", id, res.Outcome, res.Reason, Messages(res.Problems))
		}
	}

	room := regexp.MustCompile(`^/rooms/[^/]+$`)
	for _, tc := range []struct {
		name, flow string
		rule       func(w http.ResponseWriter, r *http.Request) bool
		check      string
		step       int
		message    string // a regexp
	}{
		{"a delete that keeps the room", want[0], func(w http.ResponseWriter, r *http.Request) bool {
			if r.Method == http.MethodDelete && room.MatchString(r.URL.Path) {
				w.WriteHeader(http.StatusNoContent)
				return true
			}
			return false
		}, CheckUseAfterFree, 2, `^step 2 \(getRoom\): status: 200 after the delete of rooms "RM[0-9a-f]{8}"; want 404, it is gone$`},
		{"a read of another room", want[2], func(w http.ResponseWriter, r *http.Request) bool {
			if r.Method == http.MethodGet && room.MatchString(r.URL.Path) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"id":"RM00000001","name":"other"}`))
				return true
			}
			return false
		}, CheckAvailability, 1, `^step 1 \(getRoom\): the read shows id "RM00000001", want the one just created, "RM[0-9a-f]{8}"$`},
		{"a read of stale fields", want[2], func(w http.ResponseWriter, r *http.Request) bool {
			if r.Method == http.MethodGet && room.MatchString(r.URL.Path) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"id":"` + strings.TrimPrefix(r.URL.Path, "/rooms/") + `","name":"other"}`))
				return true
			}
			return false
		}, CheckAvailability, 1, `^step 1 \(getRoom\): the read shows other values than the create answered: name is "other", was "[^"]+"$`},
		{"a read that forgets", want[2], func(w http.ResponseWriter, r *http.Request) bool {
			if r.Method == http.MethodGet && room.MatchString(r.URL.Path) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusNotFound)
				_, _ = w.Write([]byte(`{"error":{"code":"not_found","message":"Not found"}}`))
				return true
			}
			return false
		}, CheckAvailability, 1, `^step 1 \(getRoom\): status: want a success \(200\), got 404$`},
		{"a list that forgets", want[1], func(w http.ResponseWriter, r *http.Request) bool {
			if r.Method == http.MethodGet && r.URL.Path == "/rooms" {
				if r.URL.Query().Get("limit") != "100" {
					t.Errorf("the list was asked for %q items, want the schema's maximum, 100", r.URL.Query().Get("limit"))
				}
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"data":[{"id":"RM00000001","name":"other"}],"meta":{"total_count":1}}`))
				return true
			}
			return false
		}, CheckAvailability, 1, `^step 1 \(listRooms\): the list does not show the rooms just created, "RM[0-9a-f]{8}"$`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := runFlowCase(t, set, flows[tc.flow], tampered(t, set, tc.rule))
			if res.Outcome != Failed || len(res.Problems) != 1 {
				t.Fatalf("%s: %s, problems %q", tc.flow, res.Outcome, Messages(res.Problems))
			}
			p := res.Problems[0]
			if p.Check != tc.check || p.Step != tc.step || !regexp.MustCompile(tc.message).MatchString(p.Message) {
				t.Errorf("problem %+v\nwant check %s, step %d, message matching %s", p, tc.check, tc.step, tc.message)
			}
		})
	}
}

// A list that pages: the created room is looked for on later pages, by
// offset, while the pages are full; a full page it cannot page past is
// not a failure, a short page without it is.
func TestListedFlowPages(t *testing.T) {
	set := loadSet(t, "../mockserver/testdata/rooms.yaml")
	flow := flowCases(t, set)["rooms/createRoom/stateful/listed-listRooms"]
	var offsets []string
	target := tampered(t, set, func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != http.MethodGet || r.URL.Path != "/rooms" {
			return false
		}
		offsets = append(offsets, r.URL.Query().Get("offset"))
		if r.URL.Query().Get("offset") == "" { // a full first page of others: 100 rooms
			w.Header().Set("Content-Type", "application/json")
			var b strings.Builder
			b.WriteString(`{"data":[`)
			for i := range 100 {
				if i > 0 {
					b.WriteString(",")
				}
				fmt.Fprintf(&b, `{"id":"RMffff%04d","name":"x"}`, i)
			}
			b.WriteString(`],"meta":{"total_count":101}}`)
			_, _ = w.Write([]byte(b.String()))
			return true
		}
		q := r.URL.Query() // the second page: the mock's first, which holds it
		q.Set("offset", "0")
		r.URL.RawQuery = q.Encode()
		return false
	})
	res := runFlowCase(t, set, flow, target)
	if res.Outcome != Passed {
		t.Errorf("paged list: %s %q", res.Outcome, Messages(res.Problems))
	}
	if !slices.Equal(offsets, []string{"", "100"}) {
		t.Errorf("offsets asked %q, want the first page then offset 100", offsets)
	}
}

// OpenAPI links are followed: the linked operation gets the values the
// link's runtime expressions name in the create's request and answer.
func TestFlowsFollowLinks(t *testing.T) {
	set := loadSet(t, "testdata/links.yaml")
	flows := flowCases(t, set)
	var asked []string
	target := tampered(t, set, func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method == http.MethodGet {
			asked = append(asked, r.URL.RequestURI())
		}
		return false
	})
	for _, id := range []string{"links/startThread/stateful/link-ReadThread", "links/startThread/stateful/link-OwnerThreads"} {
		c := flows[id]
		if c == nil {
			t.Fatalf("no flow %s in %v", id, flows)
		}
		if res := runFlowCase(t, set, c, target); res.Outcome != Passed {
			t.Errorf("%s: %s %q", id, res.Outcome, Messages(res.Problems))
		}
	}
	if len(asked) != 2 || !regexp.MustCompile(`^/threads/[^/?]+$`).MatchString(asked[0]) || asked[1] != "/threads?limit=50&owner=ada" {
		t.Errorf("the links asked %q, want /threads/{the created thread_id} then /threads?limit=50&owner=ada", asked)
	}
	gone := tampered(t, set, func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/threads/") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"message":"no such thread"}`))
			return true
		}
		return false
	})
	res := runFlowCase(t, set, flows["links/startThread/stateful/link-ReadThread"], gone)
	if res.Outcome != Failed || len(res.Problems) != 1 || res.Problems[0].Check != CheckAvailability ||
		res.Problems[0].Message != "step 1 (readThread): status: want a success (200), got 404" {
		t.Errorf("a link to nothing: %s %+v", res.Outcome, res.Problems)
	}
}

// A create whose answer names no one item (a batch, an answer without an
// id or a Location) leaves its flow nothing to use: skipped, saying so.
func TestFlowWithoutAnID(t *testing.T) {
	doc := filepath.Join(t.TempDir(), "notes.yaml")
	err := os.WriteFile(doc, []byte(`openapi: 3.0.3
info: {title: Notes, version: '1'}
paths:
  /notes:
    post:
      operationId: createNote
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {text: {type: string}}}
            example: {text: hi}
      responses:
        '201':
          description: Created
          content:
            application/json:
              schema: {type: object, properties: {id: {type: string}, text: {type: string}}}
  /notes/{id}:
    get:
      operationId: getNote
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        '200':
          description: The note
          content:
            application/json:
              schema: {type: object, properties: {id: {type: string}, text: {type: string}}}
        '404': {description: None}
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	set := loadSet(t, doc)
	flow := flowCases(t, set)["notes/createNote/stateful/read-back-getNote"]
	if flow == nil {
		t.Fatalf("no read-back flow in %v", flowCases(t, set))
	}
	target := tampered(t, set, func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method == http.MethodPost && r.URL.Path == "/notes" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(`{"text":"hi"}`))
			return true
		}
		return false
	})
	res := runFlowCase(t, set, flow, target)
	want := `the create's answer names no one new notes (no "id" in its object, no Location): nothing for the steps to use`
	if res.Outcome != Skipped || res.Reason != want {
		t.Errorf("%s %q %q, want skipped: %s", res.Outcome, res.Reason, Messages(res.Problems), want)
	}
}
