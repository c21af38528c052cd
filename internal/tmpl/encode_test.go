package tmpl

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/chatmock/chatmock/internal/codec/jsonbody"
)

var encodeSeeds = []string{
	`{"b":1,"a":[true,false,null,"x"],"c":{"z":"<&>","y":"\u2028\u2029\b\f\n\r\t\u0001\u001f\"\\"}}`,
	`[1.5e10,-0,0.25,-12E-3,123456789012345678901234567890]`,
	`"\ud83d\ude00 é 漢字"`, `{}`, `[]`, `null`, `{"":{"":[]}}`,
}

// appendJSON writes what encoding/json writes, byte for byte, for every
// decoded body; and leaves what it cannot write to encoding/json.
func TestAppendJSONAgreesWithEncodingJSON(t *testing.T) {
	for _, s := range encodeSeeds {
		same(t, []byte(s))
	}
	for _, v := range []any{"\xff\xfe bad utf-8", map[string]any{"\xffk": "v"}, json.Number("01"), json.Number("1."), json.Number("")} {
		want, wantErr := encodeReflect(v)
		got, ok := appendJSON(nil, v, 0)
		if ok && (wantErr != nil || !bytes.Equal(got, want)) {
			t.Errorf("%#v: appendJSON %s, encoding/json %s %v", v, got, want, wantErr)
		}
		if !ok && wantErr == nil {
			t.Errorf("%#v: appendJSON left to encoding/json what it writes, %s", v, want)
		}
	}
	if _, ok := appendJSON(nil, map[string]any{"f": 1.5}, 0); ok {
		t.Error("a float64 is encoding/json's to write")
	}
}

func same(t *testing.T, body []byte) {
	t.Helper()
	v, err := jsonbody.Decode(body)
	if err != nil {
		return
	}
	want, err := encodeReflect(v)
	if err != nil {
		t.Fatalf("%s: encoding/json: %v", body, err)
	}
	got, ok := appendJSON(nil, v, 0)
	if !ok || !bytes.Equal(got, want) {
		t.Errorf("%s:\nappendJSON    %s (%v)\nencoding/json %s", body, got, ok, want)
	}
	want, err = json.Marshal(v)
	if err != nil {
		t.Fatalf("%s: json.Marshal: %v", body, err)
	}
	if got, err := MarshalJSON(v); err != nil || !bytes.Equal(got, want) {
		t.Errorf("%s:\nMarshalJSON  %s (%v)\njson.Marshal %s", body, got, err, want)
	}
}

func FuzzAppendJSONAgreesWithEncodingJSON(f *testing.F) {
	for _, s := range encodeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) { same(t, body) })
}
