package jsonbody

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// tencentBody is the Tencent create_group seed request.
const tencentBody = `{"Owner_Account":"leckie","Type":"Public","GroupId":"MyFirstGroup","Name":"TestGroup","Introduction":"This is group Introduction","Notification":"This is group Notification","FaceUrl":"http://this.is.face.url","MaxMemberCount":500,"ApplyJoinOption":"FreeAccess","AppDefinedData":[{"Key":"GroupTestData1","Value":"xxxxx"},{"Key":"GroupTestData2","Value":"abc\\u0000\\u0001"}],"MemberList":[{"Member_Account":"bob","Role":"Admin","AppMemberDefinedData":[{"Key":"MemberDefined1","Value":"MemberData1"},{"Key":"MemberDefined2","Value":"MemberData2"}]},{"Member_Account":"peter","AppMemberDefinedData":[{"Key":"MemberDefined1","Value":"MemberData1"},{"Key":"MemberDefined2","Value":"MemberData2"}]}]}`

// wideBody is an array of 100,000 small objects.
var wideBody = "[" + strings.Repeat(`{"id":12345,"name":"member","admin":false},`, 99_999) +
	`{"id":12345,"name":"member","admin":false}]`

// deepBody is 10,000 nested arrays.
var deepBody = strings.Repeat("[", 10_000) + strings.Repeat("]", 10_000)

// decodeStd is what the mock did before: encoding/json with UseNumber.
func decodeStd(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

func benchBoth(b *testing.B, body string) {
	data := []byte(body)
	for _, c := range []struct {
		name   string
		decode func([]byte) (any, error)
	}{{"jsonbody", Decode}, {"encoding-json", decodeStd}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				c.decode(data)
			}
		})
	}
}

func BenchmarkTencentBody(b *testing.B) { benchBoth(b, tencentBody) }

// BenchmarkHostileBody measures bodies built to cost: one wide (Decode
// accepts it) and one deep (Decode refuses it at the 65th bracket).
func BenchmarkHostileBody(b *testing.B) {
	b.Run("wide", func(b *testing.B) { benchBoth(b, wideBody) })
	b.Run("deep", func(b *testing.B) { benchBoth(b, deepBody) })
}
