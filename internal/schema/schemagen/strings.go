package schemagen

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// maxPatternLen bounds a string built from a pattern.
const maxPatternLen = 1 << 16

func (g *Generator) genString(m map[string]any, salt int) string {
	minLen := intKeyword(m, "minLength", 0)
	maxLen := intKeyword(m, "maxLength", -1)
	maxBytes := intKeyword(m, maxBytesKeyword, -1)
	limit := maxLen
	if maxBytes >= 0 && (limit < 0 || maxBytes < limit) {
		limit = maxBytes
	}
	format, _ := m["format"].(string)
	pattern, _ := m["pattern"].(string)

	suffix := ""
	if salt > 0 {
		suffix = strconv.Itoa(salt)
	}
	var cands []string
	if fv, ok := g.formatValue(format, salt); ok {
		cands = append(cands, fv)
	}
	for _, c := range []string{g.word("string") + suffix, "12345" + suffix, "abc123" + suffix} {
		cands = append(cands, fit(c, minLen, limit))
	}

	var re *regexp.Regexp
	if pattern != "" {
		re, _ = Pattern(pattern) // a pattern Go cannot read is not checked
	}
	fits := func(s string) bool { return lengthOK(s, minLen, maxLen, maxBytes) && !excluded(m, s) }
	valid := func(s string) bool { return fits(s) && (re == nil || re.MatchString(s)) }
	for _, c := range cands {
		if valid(c) {
			return c
		}
	}
	if re != nil {
		if s, ok := g.fromPattern(pattern, minLen, limit, valid); ok {
			return s
		}
	}
	for _, c := range cands {
		if fits(c) {
			return c
		}
	}
	return cands[0]
}

// patterns caches compiled and parsed patterns: a document has a few
// hundred, and a mock meets the same ones on every request. Bounded: past
// maxCached patterns, new ones are compiled each time.
var patterns struct {
	compiled, parsed sync.Map // pattern → *regexp.Regexp / *syntax.Regexp
	n                atomic.Int64
}

const maxCached = 4096

// Pattern is a JSON Schema pattern compiled as a Go regular expression,
// once per pattern; safe for concurrent use.
func Pattern(p string) (*regexp.Regexp, error) {
	if re, ok := patterns.compiled.Load(p); ok {
		return re.(*regexp.Regexp), nil
	}
	re, err := regexp.Compile(p)
	if err == nil && patterns.n.Add(1) <= maxCached {
		patterns.compiled.Store(p, re)
	}
	return re, err
}

// parsed is a pattern's syntax tree, once per pattern; the tree is only
// read.
func parsed(p string) (*syntax.Regexp, error) {
	if re, ok := patterns.parsed.Load(p); ok {
		return re.(*syntax.Regexp), nil
	}
	re, err := syntax.Parse(p, syntax.Perl)
	if err == nil && patterns.n.Add(1) <= maxCached {
		patterns.parsed.Store(p, re)
	}
	return re, err
}

// fit repeats s up to minLen characters and cuts it to limit (-1: none).
// s is ASCII.
func fit(s string, minLen, limit int) string {
	if s == "" {
		s = "x"
	}
	if len(s) < minLen {
		s = strings.Repeat(s, minLen/len(s)+1)[:minLen]
	}
	if limit >= 0 && len(s) > limit {
		s = s[:limit]
	}
	return s
}

const wordChars = "abcdefghijklmnopqrstuvwxyz0123456789"

// word is def without a source, else a random alphanumeric word of 8
// characters starting with a letter.
func (g *Generator) word(def string) string {
	if g.rnd == nil {
		return def
	}
	b := make([]byte, 8)
	b[0] = wordChars[g.rnd.IntN(26)]
	for i := 1; i < len(b); i++ {
		b[i] = wordChars[g.rnd.IntN(len(wordChars))]
	}
	return string(b)
}

// formatValue returns a value of the format, if the format is one it knows.
func (g *Generator) formatValue(format string, salt int) (string, bool) {
	suffix := ""
	if salt > 0 {
		suffix = strconv.Itoa(salt)
	}
	now := func() time.Time { return g.now().Add(time.Duration(salt) * time.Second) }
	switch format {
	case "date-time":
		return now().Format(time.RFC3339), true
	case "date":
		return now().AddDate(0, 0, salt).Format(time.DateOnly), true
	case "time":
		return now().Format("15:04:05Z07:00"), true
	case "duration":
		return fmt.Sprintf("P%dD", salt+1), true
	case "period":
		return now().Format(time.RFC3339) + "/P1D", true
	case "email", "idn-email":
		return g.word("user") + suffix + "@example.com", true
	case "hostname", "idn-hostname":
		return g.word("host") + suffix + ".example.com", true
	case "ipv4":
		n := salt
		if g.rnd != nil {
			n = g.rnd.IntN(254)
		}
		return fmt.Sprintf("192.0.2.%d", 1+n%254), true
	case "ipv6":
		n := salt
		if g.rnd != nil {
			n = g.rnd.IntN(0xffff)
		}
		return fmt.Sprintf("2001:db8::%x", 1+n), true
	case "uri", "url", "iri", "uri-reference", "iri-reference":
		return "https://example.com/" + g.word("resource") + suffix, true
	case "uri-template":
		return "https://example.com/" + g.word("resource") + suffix + "/{id}", true
	case "uuid":
		return g.uuid(salt), true
	case "json-pointer":
		return "/" + g.word("path") + suffix, true
	case "relative-json-pointer":
		return strconv.Itoa(salt), true
	case "regex":
		return "^[a-z]+$", true
	case "byte":
		return base64.StdEncoding.EncodeToString([]byte(g.word("string") + suffix)), true
	case "semver":
		return "1.0." + strconv.Itoa(salt), true
	}
	return "", false
}

func (g *Generator) uuid(salt int) string {
	if g.rnd == nil {
		return fmt.Sprintf("3fa85f64-5717-4562-b3fc-%012x", 0x2c963f66afa6+salt)
	}
	hi, lo := g.rnd.Uint64(), g.rnd.Uint64()
	hi = hi&^0xf000 | 0x4000           // version 4
	lo = lo&^(0xc000<<48) | 0x8000<<48 // RFC 4122 variant
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", hi>>32, hi>>16&0xffff, hi&0xffff, lo>>48, lo&0xffffffffffff)
}

// fromPattern builds a string from the pattern's syntax tree, repeating
// quantified parts more or less often until valid accepts the result.
func (g *Generator) fromPattern(pattern string, minLen, limit int, valid func(string) bool) (string, bool) {
	re, err := parsed(pattern)
	if err != nil {
		return "", false
	}
	fills := []int{4, 0, 1, 2, 3}
	for f := 5; f <= min(minLen+1, maxPatternLen); f++ {
		fills = append(fills, f)
	}
	for _, f := range fills {
		var sb strings.Builder
		if !g.emit(re, f, &sb) {
			return "", false
		}
		s := sb.String()
		if valid(s) {
			return s, true
		}
		if f > 4 && limit >= 0 && utf8.RuneCountInString(s) > limit {
			break // longer fills only make it longer
		}
	}
	return "", false
}

// emit writes a string re matches, each open quantifier repeated fill
// times beyond its minimum. It returns false for a pattern that matches
// nothing.
func (g *Generator) emit(re *syntax.Regexp, fill int, sb *strings.Builder) bool {
	if sb.Len() > maxPatternLen {
		return true
	}
	switch re.Op {
	case syntax.OpNoMatch:
		return false
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			sb.WriteRune(r)
		}
	case syntax.OpCharClass:
		r, ok := g.pickRune(re.Rune)
		if !ok {
			return false
		}
		sb.WriteRune(r)
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		r, _ := g.pickRune([]rune{'a', 'z'})
		sb.WriteRune(r)
	case syntax.OpCapture:
		return g.emit(re.Sub[0], fill, sb)
	case syntax.OpConcat:
		for _, s := range re.Sub {
			if !g.emit(s, fill, sb) {
				return false
			}
		}
	case syntax.OpAlternate:
		i := 0
		if g.rnd != nil {
			i = g.rnd.IntN(len(re.Sub))
		}
		return g.emit(re.Sub[i], fill, sb)
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		lo, hi := 0, -1
		switch re.Op {
		case syntax.OpPlus:
			lo = 1
		case syntax.OpQuest:
			hi = 1
		case syntax.OpRepeat:
			lo, hi = re.Min, re.Max
		}
		n := lo + fill
		if hi >= 0 && n > hi {
			n = hi
		}
		for range n {
			if !g.emit(re.Sub[0], fill, sb) {
				return false
			}
			if sb.Len() > maxPatternLen {
				break
			}
		}
	}
	// Empty matches, anchors and word boundaries write nothing.
	return true
}

// preferred is the order runes are taken from a character class without a
// source: letters and digits first, then other printable ASCII.
var preferred = func() []rune {
	var out []rune
	for _, r := range "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.~!#$%&'*+,/:;=?@^|()[]{}<>\"\\` " {
		out = append(out, r)
	}
	return out
}()

// pickRune picks a rune of a class given as lo-hi pairs: the first
// preferred one without a source, a random printable ASCII one (or any, if
// the class has none) with a source.
func (g *Generator) pickRune(ranges []rune) (rune, bool) {
	in := func(r rune) bool {
		for i := 0; i+1 < len(ranges); i += 2 {
			if ranges[i] <= r && r <= ranges[i+1] {
				return true
			}
		}
		return false
	}
	if len(ranges) < 2 {
		return 0, false
	}
	if g.rnd != nil {
		var ascii []rune
		for _, r := range preferred {
			if in(r) {
				ascii = append(ascii, r)
			}
		}
		if len(ascii) > 0 {
			return ascii[g.rnd.IntN(len(ascii))], true
		}
		total := 0
		for i := 0; i+1 < len(ranges); i += 2 {
			total += int(ranges[i+1]-ranges[i]) + 1
		}
		k := g.rnd.IntN(total)
		for i := 0; i+1 < len(ranges); i += 2 {
			size := int(ranges[i+1]-ranges[i]) + 1
			if k < size {
				return ranges[i] + rune(k), true
			}
			k -= size
		}
	}
	for _, r := range preferred {
		if in(r) {
			return r, true
		}
	}
	return ranges[0], true
}
