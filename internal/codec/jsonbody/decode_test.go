package jsonbody

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// keys returns an object of n members "k0":0, "k1":1, ... with extra
// appended before the closing brace.
func keys(n int, extra string) string {
	var sb strings.Builder
	sb.WriteByte('{')
	for i := range n {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `"k%d":%d`, i, i)
	}
	return sb.String() + extra + "}"
}

// nest wraps inner in n arrays.
func nest(n int, inner string) string {
	return strings.Repeat("[", n) + inner + strings.Repeat("]", n)
}

// nestObjects wraps inner in n objects, each under the key "a".
func nestObjects(n int, inner string) string {
	return strings.Repeat(`{"a":`, n) + inner + strings.Repeat("}", n)
}

// accepted lists bodies Decode must accept; each is compared with
// encoding/json's result.
var accepted = []string{
	`{}`, `[]`, " \t\r\n{ } \n", "[\n]", `0`, `-0`, `-0.0`, `1e400`, `-1.5E-10`, `0.1e+5`, `2E-0`,
	`123456789012345678901234567890.000000000000000000001`,
	`true`, `false`, `null`, `""`, `" "`,
	`"a\"b\\c\/d\b\f\n\r\t"`,
	`"\u00e9\u4E2D\ud83d\ude00\uDBFF\uDFFF"`,
	`"\u0000"`, `"abc\u0000def"`, `"é中😀"`, `"\uFFFD"`, "\"\xef\xbf\xbd\"", "\"\x7f\"",
	`{"a":[{"b":[[],{}]}],"c":{"d":null},"e":[1,"x",true,false,null,-2.5]}`,
	`[{"a":1},{"a":2},{"a":3}]`,
	`{"a":1,"\u0062":2,"\u00e9":3,"é\n":4}`,
	`{"` + strings.Repeat("long", 20) + `":1,"` + strings.Repeat("long", 21) + `":2}`,
	`{"":1," ":2}`,
	`[{"axxb":1,"ayxb":2},{"ayxb":3,"axxb":4},{"axxb":5}]`, // keys that share a key cache slot
	keys(15, ""), keys(16, ""), keys(17, ""), keys(40, `,"inner":`+keys(20, "")),
	nest(MaxDepth, "1"), nest(MaxDepth, ""), nestObjects(MaxDepth-1, "[]"), nestObjects(MaxDepth, "1"),
	tencentBody,
}

func TestDecodeMatchesEncodingJSON(t *testing.T) {
	for _, in := range accepted {
		t.Run(clip(in), func(t *testing.T) {
			got, err := Decode([]byte(in))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			want, err := decodeStd([]byte(in))
			if err != nil {
				t.Fatalf("encoding/json: %v", err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %#v\nwant %#v", got, want)
			}
		})
	}
}

func TestDecodeKeepsWhatWasSent(t *testing.T) {
	for _, c := range []struct {
		in   string
		want any
	}{
		{`123456789012345678901234567890`, json.Number("123456789012345678901234567890")},
		{`1e400`, json.Number("1e400")},
		{`-0`, json.Number("-0")},
		{`"\u0000"`, "\x00"},
		{`"\/"`, "/"},
		{`"\ud83d\ude00"`, "😀"},
		{`[]`, []any{}},
		{`{}`, map[string]any{}},
		{`{"Value":"abc\\u0000\\u0001"}`, map[string]any{"Value": `abc\u0000\u0001`}},
	} {
		got, err := Decode([]byte(c.in))
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %#v, want %#v", c.in, got, c.want)
		}
	}
}

// refusal is a body Decode must refuse, and how.
type refusal struct {
	in   string
	at   int64
	kind kind
	msg  string
}

const eofMsg = "unexpected end of the body"

var refused = []refusal{
	// no value, or more than one
	{"", 0, kindSyntax, "the body is empty"},
	{" \r\n\t", 4, kindSyntax, "the body holds only whitespace"},
	{`1 2`, 2, kindSyntax, "more than one value in the body"},
	{`{}[]`, 2, kindSyntax, "more than one value in the body"},
	{`{}x`, 2, kindSyntax, "unexpected character 'x' after the JSON value"},
	{`{}}`, 2, kindSyntax, "unexpected character '}' after the JSON value"},
	{"1\x00", 1, kindSyntax, "unexpected character U+0000 after the JSON value"},
	// values
	{`x`, 0, kindSyntax, "unexpected character 'x', expected a JSON value"},
	{"\x00", 0, kindSyntax, "unexpected character U+0000, expected a JSON value"},
	{"[1,\x00]", 3, kindSyntax, "unexpected character U+0000, expected a JSON value"},
	{"\xff", 0, kindSyntax, "unexpected byte 0xFF, expected a JSON value"},
	{"\xef\xbb\xbf{}", 0, kindSyntax, `unexpected character '\ufeff' (U+FEFF), expected a JSON value`},
	{`[é]`, 1, kindSyntax, "unexpected character 'é' (U+00E9), expected a JSON value"},
	{`'a'`, 0, kindSyntax, `unexpected character '\'', expected a JSON value`},
	{`tru`, 3, kindSyntax, eofMsg},
	{`trux`, 3, kindSyntax, "unexpected character 'x' in the literal true"},
	{`[nul1]`, 4, kindSyntax, "unexpected character '1' in the literal null"},
	{`False`, 0, kindSyntax, "unexpected character 'F', expected a JSON value"},
	// numbers
	{`01`, 1, kindSyntax, "a number cannot have a leading zero"},
	{`[-012]`, 3, kindSyntax, "a number cannot have a leading zero"},
	{`-`, 1, kindSyntax, eofMsg},
	{`-a`, 1, kindSyntax, "unexpected character 'a', expected a digit after '-'"},
	{`+1`, 0, kindSyntax, "unexpected character '+', expected a JSON value"},
	{`.5`, 0, kindSyntax, "unexpected character '.', expected a JSON value"},
	{`1.`, 2, kindSyntax, eofMsg},
	{`1.e5`, 2, kindSyntax, "unexpected character 'e', expected a digit after the decimal point"},
	{`1e`, 2, kindSyntax, eofMsg},
	{`1e+`, 3, kindSyntax, eofMsg},
	{`[1e+x]`, 4, kindSyntax, "unexpected character 'x', expected a digit in the exponent"},
	{`1x`, 1, kindSyntax, "unexpected character 'x' after the JSON value"},
	// objects and arrays
	{`{"a":`, 5, kindSyntax, eofMsg},
	{`{"a"`, 4, kindSyntax, eofMsg},
	{`{`, 1, kindSyntax, eofMsg},
	{`[1,2`, 4, kindSyntax, eofMsg},
	{`[1,`, 3, kindSyntax, eofMsg},
	{`[1,]`, 3, kindSyntax, "a trailing comma before ']'"},
	{`{"a":1,}`, 7, kindSyntax, "a trailing comma before '}'"},
	{`{1:2}`, 1, kindSyntax, "unexpected character '1', expected a string key or '}'"},
	{`{"a":1,2}`, 7, kindSyntax, "unexpected character '2', expected a string key"},
	{`{"a" 1}`, 5, kindSyntax, "unexpected character '1', expected ':' after an object key"},
	{`{"a":1 "b":2}`, 7, kindSyntax, "unexpected character '\"', expected ',' or '}' after an object member"},
	{`{"a":1]`, 6, kindSyntax, "unexpected character ']', expected ',' or '}' after an object member"},
	{`[1 2]`, 3, kindSyntax, "unexpected character '2', expected ',' or ']' after an array element"},
	{`[1}`, 2, kindSyntax, "unexpected character '}', expected ',' or ']' after an array element"},
	// strings
	{`"abc`, 4, kindSyntax, eofMsg},
	{`"a\`, 3, kindSyntax, eofMsg},
	{"\"a\x00b\"", 2, kindSyntax, "a control character U+0000 must be escaped in a string"},
	{"\"\x1f\"", 1, kindSyntax, "a control character U+001F must be escaped in a string"},
	{"\"\\n\t\"", 3, kindSyntax, "a control character U+0009 must be escaped in a string"},
	{`"\q"`, 1, kindSyntax, `unknown escape \q in a string`},
	{`"ab\'"`, 3, kindSyntax, `unknown escape \' in a string`},
	{"\"\\\x01\"", 1, kindSyntax, "unknown escape in a string: a backslash followed by character U+0001"},
	{"\"\\\xc3\xa9\"", 1, kindSyntax, "unknown escape in a string: a backslash followed by character 'é' (U+00E9)"},
	{`"\u12G4"`, 5, kindSyntax, `unexpected character 'G', expected four hexadecimal digits after \u`},
	{`"\u12`, 5, kindSyntax, eofMsg},
	{`"\ud800`, 7, kindSyntax, eofMsg},
	{`"\ud800\`, 8, kindSyntax, eofMsg},
	{`"\ud800\u12`, 11, kindSyntax, eofMsg},
	{`"\ud800\u12x4"`, 11, kindSyntax, `unexpected character 'x', expected four hexadecimal digits after \u`},
	// invalid UTF-8
	{"\"\xff\"", 1, kindUTF8, "a string holds invalid UTF-8"},
	{"\"ab\xc3\"", 3, kindUTF8, "a string holds invalid UTF-8"},
	{"\"ab\xc3", 3, kindUTF8, "a string holds invalid UTF-8"},
	{"\"\xed\xa0\x80\"", 1, kindUTF8, "a string holds invalid UTF-8"},
	{"\"\xc0\xaf\"", 1, kindUTF8, "a string holds invalid UTF-8"},
	{"\"\xf4\x90\x80\x80\"", 1, kindUTF8, "a string holds invalid UTF-8"},
	{"\"\\n\xfe\"", 3, kindUTF8, "a string holds invalid UTF-8"},
	{"{\"k\xff\":1}", 3, kindUTF8, "a string holds invalid UTF-8"},
	// surrogate escapes
	{`"\ud800"`, 1, kindSurrogate, `the escape \ud800 is the first half of a surrogate pair but no second half \uDC00-\uDFFF follows`},
	{`"x\uD83D\u0041"`, 2, kindSurrogate, `the escape \uD83D is the first half of a surrogate pair but no second half \uDC00-\uDFFF follows`},
	{`"\ud800\ud800"`, 1, kindSurrogate, `the escape \ud800 is the first half of a surrogate pair but no second half \uDC00-\uDFFF follows`},
	{`"\ud800\n"`, 1, kindSurrogate, `the escape \ud800 is the first half of a surrogate pair but no second half \uDC00-\uDFFF follows`},
	{`"\udc00"`, 1, kindSurrogate, `the escape \udc00 is the second half of a surrogate pair without a first half before it`},
	{`["ab\uDFFF"]`, 4, kindSurrogate, `the escape \uDFFF is the second half of a surrogate pair without a first half before it`},
	{`"\ud83d\ude00\ude00"`, 13, kindSurrogate, `the escape \ude00 is the second half of a surrogate pair without a first half before it`},
	// duplicate keys
	{`{"a":1,"a":2}`, 7, kindDuplicate, `duplicate key "a" in an object`},
	{`{"a":1,"\u0061":2}`, 7, kindDuplicate, `duplicate key "a" in an object`},
	{`[{"a":1},{"b":{"c":1},"b":2}]`, 22, kindDuplicate, `duplicate key "b" in an object`},
	{"{\"a\\\"\\n\\u0000\":1,\"a\\\"\\n\\u0000\":2}", 17, kindDuplicate, `duplicate key "a\"\n\x00" in an object`},
	{`{"` + strings.Repeat("x", 100) + `":1,"` + strings.Repeat("x", 100) + `":2}`, 106, kindDuplicate,
		`duplicate key "` + strings.Repeat("x", 64) + `"... in an object`},
	{`{"` + strings.Repeat("x", 63) + `é":1,"` + strings.Repeat("x", 63) + `é":2}`, 71, kindDuplicate,
		`duplicate key "` + strings.Repeat("x", 63) + `"... in an object`},
	{keys(15, `,"k3":0`), int64(len(keys(15, ""))), kindDuplicate, `duplicate key "k3" in an object`},
	{keys(16, `,"k3":0`), int64(len(keys(16, ""))), kindDuplicate, `duplicate key "k3" in an object`},
	{keys(40, `,"k39":0`), int64(len(keys(40, ""))), kindDuplicate, `duplicate key "k39" in an object`},
	// nesting
	{nest(MaxDepth+1, ""), MaxDepth, kindDepth, depthMessage},
	{strings.Repeat("[", 10_000), MaxDepth, kindDepth, depthMessage},
	{nestObjects(MaxDepth, "{}"), 5 * MaxDepth, kindDepth, depthMessage},
	{nestObjects(MaxDepth, `[1]`), 5 * MaxDepth, kindDepth, depthMessage},
}

func TestDecodeRefuses(t *testing.T) {
	for _, c := range refused {
		t.Run(clip(c.in), func(t *testing.T) {
			v, err := Decode([]byte(c.in))
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("got %#v, %v; want a *SyntaxError", v, err)
			}
			if se.Offset != c.at || se.Msg != c.msg || se.kind != c.kind {
				t.Errorf("got  at %d kind %d: %s\nwant at %d kind %d: %s", se.Offset, se.kind, se.Msg, c.at, c.kind, c.msg)
			}
			if v != nil {
				t.Errorf("got value %#v with the error", v)
			}
		})
	}
}

func TestSyntaxErrorText(t *testing.T) {
	_, err := Decode([]byte(`{"Name":"ab` + "\xff" + `"}`))
	const want = "invalid JSON at byte 11: a string holds invalid UTF-8"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

// TestDecodeHostileBodies decodes the benchmark's hostile bodies once each.
func TestDecodeHostileBodies(t *testing.T) {
	v, err := Decode([]byte(wideBody))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := v.([]any)
	want := map[string]any{"id": json.Number("12345"), "name": "member", "admin": false}
	if len(a) != 100_000 || !reflect.DeepEqual(a[0], want) || !reflect.DeepEqual(a[len(a)-1], want) {
		t.Errorf("wide body: got %d elements, first %#v", len(a), a[0])
	}
	var se *SyntaxError
	if _, err := Decode([]byte(deepBody)); !errors.As(err, &se) || se.kind != kindDepth || se.Offset != MaxDepth {
		t.Errorf("deep body: got %v, want the depth error at byte %d", err, MaxDepth)
	}
}

// TestDecodeAfterRefusal checks that a refused body leaves nothing behind in
// the pooled decoder: the next body decodes as if it were the first.
func TestDecodeAfterRefusal(t *testing.T) {
	for _, bad := range []string{`{"a":[1,{"b":2,"c":[3,`, `{"a":1,"a":2}`, keys(20, `,"k1":1`), `[{"x":"\q"}]`} {
		if _, err := Decode([]byte(bad)); err == nil {
			t.Fatalf("%s: accepted", bad)
		}
		got, err := Decode([]byte(`{"b":[{"c":1}],"d":{}}`))
		want := map[string]any{"b": []any{map[string]any{"c": json.Number("1")}}, "d": map[string]any{}}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("after %s: got %#v, %v", bad, got, err)
		}
	}
}

// TestDecodeConcurrently runs Decode from many goroutines, for go test -race.
func TestDecodeConcurrently(t *testing.T) {
	bodies := []string{tencentBody, keys(40, ""), `{"a":"\u00e9","b":[true,null]}`, `{"a":1,"a":2}`}
	wants := make([]any, len(bodies))
	for i, s := range bodies {
		wants[i], _ = Decode([]byte(s))
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for n := range 200 {
				i := (g + n) % len(bodies)
				if got, _ := Decode([]byte(bodies[i])); !reflect.DeepEqual(got, wants[i]) {
					t.Errorf("body %d: got %#v", i, got)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestDecodeAllocatesLess holds Decode to fewer allocations than encoding/json
// on the Tencent body.
func TestDecodeAllocatesLess(t *testing.T) {
	body := []byte(tencentBody)
	ours := testing.AllocsPerRun(100, func() { Decode(body) })
	std := testing.AllocsPerRun(100, func() { decodeStd(body) })
	if ours >= std {
		t.Errorf("Decode allocates %v times a body, encoding/json %v", ours, std)
	}
}

// clip shortens a body to name a subtest.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40]
	}
	return s
}

// Numbers too long, or with too large an exponent, for exact arithmetic to
// stay cheap are refused.
func TestHugeNumbersAreRefused(t *testing.T) {
	for _, body := range []string{
		`{"n":1e-999999}`, `{"n":1E+1001}`, `[` + strings.Repeat("9", 101) + `]`, `-0.` + strings.Repeat("1", 100),
	} {
		_, err := Decode([]byte(body))
		var se *SyntaxError
		if !errors.As(err, &se) || se.kind != kindNumber || se.Msg != numberMessage {
			t.Errorf("%.40s: %v, want the number refusal", body, err)
		}
	}
	for _, body := range []string{`1e1000`, `1e-1000`, strings.Repeat("9", 100), `1e00000000001`} {
		if _, err := Decode([]byte(body)); err != nil {
			t.Errorf("%.40s: %v", body, err)
		}
	}
}

func TestNumberInRange(t *testing.T) {
	for text, want := range map[string]bool{
		"12": true, "1e1000": true, "-1.5E-1000": true, "1e0001000": true, "1e": true,
		"1e1001": false, "1e-999999": false, strings.Repeat("9", 101): false, "1e99999999999999999999": false,
	} {
		if got := NumberInRange(text); got != want {
			t.Errorf("NumberInRange(%.30q) = %v, want %v", text, got, want)
		}
	}
}
