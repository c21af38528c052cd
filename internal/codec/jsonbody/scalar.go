package jsonbody

import (
	"encoding/binary"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// plain marks the bytes a string may hold as they are: everything but
// control characters, '"', '\\' and the bytes of multi-byte UTF-8 sequences.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// hexValue maps a hexadecimal digit to its value and any other byte to -1.
var hexValue = func() (t [256]int8) {
	for c := range t {
		switch {
		case '0' <= c && c <= '9':
			t[c] = int8(c - '0')
		case 'a' <= c && c <= 'f':
			t[c] = int8(c - 'a' + 10)
		case 'A' <= c && c <= 'F':
			t[c] = int8(c - 'A' + 10)
		default:
			t[c] = -1
		}
	}
	return t
}()

// str reads the string whose opening quote is at d.pos and leaves d.pos just
// after its closing quote. A string without escapes costs no allocation of
// its own (text).
func (d *decoder) str() (string, error) {
	b := d.b
	start := d.pos + 1
	for i := start; ; {
		if i = plainRun(b, i); i == len(b) {
			return "", d.eof()
		}
		switch c := b[i]; {
		case c == '"':
			d.pos = i + 1
			return d.text(start, i), nil
		case c == '\\':
			return d.escaped(start, i)
		case c < ' ':
			return "", d.control(i)
		}
		_, size := utf8.DecodeRune(b[i:])
		if size == 1 {
			return "", d.fail(i, kindUTF8, "a string holds invalid UTF-8")
		}
		i += size
	}
}

// Masks for looking at eight bytes of a string at once.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// plainRun returns the index of the first byte at or after i that a string
// cannot hold as it is ('"', '\\', a control character or a byte of a
// multi-byte character), or len(b). It tests eight bytes at a time: a byte
// below n sets its high bit in (w - n*ones) &^ w, exactly whenever w has
// such a byte, and x^c has a zero byte where x has a byte c.
func plainRun(b []byte, i int) int {
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		q, bs := w^('"'*ones), w^('\\'*ones)
		if ((w-' '*ones)&^w|(q-ones)&^q|(bs-ones)&^bs|w)&highs != 0 {
			break
		}
	}
	for ; i < len(b) && plain[b[i]]; i++ {
	}
	return i
}

// escaped finishes a string that starts at start and has its first escape at
// i, decoding into d.buf.
func (d *decoder) escaped(start, i int) (string, error) {
	b := d.b
	buf := append(d.buf[:0], b[start:i]...)
	defer func() { d.buf = buf }()
	for i < len(b) {
		c := b[i]
		if plain[c] {
			buf = append(buf, c)
			i++
			continue
		}
		switch {
		case c == '"':
			d.pos = i + 1
			return string(buf), nil
		case c == '\\':
			if i+1 == len(b) {
				return "", d.eof()
			}
			switch e := b[i+1]; e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r, n, err := d.unicode(i)
				if err != nil {
					return "", err
				}
				buf = utf8.AppendRune(buf, r)
				i += n
				continue
			default:
				return "", d.badEscape(i)
			}
			i += 2
			continue
		case c < ' ':
			return "", d.control(i)
		}
		if _, size := utf8.DecodeRune(b[i:]); size > 1 {
			buf = append(buf, b[i:i+size]...)
			i += size
			continue
		}
		return "", d.fail(i, kindUTF8, "a string holds invalid UTF-8")
	}
	return "", d.eof()
}

// unicode reads the \u escape at i, and the low surrogate escape after it when
// it is a high surrogate. It returns the character and the bytes read.
func (d *decoder) unicode(i int) (rune, int, error) {
	r, err := d.hex4(i)
	if err != nil {
		return 0, 0, err
	}
	switch {
	case r < 0xD800 || r >= 0xE000:
		return r, 6, nil
	case r >= 0xDC00:
		return 0, 0, d.fail(i, kindSurrogate, "the escape "+string(d.b[i:i+6])+
			" is the second half of a surrogate pair without a first half before it")
	}
	b := d.b
	j := i + 6
	switch {
	case j == len(b) || j+1 == len(b) && b[j] == '\\':
		return 0, 0, d.eof()
	case b[j] == '\\' && b[j+1] == 'u':
		lo, err := d.hex4(j)
		if err != nil {
			return 0, 0, err
		}
		if 0xDC00 <= lo && lo < 0xE000 {
			return 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00), 12, nil
		}
	}
	return 0, 0, d.fail(i, kindSurrogate, "the escape "+string(b[i:i+6])+
		" is the first half of a surrogate pair but no second half \\uDC00-\\uDFFF follows")
}

// hex4 reads the four hexadecimal digits of the \u escape at i.
func (d *decoder) hex4(i int) (rune, error) {
	b := d.b
	var r rune
	for k := i + 2; k < i+6; k++ {
		if k == len(b) {
			return 0, d.eof()
		}
		v := hexValue[b[k]]
		if v < 0 {
			return 0, d.badHex(k)
		}
		r = r<<4 | rune(v)
	}
	return r, nil
}

// number reads the number that starts at d.pos and keeps its text.
func (d *decoder) number() (any, error) {
	b := d.b
	start := d.pos
	i := start
	if b[i] == '-' {
		if i++; i == len(b) {
			return nil, d.eof()
		}
	}
	switch c := b[i]; {
	case c == '0':
		if i++; i < len(b) && isDigit(b[i]) {
			return nil, d.fail(i, kindSyntax, "a number cannot have a leading zero")
		}
	case isDigit(c):
		for i++; i < len(b) && isDigit(b[i]); i++ {
		}
	default:
		return nil, d.unexpected(i, ", expected a digit after '-'")
	}
	if i < len(b) && b[i] == '.' {
		if i++; i == len(b) {
			return nil, d.eof()
		}
		if !isDigit(b[i]) {
			return nil, d.unexpected(i, ", expected a digit after the decimal point")
		}
		for i++; i < len(b) && isDigit(b[i]); i++ {
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		if i++; i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i == len(b) {
			return nil, d.eof()
		}
		if !isDigit(b[i]) {
			return nil, d.unexpected(i, ", expected a digit in the exponent")
		}
		exp := 0
		for ; i < len(b) && isDigit(b[i]); i++ {
			if exp <= MaxExponent {
				exp = exp*10 + int(b[i]-'0')
			}
		}
		if exp > MaxExponent {
			return nil, d.fail(start, kindNumber, numberMessage)
		}
	}
	if i-start > MaxNumberLength {
		return nil, d.fail(start, kindNumber, numberMessage)
	}
	d.pos = i
	return json.Number(d.text(start, i)), nil
}

// Numbers are kept as sent, but exact arithmetic on them (schema limits,
// multipleOf) costs time that grows with their digits and their exponent:
// 1e-999999 alone takes jsonschema most of a second. No API field needs
// more than these.
const (
	MaxNumberLength = 100  // characters
	MaxExponent     = 1000 // in either direction
)

var numberMessage = "a number longer than " + strconv.Itoa(MaxNumberLength) +
	" characters or with an exponent past ±" + strconv.Itoa(MaxExponent) + " is not accepted"

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// literal reads the word true, false or null at d.pos, whose first letter is
// already known to match, and returns v.
func (d *decoder) literal(word string, v any) (any, error) {
	b := d.b
	i := d.pos
	for k := 1; k < len(word); k++ {
		if i+k == len(b) {
			return nil, d.eof()
		}
		if b[i+k] != word[k] {
			return nil, d.unexpected(i+k, " in the literal "+word)
		}
	}
	d.pos = i + len(word)
	return v, nil
}

// NumberInRange tells whether number text (from a query, a form or XML, where
// other decoders make json.Number) is within MaxNumberLength and
// MaxExponent, as Decode requires of JSON numbers. Text outside them is best
// kept a string, for validation to report.
func NumberInRange(text string) bool {
	if len(text) > MaxNumberLength {
		return false
	}
	i := strings.IndexAny(text, "eE")
	if i < 0 {
		return true
	}
	exp := strings.TrimLeft(strings.TrimLeft(text[i+1:], "+-"), "0")
	n, err := strconv.Atoi(exp)
	return exp == "" || err == nil && n <= MaxExponent
}
