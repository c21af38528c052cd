package schemafast_test

import (
	"testing"
)

// tencentBody is the seed's full Tencent create_group request.
const tencentBody = `{"Owner_Account":"leckie","Type":"Public","GroupId":"MyFirstGroup","Name":"TestGroup","Introduction":"This is group Introduction","Notification":"This is group Notification","FaceUrl":"http://this.is.face.url","MaxMemberCount":500,"ApplyJoinOption":"FreeAccess","AppDefinedData":[{"Key":"GroupTestData1","Value":"xxxxx"},{"Key":"GroupTestData2","Value":"abc\\u0000\\u0001"}],"MemberList":[{"Member_Account":"bob","Role":"Admin","AppMemberDefinedData":[{"Key":"MemberDefined1","Value":"MemberData1"},{"Key":"MemberDefined2","Value":"MemberData2"}]},{"Member_Account":"peter","AppMemberDefinedData":[{"Key":"MemberDefined1","Value":"MemberData1"},{"Key":"MemberDefined2","Value":"MemberData2"}]}]}`

// BenchmarkTencentBody validates the Tencent create_group body with
// jsonschema and with the Checker.
//
//	go test -run '^$' -bench TencentBody ./schemafast
func BenchmarkTencentBody(b *testing.B) {
	var d *docSchema
	for _, x := range documentSchemas(b) {
		if x.where == "create_group request application/json" {
			d = x
		}
	}
	if d == nil || d.checker == nil {
		b.Fatal("no compiled create_group request schema")
	}
	v := decode(b, tencentBody)
	if d.schema.Validate(v) != nil || !d.checker.Valid(v) {
		b.Fatal("the body should be valid")
	}
	b.Run("jsonschema", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if d.schema.Validate(v) != nil {
				b.Fatal("invalid")
			}
		}
	})
	b.Run("schemafast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if !d.checker.Valid(v) {
				b.Fatal("invalid")
			}
		}
	})
}
