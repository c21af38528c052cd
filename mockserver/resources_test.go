package mockserver

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chatmock/chatmock/internal/store"
)

// send is one request to s; the answer's status, its body decoded (nil
// when empty) and its Location.
func send(t *testing.T, s *Server, method, target, ct, body string, header ...string) (int, any, string) {
	t.Helper()
	resp, raw := exchangeWith(s, method, target, ct, body, header...)
	var v any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatalf("%s %s: not JSON: %s", method, target, raw)
		}
	}
	return resp.StatusCode, v, resp.Header.Get("Location")
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func loadRooms(t *testing.T, opts ...Option) *Server {
	t.Helper()
	clock := func() time.Time { return time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC) }
	s, err := Load(context.Background(), append([]Option{WithDocuments("testdata/rooms.yaml"), WithoutBundledRules(),
		WithSeed(1), WithClock(clock)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A document with no chatmock extension keeps state from its paths:
// create, read back, merge, replace, list with its paging, nested
// collections scoped by their parent and gone with it, and the
// operation's own 404 for what is not there.
func TestInferredResourceLifecycle(t *testing.T) {
	s := loadRooms(t)
	st, v, loc := send(t, s, "POST", "/rooms", "application/json", `{"name":"general","topic":"chat"}`)
	room, _ := v.(map[string]any)
	id, _ := room["id"].(string)
	if st != 201 || !regexp.MustCompile(`^RM[0-9a-f]{8}$`).MatchString(id) {
		t.Fatalf("create: %d %s", st, jsonText(v))
	}
	want := `{"created_at":"2026-12-07T10:00:00Z","id":"` + id + `","name":"general","topic":"chat"}`
	if got := jsonText(v); got != want || loc != "http://example.com/rooms/"+id {
		t.Fatalf("create answered %s, Location %q; want %s", got, loc, want)
	}
	if st, v, _ := send(t, s, "GET", "/rooms/"+id, "", ""); st != 200 || jsonText(v) != want {
		t.Fatalf("read: %d %s, want %s", st, jsonText(v), want)
	}
	send(t, s, "POST", "/rooms", "application/json", `{"name":"random"}`)
	send(t, s, "POST", "/rooms", "application/json", `{"name":"third"}`)

	st, v, _ = send(t, s, "PATCH", "/rooms/"+id, "application/json", `{"topic":"news"}`)
	merged := `{"created_at":"2026-12-07T10:00:00Z","id":"` + id + `","name":"general","topic":"news"}`
	if st != 200 || jsonText(v) != merged {
		t.Fatalf("merge: %d %s, want %s", st, jsonText(v), merged)
	}
	st, v, _ = send(t, s, "PUT", "/rooms/"+id, "application/json", `{"name":"renamed"}`)
	replaced := `{"created_at":"2026-12-07T10:00:00Z","id":"` + id + `","name":"renamed"}` // topic not sent: gone
	if st != 200 || jsonText(v) != replaced {
		t.Fatalf("replace: %d %s, want %s", st, jsonText(v), replaced)
	}
	if _, v, _ := send(t, s, "GET", "/rooms/"+id, "", ""); jsonText(v) != replaced {
		t.Fatalf("read after replace: %s", jsonText(v))
	}

	names := func(v any) []string {
		var out []string
		for _, it := range v.(map[string]any)["data"].([]any) {
			out = append(out, it.(map[string]any)["name"].(string))
		}
		return out
	}
	_, v, _ = send(t, s, "GET", "/rooms?limit=2&offset=1", "", "")
	if got := strings.Join(names(v), ","); got != "random,third" || jsonText(v.(map[string]any)["meta"]) != `{"total_count":3}` {
		t.Fatalf("list, limit 2 offset 1: %s", jsonText(v))
	}

	st, v, _ = send(t, s, "POST", "/rooms/"+id+"/messages", "application/x-www-form-urlencoded", "Text=hi&Pinned=true")
	if st != 201 || jsonText(v) != `{"id":1,"pinned":true,"room_id":"`+id+`","text":"hi"}` {
		t.Fatalf("nested create: %d %s", st, jsonText(v))
	}
	if st, v, _ := send(t, s, "GET", "/rooms/"+id+"/messages/1", "", ""); st != 200 || v.(map[string]any)["text"] != "hi" {
		t.Fatalf("nested read: %d %s", st, jsonText(v))
	}
	if st, v, _ := send(t, s, "GET", "/rooms/RM00000000/messages", "", ""); st != 404 ||
		jsonText(v) != `{"error":{"code":"not_found","message":"no rooms has the id \"RM00000000\""}}` {
		t.Fatalf("a missing parent's list: %d %s", st, jsonText(v))
	}

	if st, v, _ := send(t, s, "DELETE", "/rooms/"+id, "", ""); st != 204 || v != nil {
		t.Fatalf("delete: %d %s", st, jsonText(v))
	}
	if st, v, _ := send(t, s, "GET", "/rooms/"+id, "", ""); st != 404 ||
		jsonText(v) != `{"error":{"code":"not_found","message":"no rooms has the id \"`+id+`\""}}` {
		t.Fatalf("read after delete: %d %s", st, jsonText(v))
	}
	if st, _, _ := send(t, s, "DELETE", "/rooms/"+id, "", ""); st != 404 {
		t.Fatalf("delete again: %d", st)
	}
	if n := len(s.Store().List("rooms", "messages")); n != 0 {
		t.Fatalf("%d messages outlived their room", n)
	}
	if _, v, _ := send(t, s, "GET", "/rooms", "", ""); strings.Join(names(v), ",") != "random,third" {
		t.Fatalf("list after delete: %s", jsonText(v))
	}
}

// --stateless answers the documented examples, as before inference.
func TestStatelessAnswersExamples(t *testing.T) {
	s := loadRooms(t, WithStateless())
	if st, v, _ := send(t, s, "POST", "/rooms", "application/json", `{"name":"general"}`); st != 201 ||
		jsonText(v) != `{"created_at":"2020-01-01T00:00:00Z","id":"RM0000abcd","name":"lobby","topic":"hello"}` {
		t.Fatalf("stateless create: %d %s", st, jsonText(v))
	}
	if st, _, _ := send(t, s, "GET", "/rooms/RM0000abcd", "", ""); st != 200 {
		t.Fatalf("stateless read: %d", st)
	}
	if n := len(s.Store().Snapshot()); n != 0 {
		t.Fatalf("stateless: the store holds %d APIs", n)
	}
}

// On a public document nobody here wrote (Twilio's, form bodies, POST to
// update): the Sid honours the id's pattern, the form's FriendlyName is
// the answer's friendly_name, and the channel is read back under its
// service.
func TestInferredTwilioChannels(t *testing.T) {
	const doc = "../../shared/corpus/twilio-chat-v2/spec/yaml/twilio_chat_v2.yaml"
	s, err := Load(context.Background(), WithDocuments(doc), WithoutBundledRules(), WithSeed(7))
	if err != nil {
		t.Fatal(err)
	}
	auth := []string{"Authorization", "Basic dXNlcjpzZWNyZXQ="}
	form := "application/x-www-form-urlencoded"
	st, v, _ := send(t, s, "POST", "/v2/Services", form, "FriendlyName=support", auth...)
	service, _ := v.(map[string]any)
	sid, _ := service["sid"].(string)
	if st != 201 || !regexp.MustCompile(`^IS[0-9a-fA-F]{32}$`).MatchString(sid) || service["friendly_name"] != "support" {
		t.Fatalf("create service: %d %s", st, jsonText(v))
	}
	st, v, _ = send(t, s, "POST", "/v2/Services/"+sid+"/Channels", form, "FriendlyName=general&UniqueName=general", auth...)
	ch, _ := v.(map[string]any)
	chSid, _ := ch["sid"].(string)
	if st != 201 || !regexp.MustCompile(`^CH[0-9a-fA-F]{32}$`).MatchString(chSid) || ch["service_sid"] != sid ||
		ch["unique_name"] != "general" || ch["url"] != "https://chat.twilio.com/v2/Services/"+sid+"/Channels/"+chSid {
		t.Fatalf("create channel: %d %s", st, jsonText(v))
	}
	if st, v, _ := send(t, s, "POST", "/v2/Services/"+sid+"/Channels/"+chSid, form, "FriendlyName=renamed", auth...); st != 200 ||
		v.(map[string]any)["friendly_name"] != "renamed" {
		t.Fatalf("update channel: %d %s", st, jsonText(v))
	}
	if _, v, _ := send(t, s, "GET", "/v2/Services/"+sid+"/Channels/"+chSid, "", "", auth...); v.(map[string]any)["friendly_name"] != "renamed" ||
		v.(map[string]any)["unique_name"] != "general" {
		t.Fatalf("read channel: %s", jsonText(v))
	}
	_, v, _ = send(t, s, "GET", "/v2/Services/"+sid+"/Channels?PageSize=1", "", "", auth...)
	if list := v.(map[string]any)["channels"].([]any); len(list) != 1 || list[0].(map[string]any)["sid"] != chSid {
		t.Fatalf("list channels: %s", jsonText(v))
	}
	if st, _, _ := send(t, s, "GET", "/v2/Services/IS00000000000000000000000000000000/Channels/"+chSid, "", "", auth...); st != 404 {
		t.Fatalf("a channel under another service: %d", st)
	}
}

// An overlay turns Rocket.Chat's RPC-style channels.create and
// channels.info into a create and a read of one resource, without editing
// the document.
func TestOverlayDeclaresRPCResource(t *testing.T) {
	const doc = "../../shared/corpus/rocketchat-rooms/rooms.yaml"
	auth := []string{"X-Auth-Token", "token", "X-User-Id", "user"}
	plain, err := Load(context.Background(), WithDocuments(doc), WithoutBundledRules())
	if err != nil {
		t.Fatal(err)
	}
	if st, v, _ := send(t, plain, "GET", "/api/v1/channels.info?roomId=nothing-made", "", "", auth...); st != 200 || v.(map[string]any)["channel"] == nil {
		t.Fatalf("without the overlay, channels.info answers its example: %d %s", st, jsonText(v))
	}

	s, err := Load(context.Background(), WithDocuments(doc), WithOverlayFiles("testdata/rocketchat-channels.overlay.yaml"), WithoutBundledRules(), WithSeed(3))
	if err != nil {
		t.Fatal(err)
	}
	st, v, _ := send(t, s, "POST", "/api/v1/channels.create", "application/json", `{"name":"general"}`, auth...)
	ch, _ := v.(map[string]any)["channel"].(map[string]any)
	id, _ := ch["_id"].(string)
	if st != 200 || id == "" || ch["name"] != "general" || v.(map[string]any)["success"] != true {
		t.Fatalf("channels.create: %d %s", st, jsonText(v))
	}
	st, v, _ = send(t, s, "GET", "/api/v1/channels.info?roomId="+url.QueryEscape(id), "", "", auth...)
	got, _ := v.(map[string]any)["channel"].(map[string]any)
	if st != 200 || got["_id"] != id || got["name"] != "general" {
		t.Fatalf("channels.info of the new channel: %d %s", st, jsonText(v))
	}
	if st, v, _ := send(t, s, "GET", "/api/v1/channels.info?roomId=nothing-made", "", "", auth...); st/100 != 4 {
		t.Fatalf("channels.info of a channel never made: %d %s", st, jsonText(v))
	}
}

// The store's bounds hold for inferred resources: past them a create is
// refused (507 problem+json, the document declaring no quota error) and
// nothing is stored.
func TestInferredResourceBounded(t *testing.T) {
	s := loadRooms(t, WithStore(store.New(store.Limits{Records: 2, Bytes: 1 << 20})))
	for i := range 2 {
		if st, v, _ := send(t, s, "POST", "/rooms", "application/json", `{"name":"r"}`); st != 201 {
			t.Fatalf("create %d: %d %s", i, st, jsonText(v))
		}
	}
	st, v, _ := send(t, s, "POST", "/rooms", "application/json", `{"name":"r"}`)
	if st != 507 || v.(map[string]any)["type"] == nil {
		t.Fatalf("a create past the bound: %d %s", st, jsonText(v))
	}
	if n := len(s.Store().List("rooms", "rooms")); n != 2 {
		t.Fatalf("%d rooms held, want 2", n)
	}
	s = loadRooms(t)
	send(t, s, "POST", "/rooms/x/messages", "application/x-www-form-urlencoded", "Text=a")
	if st, _, _ := send(t, s, "POST", "/rooms/x/messages", "application/x-www-form-urlencoded", "Text=a"); st != 404 {
		t.Fatalf("a message in a room never made: %d", st)
	}
}

// A create whose request names the id (a property named like the item's
// path parameter) keeps it; the same id again is the operation's 409.
func TestInferredResourceChosenID(t *testing.T) {
	s := loadRooms(t)
	if st, v, _ := send(t, s, "POST", "/users", "application/json", `{"username":"ada","name":"Ada"}`); st != 201 ||
		jsonText(v) != `{"name":"Ada","username":"ada"}` {
		t.Fatalf("create: %d %s", st, jsonText(v))
	}
	if st, v, _ := send(t, s, "GET", "/users/ada", "", ""); st != 200 || jsonText(v) != `{"name":"Ada","username":"ada"}` {
		t.Fatalf("read: %d %s", st, jsonText(v))
	}
	if st, v, _ := send(t, s, "POST", "/users", "application/json", `{"username":"ada"}`); st != 409 ||
		jsonText(v) != `{"error":{"code":"not_found","message":"a users with the id \"ada\" exists"}}` {
		t.Fatalf("the same id again: %d %s", st, jsonText(v))
	}
}

// An overlay changes any x-chatmock-* declaration without editing the
// document: here it adds an error envelope, and changes a documented
// example; an action that selects nothing is a warning.
func TestOverlayAddsDeclarations(t *testing.T) {
	s := loadRooms(t, WithOverlayFiles("testdata/rooms-errors.overlay.yaml"), WithStateless())
	if st, v, _ := send(t, s, "POST", "/rooms", "application/json", `{"name": 5}`); st != 200 ||
		jsonText(v) != `{"error":"invalid_name","ok":false}` {
		t.Fatalf("a refused create, in the overlay's envelope: %d %s", st, jsonText(v))
	}
	if _, v, _ := send(t, s, "POST", "/rooms", "application/json", `{"name":"x"}`); v.(map[string]any)["name"] != "changed by the overlay" {
		t.Fatalf("the overlay's example: %s", jsonText(v))
	}
	var warned []string
	for _, w := range s.Documents().Warnings {
		warned = append(warned, w.String())
	}
	if want := "testdata/rooms-errors.overlay.yaml: /: warning: /actions/2: target $.paths['/nowhere'] selects nothing"; strings.Join(warned, "\n") != want {
		t.Fatalf("warnings %q, want %q", warned, want)
	}
}

// GET /__admin/state shows an inferred resource's records like a declared
// one's: by API and kind, keyed by id (a nested one under its parent's).
func TestAdminStateShowsInferredRecords(t *testing.T) {
	s := loadRooms(t)
	_, v, _ := send(t, s, "POST", "/rooms", "application/json", `{"name":"general"}`)
	id := v.(map[string]any)["id"].(string)
	send(t, s, "POST", "/rooms/"+id+"/messages", "application/x-www-form-urlencoded", "Text=hi")
	_, state, _ := send(t, s, "GET", "/__admin/state", "", "")
	rooms := state.(map[string]any)["apis"].(map[string]any)["rooms"].(map[string]any)
	room := rooms["rooms"].([]any)[0].(map[string]any)
	msg := rooms["messages"].([]any)[0].(map[string]any)
	if room["key"] != id || jsonText(room["data"]) != `{"created_at":"2026-12-07T10:00:00Z","id":"`+id+`","name":"general","topic":"hello"}` ||
		msg["key"] != id+"/1" || jsonText(msg["data"]) != `{"id":1,"pinned":true,"room_id":"`+id+`","text":"hi"}` { // pinned: the generated documented body's
		t.Fatalf("state: %s", jsonText(rooms))
	}
}

// FuzzInferredResource sends arbitrary requests to a document whose state
// is inferred from its paths, one server for the whole run so records pile
// up: never a 5xx, and every success answer keeps to its documented
// schema, however odd the records made before it.
//
//	go test -run '^$' -fuzz '^FuzzInferredResource$' -fuzztime 5m ./mockserver
func FuzzInferredResource(f *testing.F) {
	f.Add(uint8(0), "/rooms", `{"name":"general","topic":"chat"}`, true)
	f.Add(uint8(1), "/rooms?limit=2&offset=1", ``, true)
	f.Add(uint8(2), "/rooms/RM00000001", `{"topic":null}`, true)
	f.Add(uint8(3), "/rooms/RM00000001", `{"name":"x","created_at":"2020"}`, true)
	f.Add(uint8(0), "/rooms/RM00000001/messages", `Text=hi&Pinned=maybe`, false)
	f.Add(uint8(4), "/rooms/RM00000001", ``, true)
	f.Add(uint8(0), "/users", `{"username":"ada","name":{"a":1}}`, true)
	f.Add(uint8(1), "/users/ada", ``, true)
	clock := func() time.Time { return time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC) }
	s, err := Load(context.Background(), WithDocuments("testdata/rooms.yaml"), WithoutBundledRules(), WithSeed(1), WithClock(clock),
		WithStore(store.New(store.Limits{Records: 200, Bytes: 1 << 20})))
	if err != nil {
		f.Fatal(err)
	}
	methods := []string{"POST", "GET", "PATCH", "PUT", "DELETE"}
	f.Fuzz(func(t *testing.T, m uint8, target, body string, json bool) {
		if _, err := url.ParseRequestURI(target); err != nil || !strings.HasPrefix(target, "/") || strings.ContainsAny(target, " \r\n#") {
			return // no request a client could send
		}
		method := methods[int(m)%len(methods)]
		req := httptest.NewRequest(method, target, strings.NewReader(body))
		if json {
			req.Header.Set("Content-Type", "application/json")
		} else {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		full := rec.Code == http.StatusInsufficientStorage && strings.Contains(rec.Body.String(), "store-full") // the 200 records the run allows
		if rec.Code >= 500 && !full {
			t.Fatalf("%s %q %q: %d %s", method, target, body, rec.Code, rec.Body)
		}
		if rec.Code/100 != 2 || rec.Body.Len() == 0 {
			return
		}
		op := operationAt(s, method, strings.Split(target, "?")[0])
		if op == nil {
			return
		}
		for _, media := range op.Responses[strconv.Itoa(rec.Code)] {
			if media.Type == rec.Header().Get("Content-Type") && media.Schema != nil {
				if err := media.Schema.Validate(decode(t, rec.Body.Bytes())); err != nil {
					t.Fatalf("%s %q %q: the answer breaks its schema: %v\n%s", method, target, body, err, rec.Body)
				}
			}
		}
	})
}

// A create of an id that is held, by an operation that documents no 409,
// updates the record (an upsert: Intercom's createOrUpdateCompany).
func TestInferredCreateOfAHeldIDUpserts(t *testing.T) {
	s := loadRooms(t, WithOverlayFiles("testdata/rooms-no-conflict.overlay.yaml"))
	send(t, s, "POST", "/users", "application/json", `{"username":"ada","name":"Ada"}`)
	if st, v, _ := send(t, s, "POST", "/users", "application/json", `{"username":"ada","name":"Ada L."}`); st != 201 ||
		jsonText(v) != `{"name":"Ada L.","username":"ada"}` {
		t.Fatalf("the same id again: %d %s", st, jsonText(v))
	}
	if _, v, _ := send(t, s, "GET", "/users/ada", "", ""); jsonText(v) != `{"name":"Ada L.","username":"ada"}` {
		t.Fatalf("read: %s", jsonText(v))
	}
	if n := len(s.Store().List("rooms", "users")); n != 1 {
		t.Fatalf("%d users held, want 1", n)
	}
}
