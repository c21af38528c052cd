package xmlbody

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// EncodeLocalName makes name a valid XML local name (an NCName) the way
// .NET's XmlConvert.EncodeLocalName does, so that keys such as
// "bag.members[0].date" can name elements: each character that cannot stand
// where it is becomes _xHHHH_ (_xHHHHHHHH_ beyond the BMP), and an
// underscore that would otherwise read as the start of such an escape
// becomes _x005F_. Valid names come back unchanged.
//
// Two differences from .NET: name characters are those of XML 1.0 fifth
// edition (.NET uses the fourth edition's tables, which differ only for
// rare letters), and an underscore is also escaped when "x" and four (or
// eight) hex digits follow it and the next character gets escaped, which
// .NET forgets ("_x0041[" would decode back to "Ax005B_"), so that
// DecodeLocalName(EncodeLocalName(s)) == s for every valid UTF-8 s.
// Invalid UTF-8 bytes become _xFFFD_.
func EncodeLocalName(name string) string {
	var sb strings.Builder
	for i, r := range name {
		valid := isNameChar(r)
		if i == 0 {
			valid = isNameStartChar(r)
		}
		if r == '_' && escapeLike(name, i) {
			valid = false
		}
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(name[i:]); size == 1 {
				valid = false
			}
		}
		if valid {
			if sb.Len() > 0 {
				sb.WriteRune(r)
			}
			continue
		}
		if sb.Len() == 0 {
			sb.WriteString(name[:i])
		}
		if r > 0xFFFF {
			fmt.Fprintf(&sb, "_x%08X_", r)
		} else {
			fmt.Fprintf(&sb, "_x%04X_", r)
		}
	}
	if sb.Len() == 0 {
		return name
	}
	return sb.String()
}

// escapeLike tells whether the underscore at name[i] starts text that
// DecodeLocalName would read as an escape once the rest is encoded.
func escapeLike(name string, i int) bool {
	rest := name[i+1:]
	if len(rest) == 0 || (rest[0] != 'x' && rest[0] != 'X') {
		return false
	}
	rest = rest[1:]
	for _, n := range []int{4, 8} {
		if len(rest) < n || !isHex(rest[:n]) {
			return false
		}
		if len(rest) == n {
			continue
		}
		r, _ := utf8.DecodeRuneInString(rest[n:])
		if r == '_' || !isNameChar(r) {
			return true
		}
	}
	return false
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

var escapePattern = regexp.MustCompile(`_[Xx]([0-9a-fA-F]{4}|[0-9a-fA-F]{8})_`)

// DecodeLocalName undoes EncodeLocalName, as XmlConvert.DecodeName does:
// each _xHHHH_ or _xHHHHHHHH_ becomes its character. An escape of a code
// point that is not a Unicode scalar value (a surrogate, or beyond
// U+10FFFF) is left as it is.
func DecodeLocalName(name string) string {
	if !strings.Contains(name, "_") {
		return name
	}
	return escapePattern.ReplaceAllStringFunc(name, func(m string) string {
		u, err := strconv.ParseUint(m[2:len(m)-1], 16, 32)
		if err != nil || u > utf8.MaxRune || (u >= 0xD800 && u <= 0xDFFF) {
			return m
		}
		return string(rune(u))
	})
}

// isNameStartChar is XML 1.0 (fifth edition) NameStartChar without ':'.
func isNameStartChar(r rune) bool {
	switch {
	case 'A' <= r && r <= 'Z', 'a' <= r && r <= 'z', r == '_':
		return true
	case r < 0xC0:
		return false
	}
	return 0xC0 <= r && r <= 0xD6 || 0xD8 <= r && r <= 0xF6 || 0xF8 <= r && r <= 0x2FF ||
		0x370 <= r && r <= 0x37D || 0x37F <= r && r <= 0x1FFF || 0x200C <= r && r <= 0x200D ||
		0x2070 <= r && r <= 0x218F || 0x2C00 <= r && r <= 0x2FEF || 0x3001 <= r && r <= 0xD7FF ||
		0xF900 <= r && r <= 0xFDCF || 0xFDF0 <= r && r <= 0xFFFD || 0x10000 <= r && r <= 0xEFFFF
}

// isNameChar is XML 1.0 (fifth edition) NameChar without ':'.
func isNameChar(r rune) bool {
	return isNameStartChar(r) || r == '-' || r == '.' || '0' <= r && r <= '9' || r == 0xB7 ||
		0x300 <= r && r <= 0x36F || 0x203F <= r && r <= 0x2040
}

// isXMLChar is XML 1.0's Char: what element text and attribute values may
// hold.
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || 0x20 <= r && r <= 0xD7FF ||
		0xE000 <= r && r <= 0xFFFD || 0x10000 <= r && r <= 0x10FFFF
}
