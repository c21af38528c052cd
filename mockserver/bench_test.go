package mockserver

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The seed's full Tencent create_group request ("all-fields").
const benchBody = `{"Owner_Account":"leckie","Type":"Public","Name":"TestGroup","Introduction":"This is group Introduction","Notification":"This is group Notification","FaceUrl":"http://this.is.face.url","MaxMemberCount":500,"ApplyJoinOption":"FreeAccess","AppDefinedData":[{"Key":"GroupTestData1","Value":"xxxxx"},{"Key":"GroupTestData2","Value":"abc\\u0000\\u0001"}],"MemberList":[{"Member_Account":"bob","Role":"Admin","AppMemberDefinedData":[{"Key":"MemberDefined1","Value":"MemberData1"},{"Key":"MemberDefined2","Value":"MemberData2"}]},{"Member_Account":"peter","AppMemberDefinedData":[{"Key":"MemberDefined1","Value":"MemberData1"},{"Key":"MemberDefined2","Value":"MemberData2"}]}]}`

func bench(b *testing.B, h http.Handler) {
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodPost, "/v4/group_open_http_svc/create_group"+tencentQuery, strings.NewReader(benchBody))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d", rec.Code)
			}
		}
	})
}

// BenchmarkBareHandler is the baseline: read the body, answer fixed bytes.
func BenchmarkBareHandler(b *testing.B) {
	answer := []byte(`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","GroupId":"@TGS#2J4SZEAEL"}`)
	bench(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		buf := make([]byte, 4096)
		for {
			if _, err := r.Body.Read(buf); err != nil {
				break
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(answer)
	}))
}

// BenchmarkTencentCreateGroup is the whole request path of the mock on the
// seed's full request: validation, rules, store, live answer, journal.
// The custom GroupId is left out so that every call creates a new group.
func BenchmarkTencentCreateGroup(b *testing.B) {
	s := newTestServer(b)
	bench(b, s.Handler())
}
