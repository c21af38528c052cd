package mockserver

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/chatmock/chatmock/spec"
	"github.com/gorilla/mux"
)

// exchangeWith sends a request (header: name, value, ...) and reads the
// whole answer.
func exchangeWith(s *Server, method, path, ct, body string, header ...string) (*http.Response, []byte) {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp := serve(s, req)
	raw, _ := io.ReadAll(resp.Body)
	return resp, raw
}

// call sends a request and checks the answer against the schema its
// operation documents for that status and media type.
func call(t *testing.T, s *Server, method, path, ct, body string, header ...string) (int, map[string]any, http.Header) {
	t.Helper()
	resp, raw := exchangeWith(s, method, path, ct, body, header...)
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s %s: not JSON: %s", method, path, raw)
	}
	if op := operationAt(s, method, strings.Split(path, "?")[0]); op != nil {
		for _, m := range op.Responses[strconv.Itoa(resp.StatusCode)] {
			if m.Type == resp.Header.Get("Content-Type") && m.Schema != nil {
				if err := m.Schema.Validate(decode(t, raw)); err != nil {
					t.Errorf("%s %s: the answer breaks its schema: %v\n%s", method, path, err, raw)
				}
			}
		}
	}
	return resp.StatusCode, v, resp.Header
}

func operationAt(s *Server, method, path string) *spec.Operation {
	for _, rt := range s.tbl.Load().routes {
		req := httptest.NewRequest(method, path, nil)
		if rt.op.Method == method && rt.matcher.Match(req, new(mux.RouteMatch)) {
			return rt.op
		}
	}
	return nil
}

func TestTencentCreateReadDestroy(t *testing.T) {
	s := newTestServer(t)
	svc := "/v4/group_open_http_svc/"
	post := func(cmd, body string) map[string]any {
		t.Helper()
		_, v, _ := call(t, s, "POST", svc+cmd+tencentQuery, "application/json", body)
		return v
	}
	created := `{"Owner_Account":"leckie","Type":"Public","GroupId":"MyFirstGroup","Name":"腾讯群","Introduction":"intro","MaxMemberCount":500,"ApplyJoinOption":"FreeAccess","AppDefinedData":[{"Key":"k","Value":"v"}],"MemberList":[{"Member_Account":"bob","Role":"Admin"},{"Member_Account":"peter"}]}`
	if v := post("create_group", created); v["GroupId"] != "MyFirstGroup" {
		t.Fatalf("create: %v", v)
	}
	info := post("get_group_info", `{"GroupIdList":["MyFirstGroup","@TGS#missing"]}`)
	entries := info["GroupInfo"].([]any)
	got := entries[0].(map[string]any)
	var sent map[string]any
	_ = json.Unmarshal([]byte(created), &sent)
	for _, k := range []string{"Type", "Name", "Introduction", "Owner_Account", "ApplyJoinOption", "MemberList", "AppDefinedData"} {
		if !reflect.DeepEqual(got[k], sent[k]) {
			t.Errorf("%s read back as %v, created as %v", k, got[k], sent[k])
		}
	}
	if got["GroupId"] != "MyFirstGroup" || got["MaxMemberNum"] != 500.0 || got["MemberNum"] != 2.0 ||
		got["CreateTime"] != float64(fixedNow.Unix()) || got["Appid"] != 88888888.0 || got["ErrorCode"] != 0.0 {
		t.Errorf("read back: %v", got)
	}
	if miss := entries[1].(map[string]any); !reflect.DeepEqual(miss, map[string]any{"GroupId": "@TGS#missing", "ErrorCode": 10010.0, "ErrorInfo": "this group does not exist"}) {
		t.Errorf("a missing group: %v", miss)
	}
	list := post("get_appid_group_list", `{}`)
	if list["TotalCount"] != 1.0 || !reflect.DeepEqual(list["GroupIdList"], []any{map[string]any{"GroupId": "MyFirstGroup"}}) {
		t.Errorf("list: %v", list)
	}
	if v := post("destroy_group", `{"GroupId":"MyFirstGroup"}`); v["ActionStatus"] != "OK" {
		t.Fatalf("destroy: %v", v)
	}
	if v := post("destroy_group", `{"GroupId":"MyFirstGroup"}`); v["ErrorCode"] != 10010.0 {
		t.Errorf("destroying twice: %v", v)
	}
	if e := post("get_group_info", `{"GroupIdList":["MyFirstGroup"]}`)["GroupInfo"].([]any)[0].(map[string]any); e["ErrorCode"] != 10010.0 {
		t.Errorf("a destroyed group reads as %v", e)
	}
	// The destroyed group's ID can be used again, by anyone.
	if v := post("create_group", `{"Owner_Account":"bob","Type":"Public","GroupId":"MyFirstGroup","Name":"again"}`); v["ActionStatus"] != "OK" {
		t.Errorf("reusing a destroyed ID: %v", v)
	}
}

func TestJSONAPICreateThenRead(t *testing.T) {
	s := newTestServer(t)
	ct := "application/vnd.api+json"
	status, created, h := call(t, s, "POST", "/api/v2/message-groups", ct,
		`{"data":{"type":"message-groups","attributes":{"group-chat":true,"chat-room-name":"Team"},"relationships":{"accounts":{"data":[{"type":"accounts","id":"1335"},{"type":"accounts","id":"a b"}]}}}}`)
	self := created["data"].(map[string]any)["links"].(map[string]any)["self"].(string)
	if status != 201 || h.Get("Location") != self {
		t.Fatalf("create: %d %v", status, created)
	}
	path := strings.TrimPrefix(self, "http://example.com")
	if status, got, _ := call(t, s, "GET", path, "", ""); status != 200 || !reflect.DeepEqual(got, created) {
		t.Errorf("GET links.self: %d\n got %v\nwant %v", status, got, created)
	}
	_, rel, _ := call(t, s, "GET", path+"/relationships/accounts", "", "")
	wantData := []any{map[string]any{"type": "accounts", "id": "1335"}, map[string]any{"type": "accounts", "id": "a b"}}
	if !reflect.DeepEqual(rel["data"], wantData) || rel["links"].(map[string]any)["related"] != self+"/accounts" {
		t.Errorf("relationships/accounts: %v", rel)
	}
	_, accts, _ := call(t, s, "GET", path+"/accounts", "", "")
	first := accts["data"].([]any)[0].(map[string]any)
	if first["id"] != "1335" || first["links"].(map[string]any)["self"] != "http://example.com/api/v2/accounts/1335" {
		t.Errorf("accounts: %v", accts)
	}
	for rel, want := range map[string]any{"/messages": []any{}, "/relationships/messages": []any{}, "/last-message": nil, "/relationships/last-message": nil} {
		if status, v, _ := call(t, s, "GET", path+rel, "", ""); status != 200 || !reflect.DeepEqual(v["data"], want) {
			t.Errorf("%s: %d %v", rel, status, v)
		}
	}
	status, missing, _ := call(t, s, "GET", "/api/v2/message-groups/999", "", "")
	if status != 404 || missing["errors"].([]any)[0].(map[string]any)["detail"] != "The record identified by 999 could not be found." {
		t.Errorf("a missing group: %d %v", status, missing)
	}
}

func TestNexudusCreateThenRead(t *testing.T) {
	s := newTestServer(t)
	auth := []string{"Authorization", "Basic YWxpY2VAZXhhbXBsZS5jb206cHc="} // alice@example.com:pw
	_, created, _ := call(t, s, "POST", "/api/support/chatrooms", "application/json", `{"BusinessId":7,"Name":"Help","Active":true,"Users":[1,2]}`, auth...)
	id := created["Value"].(map[string]any)["Id"].(float64)
	path := "/api/support/chatrooms/" + strconv.FormatFloat(id, 'f', -1, 64)
	status, got, _ := call(t, s, "GET", path, "", "", auth...)
	want := map[string]any{"Id": id, "BusinessId": 7.0, "Name": "Help", "Active": true, "Users": []any{1.0, 2.0},
		"UpdatedBy": "alice@example.com", "CreatedOn": created["UpdatedOn"], "UpdatedOn": created["UpdatedOn"]}
	for k, w := range want {
		if !reflect.DeepEqual(got[k], w) {
			t.Errorf("%s read back as %v, want %v", k, got[k], w)
		}
	}
	_, again, _ := call(t, s, "GET", path, "", "", auth...)
	if status != 200 || again["UniqueId"] != got["UniqueId"] {
		t.Errorf("UniqueId is not stable: %v then %v", got["UniqueId"], again["UniqueId"])
	}
	if status, v, _ := call(t, s, "GET", "/api/support/chatrooms/1", "", "", auth...); status != 404 || v["Message"] != "ChatRoom not found." {
		t.Errorf("a missing room: %d %v", status, v)
	}
	if status, _, _ := call(t, s, "GET", path, "", ""); status != 401 {
		t.Errorf("reading without credentials: %d", status)
	}
}
