package mocktest_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/chatmock/chatmock/mockserver/mocktest"
)

const createGroup = "/v4/group_open_http_svc/create_group?sdkappid=88888888&identifier=admin&usersig=xxx&random=99999999&contenttype=json"

// A Tencent create_group twice with the same GroupId: the bundled rules
// answer the second 10025; an armed scenario answers the next call 10021.
// In a test, mocktest.NewServer(t) does the same and closes the mock when
// the test ends.
func Example() {
	mock, err := mocktest.Start()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer mock.Close()
	post := func(body string) string {
		resp, err := http.Post(mock.URL+createGroup, "application/json", strings.NewReader(body))
		if err != nil {
			return err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	group := `{"Owner_Account":"leckie","Type":"Public","Name":"TestGroup","GroupId":"MyFirstGroup"}`
	fmt.Println(strings.Contains(post(group), `"ActionStatus":"OK"`))
	fmt.Println(post(group))
	if _, err := mock.Arm(`{"operation":"create_group","example":"10021","times":1}`); err != nil {
		fmt.Println(err)
	}
	fmt.Println(post(`{"Type":"Public","Name":"Other"}`))
	calls, _ := mock.Calls("create_group")
	fmt.Println(calls, "calls")
	// Output:
	// true
	// {"ActionStatus":"FAIL","ErrorCode":10025,"ErrorInfo":"group id has be used by youself!"}
	// {"ActionStatus":"FAIL","ErrorCode":10021,"ErrorInfo":"group id has be used!"}
	// 3 calls
}
