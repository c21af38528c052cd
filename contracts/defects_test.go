package contracts

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chatmock/chatmock/mockserver"
)

// defective wraps the mock and breaks its answers the way a faulty
// implementation would.
func defective(h http.Handler, breakIt func(r *http.Request, status int, header http.Header, body []byte) (int, []byte)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		status, body := breakIt(r, rec.Code, rec.Header(), rec.Body.Bytes())
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		_, _ = w.Write(body)
	})
}

// One deliberate defect at a time is caught, each by a failing case whose
// message names it.
func TestDefectsAreCaught(t *testing.T) {
	set, all := bundled(t)
	path := func(r *http.Request, p string) bool { return r.URL.Path == p && r.Method == http.MethodPost }
	tests := []struct {
		name, api string
		breakIt   func(r *http.Request, status int, h http.Header, body []byte) (int, []byte)
		want      string // a problem naming the defect
	}{
		{"a wrong status", "jsonapi", func(r *http.Request, status int, h http.Header, b []byte) (int, []byte) {
			if status == 201 {
				return 200, b
			}
			return status, b
		}, "status: 200 is not a status the operation documents"},
		{"a missing required response field", "jsonapi", func(r *http.Request, status int, h http.Header, b []byte) (int, []byte) {
			return status, bytes.Replace(b, []byte(`"id":"1",`), nil, 1)
		}, "body /data: missing property 'id' (required)"},
		{"a wrong field type", "nexudus", func(r *http.Request, status int, h http.Header, b []byte) (int, []byte) {
			return status, regexp.MustCompile(`"Id":(\d+)`).ReplaceAll(b, []byte(`"Id":"$1"`))
		}, "body /Value/Id: got string, want integer (type)"},
		{"ErrorCode 0 with FAIL", "tencent", func(r *http.Request, status int, h http.Header, b []byte) (int, []byte) {
			return status, regexp.MustCompile(`"ErrorCode":\d+`).ReplaceAll(b, []byte(`"ErrorCode":0`))
		}, "body /ErrorCode: want 10004, got 0"},
		{"an over-long byte Name accepted", "tencent", func(r *http.Request, status int, h http.Header, b []byte) (int, []byte) {
			if bytes.Contains(b, []byte("group name is too long")) {
				return status, []byte(`{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0,"GroupId":"@TGS#2ACCEPTED"}`)
			}
			return status, b
		}, "body /ActionStatus: want FAIL, got OK (for x-max-bytes at /Name)"},
		{"a missing Location", "jsonapi", func(r *http.Request, status int, h http.Header, b []byte) (int, []byte) {
			h.Del("Location")
			return status, b
		}, "header Location: required by the document, missing"},
		{"a wrong Content-Type", "nexudus", func(r *http.Request, status int, h http.Header, b []byte) (int, []byte) {
			h.Set("Content-Type", "text/html")
			return status, b
		}, `Content-Type: "text/html" is not documented for 200`},
		{"an XML answer in the wrong namespace", "aspnet", func(r *http.Request, status int, h http.Header, b []byte) (int, []byte) {
			return status, bytes.ReplaceAll(b, []byte("Stocks.Controllers"), []byte("Stocks.Other"))
		}, "Expecting element 'ChatGroupBag' from namespace 'http://schemas.datacontract.org/2004/07/Stocks.Controllers'"},
		{"a 400 without the field named", "aspnet", func(r *http.Request, status int, h http.Header, b []byte) (int, []byte) {
			if status == 400 && path(r, "/api/chat/v2/create_group") {
				return status, []byte(`{"Message":"The request is invalid.","ModelState":{}}`)
			}
			return status, b
		}, "body /ModelState/bag.group.id: missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cases []*Case
			for _, c := range all {
				if c.API == tt.api {
					cases = append(cases, c)
				}
			}
			failed := 0
			for _, c := range cases {
				mock, err := mockserver.Load(context.Background(), mockserver.WithDocumentSet(set), mockserver.WithSeed(1))
				if err != nil {
					t.Fatal(err)
				}
				srv := httptest.NewServer(defective(mock.Handler(), tt.breakIt))
				res := Run(context.Background(), set, []*Case{c}, RunOptions{Target: srv.URL}).Results[0]
				srv.Close()
				if res.Outcome == Failed && strings.Contains(strings.Join(Messages(res.Problems), "\n"), tt.want) {
					failed++
				}
			}
			if failed == 0 {
				t.Errorf("no case failed with %q", tt.want)
			}
		})
	}
}
