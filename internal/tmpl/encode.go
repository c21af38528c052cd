package tmpl

import (
	"encoding/json"
	"slices"
	"strconv"
	"unicode/utf8"
)

// appendJSON appends v as EncodeJSON writes it — encoding/json's text,
// object keys sorted, no HTML escapes — for the values the body decoders
// and templates make (map[string]any, []any, json.Number, string, bool,
// nil), without reflection; ok is false at any other value (a float64, a
// struct), which encoding/json then writes instead.
func appendJSON(dst []byte, v any, depth int) ([]byte, bool) {
	return appendValue(dst, v, depth, false)
}

// MarshalJSON is json.Marshal(v) — HTML escapes on — for the values
// appendJSON writes, without reflection; encoding/json writes the others.
func MarshalJSON(v any) ([]byte, error) {
	if b, ok := appendValue(make([]byte, 0, 256), v, 0, true); ok {
		return b, nil
	}
	return json.Marshal(v)
}

// appendValue is appendJSON, '<', '>' and '&' escaped when html is set.
func appendValue(dst []byte, v any, depth int, html bool) ([]byte, bool) {
	if depth > maxEncodeDepth {
		return dst, false
	}
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), true
	case bool:
		return strconv.AppendBool(dst, x), true
	case string:
		return appendString(dst, x, html), true
	case json.Number:
		if x == "" {
			return append(dst, '0'), true // as encoding/json writes it
		}
		if !validNumber(string(x)) {
			return dst, false // encoding/json refuses it: its error, not ours
		}
		return append(dst, x...), true
	case []any:
		if x == nil {
			return append(dst, "null"...), true
		}
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			var ok bool
			if dst, ok = appendValue(dst, e, depth+1, html); !ok {
				return dst, false
			}
		}
		return append(dst, ']'), true
	case map[string]any:
		if x == nil {
			return append(dst, "null"...), true
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, k, html)
			dst = append(dst, ':')
			var ok bool
			if dst, ok = appendValue(dst, x[k], depth+1, html); !ok {
				return dst, false
			}
		}
		return append(dst, '}'), true
	}
	return dst, false
}

// maxEncodeDepth is how deeply appendJSON nests before leaving a value to
// encoding/json (whose own bound then applies).
const maxEncodeDepth = 1000

const hexDigits = "0123456789abcdef"

// appendString is encoding/json's string: '"', '\\' and control
// characters escaped (\b \f \n \r \t by name), invalid UTF-8 as \ufffd,
// U+2028 and U+2029 escaped, and with html '<', '>' and '&'.
func appendString(dst []byte, s string, html bool) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && (!html || b != '<' && b != '>' && b != '&') {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// validNumber tells whether s is a JSON number, as encoding/json checks a
// json.Number before writing it.
func validNumber(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == '-' {
		s = s[1:]
		if s == "" {
			return false
		}
	}
	switch {
	case s[0] == '0':
		s = s[1:]
	case '1' <= s[0] && s[0] <= '9':
		for len(s) > 0 && '0' <= s[0] && s[0] <= '9' {
			s = s[1:]
		}
	default:
		return false
	}
	if len(s) >= 2 && s[0] == '.' && '0' <= s[1] && s[1] <= '9' {
		s = s[2:]
		for len(s) > 0 && '0' <= s[0] && s[0] <= '9' {
			s = s[1:]
		}
	}
	if len(s) >= 2 && (s[0] == 'e' || s[0] == 'E') {
		s = s[1:]
		if s[0] == '+' || s[0] == '-' {
			s = s[1:]
			if s == "" {
				return false
			}
		}
		for len(s) > 0 && '0' <= s[0] && s[0] <= '9' {
			s = s[1:]
		}
	}
	return s == ""
}
