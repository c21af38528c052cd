package mockserver

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/chatmock/chatmock/internal/codec/jsonbody"
)

// compactValid writes what json.Compact writes, for every body jsonbody
// accepts.
func FuzzCompactValid(f *testing.F) {
	for _, s := range []string{"{\n  \"a\" : [ 1 , \"x y\\\" \\\\\" ],\r\n\t\"b\": {}\n}", ` "s \" \\ \n" `, `[ ]`, "{\"<&>\": \"\u2028\"}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if _, err := jsonbody.Decode(body); err != nil {
			return
		}
		var want bytes.Buffer
		if err := json.Compact(&want, body); err != nil {
			t.Fatalf("%q: json.Compact: %v", body, err)
		}
		if got := compactValid(nil, body); !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%q:\ncompactValid %q\njson.Compact %q", body, got, want.Bytes())
		}
	})
}
