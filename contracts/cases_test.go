package contracts

import (
	"bytes"
	"context"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"

	"github.com/chatmock/chatmock/mockserver"
	"github.com/chatmock/chatmock/spec"
)

var creds = Credentials{
	Query:  map[string]string{"sdkappid": "88888888", "identifier": "admin", "usersig": "sig"},
	Bearer: "token",
	Basic:  "admin@example.com:secret",
}

// Every documented request example becomes a positive case, and the mock
// answers each with a documented success.
func TestPositiveCasesPassAgainstTheMock(t *testing.T) {
	set, err := spec.Load(context.Background(), spec.Bundled())
	if err != nil {
		t.Fatal(err)
	}
	cases, err := Derive(set, creds)
	if err != nil {
		t.Fatal(err)
	}
	examples := 0
	for _, op := range set.Operations() {
		for _, m := range op.RequestBody {
			examples += len(m.Examples)
		}
	}
	if len(cases) != examples || examples < 16 {
		t.Fatalf("%d cases for %d request examples", len(cases), examples)
	}
	for _, c := range cases {
		t.Run(c.ID, func(t *testing.T) {
			// A fresh mock per case: two examples may create the same custom ID.
			mock, err := mockserver.New(set, mockserver.WithSeed(1))
			if err != nil {
				t.Fatal(err)
			}
			u := c.Path
			if len(c.Query) > 0 {
				u += "?" + c.Query.Encode()
			}
			req := httptest.NewRequest(c.Method, u, bytes.NewReader(c.Body))
			for k, v := range c.Header {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			mock.Handler().ServeHTTP(rec, req)
			if !slices.Contains(c.Expect, strconv.Itoa(rec.Code)) {
				t.Errorf("status %d, want one of %v: %s", rec.Code, c.Expect, rec.Body)
			}
			if c.API == "tencent" && !bytes.Contains(rec.Body.Bytes(), []byte(`"ActionStatus":"OK"`)) {
				t.Errorf("Tencent answered %s", rec.Body)
			}
		})
	}
}

func TestCasesCarryCredentialsAndRequiredParameters(t *testing.T) {
	set, _ := spec.Load(context.Background(), spec.Bundled())
	cases, err := Derive(set, creds)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		switch c.API {
		case "tencent":
			want := "contenttype=json&identifier=admin&random=0&sdkappid=88888888&usersig=sig"
			if got := c.Query.Encode(); got != want {
				t.Errorf("%s: query %s, want %s", c.ID, got, want)
			}
		case "nexudus":
			if c.Header["Authorization"] != "Bearer token" {
				t.Errorf("%s: Authorization %q", c.ID, c.Header["Authorization"])
			}
		}
	}
	form := formEncode(map[string]any{"group": map[string]any{"name": "a b", "id": 1}, "members": []any{map[string]any{"member_id": 3}}})
	if form != "group%5Bid%5D=1&group%5Bname%5D=a+b&members%5B0%5D%5Bmember_id%5D=3" {
		t.Errorf("form %s", form)
	}
}
