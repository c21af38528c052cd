package jsonbody

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// SyntaxError is a body Decode refuses: it is not JSON, or it is JSON that
// would not survive decoding unchanged (invalid UTF-8, a lone surrogate
// escape, a duplicate key) or nests too deeply.
//
// Offset counts the bytes before the one at fault: the unexpected byte, the
// backslash of a bad escape, the opening quote of a duplicate key, the
// bracket one level too deep; it is the body's length when the body ends
// too soon.
type SyntaxError struct {
	Offset int64
	Msg    string // what is wrong, in words a client can act on
	kind   kind
}

func (e *SyntaxError) Error() string {
	return "invalid JSON at byte " + strconv.FormatInt(e.Offset, 10) + ": " + e.Msg
}

// kind sorts refusals into what encoding/json refuses too (kindSyntax) and the
// checks this package adds.
type kind uint8

const (
	kindSyntax    kind = iota // not RFC 8259 JSON
	kindUTF8                  // invalid UTF-8 in a string
	kindSurrogate             // a \u escape for half a surrogate pair
	kindDuplicate             // a key given twice in one object
	kindDepth                 // nested deeper than MaxDepth
	kindNumber                // a number past MaxNumberLength or MaxExponent
)

// maxQuotedKey is how many bytes of a duplicate key its message quotes.
const maxQuotedKey = 64

var depthMessage = "objects and arrays nest deeper than " + strconv.Itoa(MaxDepth) + " levels"

func (d *decoder) fail(at int, k kind, msg string) *SyntaxError {
	return &SyntaxError{Offset: int64(at), Msg: msg, kind: k}
}

func (d *decoder) eof() *SyntaxError {
	return d.fail(len(d.b), kindSyntax, "unexpected end of the body")
}

// unexpected refuses the byte at at; context follows its description, as
// ", expected ..." or " after ...".
func (d *decoder) unexpected(at int, context string) *SyntaxError {
	return d.fail(at, kindSyntax, "unexpected "+describe(d.b, at)+context)
}

// afterComma refuses the byte at at, which follows a comma in an object or
// array closed by closer and should have started want.
func (d *decoder) afterComma(at int, closer byte, want string) *SyntaxError {
	if d.b[at] == closer {
		return d.fail(at, kindSyntax, "a trailing comma before '"+string(closer)+"'")
	}
	return d.unexpected(at, ", expected "+want)
}

func (d *decoder) control(at int) *SyntaxError {
	return d.fail(at, kindSyntax, fmt.Sprintf("a control character U+%04X must be escaped in a string", d.b[at]))
}

// badEscape refuses the escape whose backslash is at at.
func (d *decoder) badEscape(at int) *SyntaxError {
	msg := "unknown escape \\" + string(d.b[at+1]) + " in a string"
	if c := d.b[at+1]; c < ' ' || c >= utf8.RuneSelf {
		msg = "unknown escape in a string: a backslash followed by " + describe(d.b, at+1)
	}
	return d.fail(at, kindSyntax, msg)
}

// badHex refuses the byte at at inside a \u escape.
func (d *decoder) badHex(at int) *SyntaxError {
	return d.unexpected(at, ", expected four hexadecimal digits after \\u")
}

func (d *decoder) duplicate(at int, key string) *SyntaxError {
	return d.fail(at, kindDuplicate, "duplicate key "+quoteClipped(key)+" in an object")
}

// quoteClipped quotes s as Go would, after cutting it to maxQuotedKey bytes at
// a character boundary; a cut string is followed by "...".
func quoteClipped(s string) string {
	if len(s) <= maxQuotedKey {
		return strconv.Quote(s)
	}
	n := maxQuotedKey
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return strconv.Quote(s[:n]) + "..."
}

// describe names the byte at i, or the character starting there, for a
// message: "character 'x'", "character U+0000", "character 'é' (U+00E9)" or,
// when it does not start valid UTF-8, "byte 0xFF".
func describe(b []byte, i int) string {
	c := b[i]
	switch {
	case c < ' ' || c == 0x7F:
		return fmt.Sprintf("character U+%04X", c)
	case c < utf8.RuneSelf:
		return "character " + strconv.QuoteRune(rune(c))
	}
	r, size := utf8.DecodeRune(b[i:])
	if size == 1 {
		return fmt.Sprintf("byte 0x%02X", c)
	}
	return fmt.Sprintf("character %s (U+%04X)", strconv.QuoteRune(r), r)
}
