package tmpl

import (
	"reflect"
	"testing"

	"github.com/chatmock/chatmock/internal/codec/jsonbody"
	"github.com/tidwall/gjson"
)

var pathBodies = []string{
	`{"GroupId":"g1","Type":"Public","MemberList":[{"Member_Account":"bob","Role":"Admin"},{"Member_Account":"peter"}],"n":12.50,"ok":true,"none":null,"0":"zero","deep":{"a":{"b":[1,[2,3]]}}}`,
	`[{"id":1},{"id":2},3,"x",null]`,
	`"just a string"`,
	`{"":1,"a":{"":2}}`,
}

var paths = []string{"GroupId", "Type", "MemberList", "MemberList.#", "MemberList.0.Member_Account", "MemberList.1.Role",
	"MemberList.5", "MemberList.01", "MemberList.-1", "MemberList.x", "n", "ok", "none", "0", "deep.a.b.1.0", "deep.a.b.#",
	"deep.#", "GroupId.x", "missing", "missing.#", "#", "0.id", "2", "3.x", "a", "a.", ".a", "deep.a.b.#.0", "MemberList.#.Role",
	"Member*", "GroupId|Type", `Group\Id`, "@this", "1.id"}

// walkPath finds what gjson finds in the body's JSON, wherever it says the
// path is simple.
func TestWalkPathAgreesWithGJSON(t *testing.T) {
	simple := 0
	for _, body := range pathBodies {
		for _, p := range paths {
			if agree(t, body, p) {
				simple++
			}
		}
	}
	if simple < 50 {
		t.Errorf("only %d simple paths: the fast path is not taken", simple)
	}
}

func agree(t *testing.T, body, path string) bool {
	t.Helper()
	v, err := jsonbody.Decode([]byte(body))
	if err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	got, found, simple := walkPath(v, path)
	if !simple {
		return false
	}
	res := gjson.Get(body, path)
	want := GJSONValue(res)
	if found != res.Exists() || (found && !reflect.DeepEqual(got, want)) {
		t.Errorf("%s in %s: walk %#v %v, gjson %#v %v", path, body, got, found, want, res.Exists())
	}
	return true
}

func FuzzWalkPathAgreesWithGJSON(f *testing.F) {
	for _, b := range pathBodies {
		for _, p := range paths {
			f.Add(b, p)
		}
	}
	f.Fuzz(func(t *testing.T, body, path string) {
		if _, err := jsonbody.Decode([]byte(body)); err != nil {
			return
		}
		agree(t, body, path)
	})
}
