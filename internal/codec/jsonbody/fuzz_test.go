package jsonbody

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"path"
	"reflect"
	"regexp"
	"testing"
	"unicode/utf8"

	"github.com/chatmock/chatmock/fixtures"
)

// FuzzAgreesWithEncodingJSON checks Decode against encoding/json: what Decode
// accepts, encoding/json accepts with the same value; what encoding/json
// accepts and Decode refuses, Decode refuses for one of its own stricter
// rules, and that rule does hold for the body.
func FuzzAgreesWithEncodingJSON(f *testing.F) {
	for _, s := range accepted {
		f.Add([]byte(s))
	}
	for _, c := range refused {
		f.Add([]byte(c.in))
	}
	for _, b := range seedBodies(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		sent := bytes.Clone(b)
		got, err := Decode(b)
		if !bytes.Equal(b, sent) {
			t.Fatal("Decode changed its input")
		}
		want, stdErr := decodeStdStrict(b)
		if err == nil {
			if stdErr != nil {
				t.Fatalf("Decode accepted what encoding/json refuses (%v): got %#v", stdErr, got)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("values differ:\n got %#v\nwant %#v", got, want)
			}
			return
		}
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Fatalf("error %T %v is not a *SyntaxError", err, err)
		}
		if se.Offset < 0 || se.Offset > int64(len(b)) || se.Msg == "" {
			t.Fatalf("error out of range for a %d-byte body: %v", len(b), err)
		}
		if stdErr != nil {
			return
		}
		switch se.kind {
		case kindSyntax:
			t.Fatalf("Decode refused what encoding/json accepts: %v", err)
		case kindUTF8:
			if utf8.Valid(b) {
				t.Fatalf("invalid UTF-8 claimed in valid UTF-8: %v", err)
			}
		case kindSurrogate:
			if !surrogateEscape.Match(b) {
				t.Fatalf("surrogate claimed without a surrogate escape: %v", err)
			}
		case kindDuplicate:
			if !hasDuplicateKey(t, b) {
				t.Fatalf("duplicate key claimed where encoding/json sees none: %v", err)
			}
		case kindDepth:
			if depth(want) <= MaxDepth {
				t.Fatalf("depth refused for a value %d deep: %v", depth(want), err)
			}
		case kindNumber:
			if !hugeNumber.Match(b) {
				t.Fatalf("a number refused in a body without a long one: %v", err)
			}
		}
	})
}

var surrogateEscape = regexp.MustCompile(`\\u[dD][89a-fA-F]`)

// hugeNumber finds a number-like run too long, or an exponent too large,
// for MaxNumberLength and MaxExponent (anywhere, strings included: enough
// to tell the refusal had a reason).
var hugeNumber = regexp.MustCompile(`[0-9.eE+-]{101,}|[eE][+-]?0*[1-9][0-9]{3,}`)

// seedBodies returns the JSON samples of fixtures/seeds, as stored and with
// their inline comments removed, and the Tencent benchmark body.
func seedBodies(tb testing.TB) [][]byte {
	bodies := [][]byte{[]byte(tencentBody)}
	err := fs.WalkDir(fixtures.FS, "seeds", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || path.Ext(p) != ".json" {
			return err
		}
		b, err := fs.ReadFile(fixtures.FS, p)
		if err != nil {
			return err
		}
		bodies = append(bodies, b)
		if clean := fixtures.SeedJSON(b); !bytes.Equal(clean, b) {
			bodies = append(bodies, clean)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if len(bodies) < 5 {
		tb.Fatalf("found only %d seed bodies", len(bodies))
	}
	return bodies
}

// decodeStdStrict is decodeStd that also refuses anything after the value.
func decodeStdStrict(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("more after the value")
	}
	return v, nil
}

// hasDuplicateKey reports whether an object of the JSON text b, which
// encoding/json accepts, repeats a key, walking its tokens.
func hasDuplicateKey(t *testing.T, b []byte) bool {
	type frame struct {
		keys     map[string]bool // nil for an array
		wantsKey bool
	}
	var stack []frame
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return false
		}
		if err != nil {
			t.Fatalf("encoding/json tokens: %v", err)
		}
		if n := len(stack); n > 0 && stack[n-1].keys != nil && stack[n-1].wantsKey && tok != json.Delim('}') {
			k := tok.(string)
			if stack[n-1].keys[k] {
				return true
			}
			stack[n-1].keys[k], stack[n-1].wantsKey = true, false
			continue
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, frame{keys: map[string]bool{}, wantsKey: true})
			continue
		case json.Delim('['):
			stack = append(stack, frame{})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		// A value ended: the object around it wants its next key.
		if n := len(stack); n > 0 && stack[n-1].keys != nil {
			stack[n-1].wantsKey = true
		}
	}
}

// depth is how many objects and arrays nest in v.
func depth(v any) int {
	most := 0
	switch v := v.(type) {
	case map[string]any:
		for _, e := range v {
			most = max(most, depth(e))
		}
	case []any:
		for _, e := range v {
			most = max(most, depth(e))
		}
	default:
		return 0
	}
	return most + 1
}
