package mockserver

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/chatmock/chatmock/internal/store"
)

// benchCase is one request the benchmarks send: the seed request of an API,
// in one of its media types.
type benchCase struct {
	name    string
	method  string // "" is POST
	path    string
	ctype   string
	auth    string
	body    []byte
	fresh   bool // every call creates a new resource (the store grows)
	wantErr bool // the steady-state answer is the API's error (a duplicate)
}

// The seed's full Tencent create_group request ("all-fields"), without its
// line comments. With its GroupId, the first call creates the group and
// every later one is answered 10025 (the caller already owns it).
const tencentSeedBody = `{"Owner_Account":"leckie","Type":"Public","GroupId":"MyFirstGroup","Name":"TestGroup","Introduction":"This is group Introduction","Notification":"This is group Notification","FaceUrl":"http://this.is.face.url","MaxMemberCount":500,"ApplyJoinOption":"FreeAccess","AppDefinedData":[{"Key":"GroupTestData1","Value":"xxxxx"},{"Key":"GroupTestData2","Value":"abc\\u0000\\u0001"}],"MemberList":[{"Member_Account":"bob","Role":"Admin","AppMemberDefinedData":[{"Key":"MemberDefined1","Value":"MemberData1"},{"Key":"MemberDefined2","Value":"MemberData2"}]},{"Member_Account":"peter","AppMemberDefinedData":[{"Key":"MemberDefined1","Value":"MemberData1"},{"Key":"MemberDefined2","Value":"MemberData2"}]}]}`

func seedFile(b *testing.B, path string) []byte {
	data, err := os.ReadFile("../fixtures/seeds/" + path)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func benchCases(b *testing.B) []benchCase {
	aspnetForm := "group[id]=1&group[user_id]=2&group[name]=sample+string+3&group[created_at]=2025-12-06T04:31:11.4441398%2B00:00" +
		"&group[last_modified]=2025-12-06T04:31:11.4441398%2B00:00&group[description]=sample+string+6&group[enabled]=true" +
		"&members[0][id]=1&members[0][group_id]=2&members[0][member_id]=3&members[0][date]=2025-12-06T04:31:11.4441398%2B00:00"
	return []benchCase{
		{name: "tencent/seed", path: "/v4/group_open_http_svc/create_group" + tencentQuery, ctype: "application/json",
			body: []byte(tencentSeedBody), wantErr: true},
		{name: "tencent/create", path: "/v4/group_open_http_svc/create_group" + tencentQuery, ctype: "application/json",
			body: []byte(strings.Replace(tencentSeedBody, `"GroupId":"MyFirstGroup",`, "", 1)), fresh: true},
		{name: "jsonapi/create", path: "/api/v2/message-groups", ctype: "application/vnd.api+json", auth: "Bearer token",
			body: seedFile(b, "jsonapi/createMessageGroup/requests/two-accounts.json"), fresh: true},
		{name: "aspnet/json", path: "/api/chat/v2/create_group", ctype: "application/json",
			body: seedFile(b, "aspnet/createChatGroup/requests/json-sample.json"), fresh: true},
		{name: "aspnet/xml", path: "/api/chat/v2/create_group", ctype: "application/xml",
			body: seedFile(b, "aspnet/createChatGroup/requests/xml-sample.xml"), fresh: true},
		{name: "aspnet/form", path: "/api/chat/v2/create_group", ctype: "application/x-www-form-urlencoded",
			body: []byte(aspnetForm), fresh: true},
		{name: "nexudus/basic", path: "/api/support/chatrooms", ctype: "application/json", auth: "Basic dXNlckBleGFtcGxlLmNvbTpwYXNzd29yZA==",
			body: seedFile(b, "nexudus/createChatRoom/requests/curl-basic-auth.json"), fresh: true},
	}
}

func (c benchCase) request() *http.Request {
	method := http.MethodPost
	if c.method != "" {
		method = c.method
	}
	req := httptest.NewRequest(method, c.path, bytes.NewReader(c.body))
	if c.ctype != "" {
		req.Header.Set("Content-Type", c.ctype)
	}
	if c.auth != "" {
		req.Header.Set("Authorization", c.auth)
	}
	return req
}

// BenchmarkRequestPath sends each API's seed request through the whole mock
// — route, read, validate, rules and store, render, write, journal and the
// log line (to a discarding text handler) — and, beside it, through a bare
// handler that reads the body and writes the bytes the mock answered. The
// chatmock line reports "%bare": its throughput as a percentage of the bare
// handler's in the same run.
//
//	go test -run '^$' -bench RequestPath ./mockserver
func BenchmarkRequestPath(b *testing.B) {
	benchAgainstBare(b, benchCases(b), benchServer)
}

// BenchmarkInferredResource is BenchmarkRequestPath for a document
// without chatmock extensions (testdata/rooms.yaml), whose state is
// inferred from its paths: a create, and a read of a user made first.
//
//	go test -run '^$' -bench InferredResource ./mockserver
func BenchmarkInferredResource(b *testing.B) {
	rooms := func(b *testing.B, c benchCase) *Server {
		s, err := Load(b.Context(), WithDocuments("testdata/rooms.yaml"), WithoutBundledRules(),
			WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))), WithStore(store.New(store.Limits{})))
		if err != nil {
			b.Fatal(err)
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, benchCase{path: "/users", ctype: "application/json", body: []byte(`{"username":"ada","name":"Ada"}`)}.request())
		if rec.Code != 201 {
			b.Fatalf("create: %d %s", rec.Code, rec.Body)
		}
		return s
	}
	benchAgainstBare(b, []benchCase{
		{name: "rooms/create", path: "/rooms", ctype: "application/json", body: []byte(`{"name":"general","topic":"chat"}`), fresh: true},
		{name: "users/read", method: http.MethodGet, path: "/users/ada"},
	}, rooms)
}

// benchAgainstBare runs each case through the mock newServer builds and
// through a bare handler answering the same bytes.
func benchAgainstBare(b *testing.B, cases []benchCase, newServer func(*testing.B, benchCase) *Server) {
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			// The mock's answer to the request, in steady state.
			s := newServer(b, c)
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, c.request())
			rec = httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, c.request())
			if rec.Code >= 500 || (rec.Code >= 400) != (c.wantErr && rec.Code >= 400) {
				b.Fatalf("%s: status %d: %s", c.name, rec.Code, rec.Body)
			}
			answer, ctype, status := rec.Body.Bytes(), rec.Header().Get("Content-Type"), rec.Code
			var bareNs float64
			b.Run("bare", func(b *testing.B) {
				runParallel(b, c, status, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					_, _ = io.Copy(io.Discard, r.Body)
					w.Header().Set("Content-Type", ctype)
					w.WriteHeader(status)
					_, _ = w.Write(answer)
				}))
				bareNs = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			})
			b.Run("chatmock", func(b *testing.B) {
				runParallel(b, c, status, newServer(b, c).Handler())
				if ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N); ns > 0 && bareNs > 0 {
					b.ReportMetric(100*bareNs/ns, "%bare")
				}
			})
		})
	}
}

// benchServer is the mock as chatmock serve runs it, logging to nowhere; a
// case that creates a resource per call gets a store big enough for the run.
func benchServer(b *testing.B, c benchCase) *Server {
	opts := []Option{WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))}
	if c.fresh {
		opts = append(opts, WithStore(store.New(store.Limits{})))
	}
	return newTestServer(b, opts...)
}

func runParallel(b *testing.B, c benchCase, status int, h http.Handler) {
	b.ReportAllocs()
	b.SetBytes(int64(len(c.body)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, c.request())
			if rec.Code != status {
				b.Fatalf("status %d, want %d: %s", rec.Code, status, rec.Body)
			}
		}
	})
}

// BenchmarkCostFlat sends Tencent's seed request (answered 10025 from the
// store) to mocks that differ only in what they hold: an empty store
// against 10,000 groups, a journal of 1,000 entries against one of
// 100,000 (its byte bound raised to hold them). Each pair's ns/op should
// be the same: the work a request does must not grow with what the mock
// has done.
//
//	go test -run '^$' -bench CostFlat ./mockserver
func BenchmarkCostFlat(b *testing.B) {
	seed := benchCases(b)[0]
	filled := func(groups, journal int) func(*testing.B, benchCase) *Server {
		return func(b *testing.B, c benchCase) *Server {
			s := newTestServer(b, WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
				WithStore(store.New(store.Limits{})), WithJournalSize(journal), WithJournalBytes(int64(journal)<<14))
			for range journal { // a journal as full as it can be held
				s.Handler().ServeHTTP(httptest.NewRecorder(), c.request())
			}
			for i := range groups {
				body := strings.Replace(tencentSeedBody, `"GroupId":"MyFirstGroup"`, fmt.Sprintf(`"GroupId":"G%d"`, i), 1)
				rec := httptest.NewRecorder()
				s.Handler().ServeHTTP(rec, benchCase{path: c.path, ctype: c.ctype, body: []byte(body)}.request())
				if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"ActionStatus":"OK"`) {
					b.Fatalf("filling group %d: %d %s", i, rec.Code, rec.Body)
				}
			}
			return s
		}
	}
	for _, tc := range []struct {
		name            string
		groups, journal int
	}{
		{"store-empty", 0, 1000}, {"store-10000", 10000, 1000},
		{"journal-1000", 1000, 1000}, {"journal-100000", 1000, 100000},
	} {
		c := seed
		c.name = tc.name
		benchAgainstBare(b, []benchCase{c}, filled(tc.groups, tc.journal))
	}
}
