// Package jsonbody decodes JSON request bodies strictly and fast.
//
// Decode accepts exactly one RFC 8259 value and gives it the shape
// encoding/json gives with Decoder.UseNumber: map[string]any, []any,
// json.Number, string, bool and nil. Where encoding/json quietly changes or
// drops what a client sent, Decode refuses the body instead:
//
//   - invalid UTF-8 in a string (encoding/json writes U+FFFD);
//   - a \u escape that is half of a surrogate pair without its other half
//     (encoding/json writes U+FFFD);
//   - a key given twice in one object (encoding/json keeps the last, while
//     tools that read the raw bytes, such as gjson, find the first);
//   - objects and arrays nested deeper than MaxDepth.
//
// Every refusal is a *SyntaxError whose message can be shown to the client.
//
// It may import: nothing of the module.
package jsonbody

import "sync"

// MaxDepth is how deeply objects and arrays may nest: a body with MaxDepth
// nested arrays is accepted, one with MaxDepth+1 is refused at its last '['.
// Decode recurses once per level, so this also bounds its stack.
const MaxDepth = 64

// linearKeys is how many members an object collects before duplicate keys
// are looked up in a map rather than by comparing with each earlier key.
const linearKeys = 16

// Decode reads b as exactly one JSON value, with optional whitespace (space,
// tab, CR, LF) around it. Numbers come back as json.Number holding the text as
// sent, so no digit is lost however long the number is.
//
// An error is always a *SyntaxError.
func Decode(b []byte) (any, error) {
	d := decoders.Get().(*decoder)
	d.b = b
	v, err := d.document()
	d.reset()
	decoders.Put(d)
	return v, err
}

// decoder holds the state of one Decode call. Its scratch stacks are kept
// between calls (through a sync.Pool) so that a body costs no allocation
// beyond the values it yields.
type decoder struct {
	b     []byte
	s     string // b as a string, made on first use: strings and numbers without escapes are its slices (text)
	hasS  bool
	pos   int // the next byte to read
	depth int // objects and arrays open around pos

	members []member // members of the objects being read, innermost last
	values  []any    // elements of the arrays being read, innermost last
	buf     []byte   // a string's text while its escapes are decoded
	keys    keyCache // object keys seen lately, by this and earlier calls
}

// member is one key and value of an object being read.
type member struct {
	key   string
	value any
}

// maxKept bounds the scratch a pooled decoder keeps, so that one huge body
// does not pin its scratch memory for the life of the process.
const maxKept = 1 << 12

var decoders = sync.Pool{New: func() any { return new(decoder) }}

// reset drops every reference into the last body and any oversized scratch.
func (d *decoder) reset() {
	d.b, d.s, d.hasS, d.pos, d.depth = nil, "", false, 0, 0
	clear(d.members)
	clear(d.values)
	d.members, d.values, d.buf = d.members[:0], d.values[:0], d.buf[:0]
	if cap(d.members) > maxKept {
		d.members = nil
	}
	if cap(d.values) > maxKept {
		d.values = nil
	}
	if cap(d.buf) > maxKept {
		d.buf = nil
	}
}

// text is b[start:end] as a string: a slice of one copy of the body, so
// that a body's strings and numbers cost one allocation between them. The
// values share that copy, which lives as long as the longest lived of
// them; the keyCache never holds one (it copies).
func (d *decoder) text(start, end int) string {
	if !d.hasS {
		d.s, d.hasS = string(d.b), true
	}
	return d.s[start:end]
}

// document reads the whole body: one value between optional whitespace.
func (d *decoder) document() (any, error) {
	b := d.b
	d.pos = skipSpace(b, 0)
	if d.pos == len(b) {
		if len(b) == 0 {
			return nil, d.fail(0, kindSyntax, "the body is empty")
		}
		return nil, d.fail(len(b), kindSyntax, "the body holds only whitespace")
	}
	v, err := d.value()
	if err != nil {
		return nil, err
	}
	i := skipSpace(b, d.pos)
	if i < len(b) {
		if startsValue(b[i]) {
			return nil, d.fail(i, kindSyntax, "more than one value in the body")
		}
		return nil, d.unexpected(i, " after the JSON value")
	}
	return v, nil
}

// value reads the value that starts at d.pos, which is before the end of the
// body and not whitespace, and leaves d.pos just after it.
func (d *decoder) value() (any, error) {
	switch c := d.b[d.pos]; c {
	case '"':
		s, err := d.str()
		if err != nil {
			return nil, err
		}
		return s, nil
	case '{':
		return d.object()
	case '[':
		return d.array()
	case 't':
		return d.literal("true", true)
	case 'f':
		return d.literal("false", false)
	case 'n':
		return d.literal("null", nil)
	default:
		if c == '-' || '0' <= c && c <= '9' {
			return d.number()
		}
		return nil, d.unexpected(d.pos, ", expected a JSON value")
	}
}

// open counts one more level of nesting at the bracket at d.pos.
func (d *decoder) open() error {
	if d.depth == MaxDepth {
		return d.fail(d.pos, kindDepth, depthMessage)
	}
	d.depth++
	return nil
}

// object reads the object whose '{' is at d.pos.
func (d *decoder) object() (any, error) {
	if err := d.open(); err != nil {
		return nil, err
	}
	b := d.b
	i := skipSpace(b, d.pos+1)
	if i < len(b) && b[i] == '}' {
		d.pos, d.depth = i+1, d.depth-1
		return map[string]any{}, nil
	}
	start := len(d.members)
	var m map[string]any // the result, once the object outgrows linearKeys
	for {
		if i == len(b) {
			return nil, d.eof()
		}
		if b[i] != '"' {
			if len(d.members) > start || m != nil {
				return nil, d.afterComma(i, '}', "a string key")
			}
			return nil, d.unexpected(i, ", expected a string key or '}'")
		}
		keyAt := i
		d.pos = i
		key, err := d.key()
		if err != nil {
			return nil, err
		}
		if m == nil {
			for _, e := range d.members[start:] {
				if e.key == key {
					return nil, d.duplicate(keyAt, key)
				}
			}
		} else if _, dup := m[key]; dup {
			return nil, d.duplicate(keyAt, key)
		}
		i = skipSpace(b, d.pos)
		if i == len(b) {
			return nil, d.eof()
		}
		if b[i] != ':' {
			return nil, d.unexpected(i, ", expected ':' after an object key")
		}
		if i = skipSpace(b, i+1); i == len(b) {
			return nil, d.eof()
		}
		d.pos = i
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		if m != nil {
			m[key] = v
		} else if d.members = append(d.members, member{key, v}); len(d.members)-start == linearKeys {
			m = d.collect(start, 4*linearKeys)
		}
		if i = skipSpace(b, d.pos); i == len(b) {
			return nil, d.eof()
		}
		if b[i] == ',' {
			i = skipSpace(b, i+1)
			continue
		}
		if b[i] != '}' {
			return nil, d.unexpected(i, ", expected ',' or '}' after an object member")
		}
		break
	}
	if m == nil {
		m = d.collect(start, len(d.members)-start)
	}
	d.pos, d.depth = i+1, d.depth-1
	return m, nil
}

// collect moves the members above start into a new map of the given size hint.
func (d *decoder) collect(start, hint int) map[string]any {
	m := make(map[string]any, hint)
	for _, e := range d.members[start:] {
		m[e.key] = e.value
	}
	clear(d.members[start:])
	d.members = d.members[:start]
	return m
}

// array reads the array whose '[' is at d.pos.
func (d *decoder) array() (any, error) {
	if err := d.open(); err != nil {
		return nil, err
	}
	b := d.b
	i := skipSpace(b, d.pos+1)
	if i < len(b) && b[i] == ']' {
		d.pos, d.depth = i+1, d.depth-1
		return []any{}, nil
	}
	start := len(d.values)
	for {
		if i == len(b) {
			return nil, d.eof()
		}
		if b[i] == ']' && len(d.values) > start {
			return nil, d.afterComma(i, ']', "a JSON value")
		}
		d.pos = i
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		d.values = append(d.values, v)
		if i = skipSpace(b, d.pos); i == len(b) {
			return nil, d.eof()
		}
		if b[i] == ',' {
			i = skipSpace(b, i+1)
			continue
		}
		if b[i] != ']' {
			return nil, d.unexpected(i, ", expected ',' or ']' after an array element")
		}
		break
	}
	a := make([]any, len(d.values)-start)
	copy(a, d.values[start:])
	clear(d.values[start:])
	d.values = d.values[:start]
	d.pos, d.depth = i+1, d.depth-1
	return a, nil
}

// skipSpace returns the index of the first byte at or after i that is not
// JSON whitespace, or len(b).
func skipSpace(b []byte, i int) int {
	for ; i < len(b); i++ {
		if c := b[i]; c > ' ' || c != ' ' && c != '\n' && c != '\r' && c != '\t' {
			return i
		}
	}
	return i
}

// startsValue reports whether c can begin a JSON value.
func startsValue(c byte) bool {
	switch c {
	case '{', '[', '"', '-', 't', 'f', 'n':
		return true
	}
	return '0' <= c && c <= '9'
}
