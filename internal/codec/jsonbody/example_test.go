package jsonbody_test

import (
	"errors"
	"fmt"

	"github.com/chatmock/chatmock/internal/codec/jsonbody"
)

func ExampleDecode() {
	v, err := jsonbody.Decode([]byte(`{"GroupId":"@TGS#1","MaxMemberCount":12345678901234567890}`))
	fmt.Println(v, err)

	_, err = jsonbody.Decode([]byte(`{"Name":"a","Name":"b"}`))
	var se *jsonbody.SyntaxError
	if errors.As(err, &se) {
		fmt.Println(se.Offset, se.Msg)
	}
	fmt.Println(err)
	// Output:
	// map[GroupId:@TGS#1 MaxMemberCount:12345678901234567890] <nil>
	// 12 duplicate key "Name" in an object
	// invalid JSON at byte 12: duplicate key "Name" in an object
}
