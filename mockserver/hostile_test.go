package mockserver

import (
	"bytes"

	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// hostile is a request built to break a parser, a validator or the
// server's memory.
type hostile struct {
	name  string
	api   string
	path  string
	ctype string
	body  []byte
	// want: the status, and a fragment the answer must hold.
	status int
	holds  string
	errors int // how many JSON:API error objects, when it matters
}

var apiPaths = map[string]string{
	"tencent": "/v4/group_open_http_svc/create_group" + tencentQuery,
	"jsonapi": "/api/v2/message-groups",
	"aspnet":  "/api/chat/v2/create_group",
	"nexudus": "/api/support/chatrooms",
}

var apiJSON = map[string]string{"tencent": "application/json", "jsonapi": "application/vnd.api+json", "aspnet": "application/json", "nexudus": "application/json"}

func deep(open, close string, n int) []byte {
	return []byte(strings.Repeat(open, n) + strings.Repeat(close, n))
}

// refused is how each API answers a body it cannot read: Tencent's 60003
// (it never says why), the others a 400 that says why.
func refused(api, why string) (int, string) {
	if api == "tencent" {
		return 200, `"ErrorCode":60003,"ErrorInfo":"Json parse Error"`
	}
	return 400, why
}

func hostileCases() []hostile {
	var cases []hostile
	for _, api := range []string{"tencent", "jsonapi", "aspnet", "nexudus"} {
		add := func(name string, body []byte, why string) {
			status, holds := refused(api, why)
			cases = append(cases, hostile{name: name, api: api, path: apiPaths[api], ctype: apiJSON[api], body: body, status: status, holds: holds})
		}
		add("invalid-utf8", []byte("{\"Name\":\"\xff\xfe\"}"), "invalid JSON at byte 9: a string holds invalid UTF-8")
		add("nesting-10000", deep("[", "]", 10000), "invalid JSON at byte 64: objects and arrays nest deeper than 64 levels")
		add("nesting-10000-objects", []byte(strings.Repeat(`{"a":`, 10000)+"1"+strings.Repeat("}", 10000)),
			"invalid JSON at byte 320: objects and arrays nest deeper than 64 levels")
		add("duplicate-keys", []byte(`{"Name":"a","Name":"b"}`), `invalid JSON at byte 12: duplicate key \"Name\" in an object`)
		add("nul-raw", []byte("{\"Name\":\"a\x00b\"}"), "invalid JSON at byte 10: a control character U+0000 must be escaped in a string")
		add("nul-outside", []byte("{\x00}"), "invalid JSON at byte 1: unexpected character U+0000, expected a string key or '}'")
		add("number-exponent-999999", []byte(`{"MaxMemberCount":1e-999999,"BusinessId":1e-999999,"group":{"id":1e-999999}}`),
			"a number longer than 100 characters or with an exponent past ±1000 is not accepted")
		add("lone-surrogate", []byte(`{"Name":"\ud800"}`), "is the first half of a surrogate pair")
		tooLarge := hostile{name: "body-10MiB", api: api, path: apiPaths[api], ctype: apiJSON[api], body: bytes.Repeat([]byte(" "), 10<<20),
			status: 413, holds: "the body is larger than 1048576 bytes"}
		if api == "tencent" {
			tooLarge.status, tooLarge.holds = 200, `"ErrorCode":60008`
		}
		cases = append(cases, tooLarge)
	}
	array := "[" + strings.Repeat(`{"a":1},`, 99999) + `{"a":1}]`
	sevens := strings.Repeat(`7,`, 99999) + `7`
	return append(cases,
		// A 100,000-element array where an object belongs: one failure, the
		// value quoted in part.
		hostile{name: "array-100000", api: "tencent", path: apiPaths["tencent"], ctype: "application/json", body: []byte(array),
			status: 200, holds: `"ErrorCode":10004`},
		hostile{name: "array-100000", api: "jsonapi", path: apiPaths["jsonapi"], ctype: "application/vnd.api+json", body: []byte(array),
			status: 422, holds: `{\"a\":1},{\"a\":1}…`},
		hostile{name: "array-100000", api: "aspnet", path: apiPaths["aspnet"], ctype: "application/json", body: []byte(array),
			status: 400, holds: `"ModelState":{"bag":["Could not convert [{\"a\":1}`},
		hostile{name: "array-100000", api: "nexudus", path: apiPaths["nexudus"], ctype: "application/json", body: []byte(array),
			status: 400, holds: `"Message":"is not a valid object","PropertyName":""`},
		// 100,000 wrong items: the API's limit, or the first hundred failures.
		hostile{name: "member-list-100000", api: "tencent", path: apiPaths["tencent"], ctype: "application/json",
			body: []byte(`{"Type":"Public","Name":"g","MemberList":[` + sevens + `]}`), status: 200, holds: `"ErrorCode":10005`},
		hostile{name: "array-100000-items", api: "jsonapi", path: apiPaths["jsonapi"], ctype: "application/vnd.api+json",
			body:   []byte(`{"data":{"type":"message-groups","relationships":{"accounts":{"data":[` + sevens + `]}}}}`),
			status: 422, holds: `"pointer":"/data/relationships/accounts/data/0"}`, errors: 100},
		hostile{name: "number-beyond-int64", api: "tencent", path: apiPaths["tencent"], ctype: "application/json",
			body: []byte(`{"Type":"Public","Name":"g","MaxMemberCount":123456789012345678901234567890}`), status: 200,
			holds: `{"ActionStatus":"FAIL","ErrorCode":10004,"ErrorInfo":"MaxMemberCount is out of range"}`},
		hostile{name: "number-beyond-int64", api: "nexudus", path: apiPaths["nexudus"], ctype: "application/json",
			body: []byte(`{"BusinessId":9223372036854775808}`), status: 400,
			holds: `"Errors":[{"AttemptedValue":9223372036854775808,"Message":"is not a valid integer","PropertyName":"BusinessId"}]`},
		hostile{name: "number-beyond-int32", api: "aspnet", path: apiPaths["aspnet"], ctype: "application/json",
			body: []byte(`{"group":{"id":2147483648}}`), status: 400,
			holds: `{"Message":"The request is invalid.","ModelState":{"bag.group.id":["The value 2147483648 is not valid for id."]}}`},
		hostile{name: "xml-doctype", api: "aspnet", path: apiPaths["aspnet"], ctype: "application/xml",
			body:   []byte(`<!DOCTYPE ChatGroupBag [<!ENTITY x "y">]><ChatGroupBag xmlns="http://schemas.datacontract.org/2004/07/Stocks.Controllers">&x;</ChatGroupBag>`),
			status: 400, holds: `"ModelState":{"bag":["XML line 1: DOCTYPE and entity declarations are not accepted"]}`},
		hostile{name: "xml-billion-laughs", api: "aspnet", path: apiPaths["aspnet"], ctype: "application/xml",
			body:   []byte(`<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><ChatGroupBag>&b;</ChatGroupBag>`),
			status: 400, holds: `"ModelState":{"bag":["XML line 1: DOCTYPE and entity declarations are not accepted"]}`},
		hostile{name: "xml-nesting-10000", api: "aspnet", path: apiPaths["aspnet"], ctype: "application/xml",
			body:   []byte(`<ChatGroupBag xmlns="http://schemas.datacontract.org/2004/07/Stocks.Controllers">` + string(deep("<group>", "</group>", 10000)) + `</ChatGroupBag>`),
			status: 400, holds: `"ModelState":{"bag":["XML line 1: elements are nested more than 64 deep"]}`},
		hostile{name: "xml-not-utf8", api: "aspnet", path: apiPaths["aspnet"], ctype: "application/xml",
			body:   []byte("<ChatGroupBag xmlns=\"http://schemas.datacontract.org/2004/07/Stocks.Controllers\"><group xmlns:d=\"http://schemas.datacontract.org/2004/07/Stocks.Models\"><d:name>\xff</d:name></group></ChatGroupBag>"),
			status: 400, holds: `"ModelState":{"bag":["XML line 1: `},
		// ASP.NET's model binding ignores keys it has no member for, however deep.
		hostile{name: "form-nesting-10000", api: "aspnet", path: apiPaths["aspnet"], ctype: "application/x-www-form-urlencoded",
			body: []byte("group" + strings.Repeat("[a]", 10000) + "=1"), status: 200, holds: `"members":null`},
		hostile{name: "form-number-exponent-999999", api: "aspnet", path: apiPaths["aspnet"], ctype: "application/x-www-form-urlencoded",
			body: []byte("group[id]=1e-999999"), status: 400, holds: `"ModelState":{"bag.group.id":["Could not convert \"1e-999999\" to integer. Path 'group.id'."]}`},
		hostile{name: "xml-number-exponent-999999", api: "aspnet", path: apiPaths["aspnet"], ctype: "application/xml",
			body:   []byte(`<ChatGroupBag xmlns="http://schemas.datacontract.org/2004/07/Stocks.Controllers"><group xmlns:d="http://schemas.datacontract.org/2004/07/Stocks.Models"><d:id>1e-999999</d:id></group></ChatGroupBag>`),
			status: 400, holds: `"bag.group.id":["Could not convert \"1e-999999\" to integer. Path 'group.id'."]`},
		hostile{name: "form-not-utf8", api: "aspnet", path: apiPaths["aspnet"], ctype: "application/x-www-form-urlencoded",
			body: []byte("group[name]=%FF"), status: 400, holds: `form key \"group[name]\": the value is not UTF-8 once percent-decoded`},
		hostile{name: "query-bad-percent", api: "tencent", path: "/v4/group_open_http_svc/create_group?sdkappid=88888888&identifier=ad%zzmin&usersig=xxx&random=99999999&contenttype=json",
			ctype: "application/json", body: []byte(`{"Type":"Public","Name":"g"}`), status: 200, holds: `"ErrorCode":60002`},
		hostile{name: "query-bad-percent", api: "jsonapi", path: apiPaths["jsonapi"] + "?include=%zz",
			ctype: "application/vnd.api+json", body: []byte(`{"data":{"type":"message-groups"}}`), status: 422,
			holds: `"detail":"Invalid parameter 'include' value \"%zz\"","source":{"pointer":""}`},
		hostile{name: "random-beyond-uint32", api: "tencent", path: "/v4/group_open_http_svc/create_group?sdkappid=88888888&identifier=admin&usersig=xxx&random=99999999999999999999999&contenttype=json",
			ctype: "application/json", body: []byte(`{"Type":"Public","Name":"g"}`), status: 200, holds: `"ErrorCode":60002`},
	)
}

// TestHostileInputs sends each hostile request and checks the answer: the
// status and text expected, in the API's own envelope, never larger than
// 64 KiB whatever the request's size.
func TestHostileInputs(t *testing.T) {
	s := newTestServer(t)
	for _, c := range hostileCases() {
		t.Run(c.api+"/"+c.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, c.path, bytes.NewReader(c.body))
			req.Header.Set("Content-Type", c.ctype)
			if c.api == "jsonapi" || c.api == "nexudus" {
				req.Header.Set("Authorization", "Bearer t")
			}
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			body := rec.Body.Bytes()
			if err := inEnvelope(c.api, rec.Code, rec.Header().Get("Content-Type"), body); err != nil {
				t.Fatal(err)
			}
			if rec.Code != c.status || !bytes.Contains(body, []byte(c.holds)) {
				t.Errorf("got %d %s\nwant %d holding %s", rec.Code, clipped(body), c.status, c.holds)
			}
			if n := bytes.Count(body, []byte(`"code":"100"`)); c.errors > 0 && n != c.errors {
				t.Errorf("%d error objects, want %d", n, c.errors)
			}
			if len(body) > 64<<10 {
				t.Errorf("the answer is %d bytes", len(body))
			}
		})
	}
}

// 1 MiB of headers on a valid request is answered as usual; the journal
// keeps a clipped copy of them.
func TestMegabyteOfHeaders(t *testing.T) {
	s := newTestServer(t)
	req := httptest.NewRequest(http.MethodPost, apiPaths["tencent"], strings.NewReader(`{"Type":"Public","Name":"g"}`))
	req.Header.Set("Content-Type", "application/json")
	for i := range 16 {
		req.Header.Set("X-Pad-"+strconv.Itoa(i), strings.Repeat("x", 64<<10))
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"ActionStatus":"OK"`) {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	e := s.Journal().Entries()[0]
	n := 0
	for k, vs := range e.RequestHeaders {
		for _, v := range vs {
			n += len(k) + len(v)
		}
	}
	if n > maxJournalBody+16*len("X-Pad-00[clipped]") {
		t.Errorf("the journal keeps %d bytes of headers", n)
	}
}
