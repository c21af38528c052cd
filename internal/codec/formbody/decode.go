package formbody

import (
	"encoding/json"
	"fmt"
	"github.com/chatmock/chatmock/internal/codec/jsonbody"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/chatmock/chatmock/internal/schema/schemanode"
)

const (
	// MaxPairs is the most key=value pairs one body may hold.
	MaxPairs = 10000
	// MaxIndex is the largest array index a key may give.
	MaxIndex = 10000
)

// Decoder decodes form bodies for one schema.
type Decoder struct {
	root *plan
}

// Compile builds the decoder for a media type's schema once, at start-up.
func Compile(schema map[string]any, resolve schemanode.Resolver) (*Decoder, error) {
	c := &planner{resolve: resolve, seen: map[uintptr]*plan{}}
	root, err := c.compile(schema)
	if err != nil {
		return nil, err
	}
	return &Decoder{root: root}, nil
}

// SyntaxError is a body that cannot be read as a form: bad percent-encoding,
// too many pairs, an array index too large, malformed brackets, or a key
// given both a value and sub-keys.
type SyntaxError struct {
	Key string // the key as decoded (as sent, when the key itself is badly encoded)
	Msg string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("form key %q: %s", e.Key, e.Msg) }

// tree collects what the pairs of one body bind at one position.
type tree struct {
	plan     *plan
	values   []string         // text given at this very key
	direct   bool             // an array element made of a value given at the array's own key
	children map[string]*tree // objects: by the schema's spelling
	items    []*tree          // arrays: elements appended, by "[]" or by repeating the key
	indexed  map[int]*tree    // arrays: elements by index
}

// segment is one step of a key: a name, or the text between brackets.
type segment struct {
	text    string
	bracket bool
}

// Decode reads one body.
func (d *Decoder) Decode(body []byte) (any, error) {
	root := &tree{plan: d.root}
	rest := string(body)
	pairs := 0
	for rest != "" {
		var pair string
		pair, rest, _ = strings.Cut(rest, "&")
		if pair == "" {
			continue
		}
		rawKey, rawValue, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(rawKey)
		if err != nil {
			return nil, &SyntaxError{Key: rawKey, Msg: "bad percent-encoding in the key"}
		}
		if !utf8.ValidString(key) {
			return nil, &SyntaxError{Key: strings.ToValidUTF8(key, "\uFFFD"), Msg: "the key is not UTF-8 once percent-decoded"}
		}
		if pairs++; pairs > MaxPairs {
			return nil, &SyntaxError{Key: key, Msg: fmt.Sprintf("more than %d pairs in the body", MaxPairs)}
		}
		value, err := url.QueryUnescape(rawValue)
		if err != nil {
			return nil, &SyntaxError{Key: key, Msg: "bad percent-encoding in the value"}
		}
		if !utf8.ValidString(value) {
			return nil, &SyntaxError{Key: key, Msg: "the value is not UTF-8 once percent-decoded"}
		}
		segs, err := parseKey(key)
		if err != nil {
			return nil, err
		}
		if err := d.bind(root, key, segs, value); err != nil {
			return nil, err
		}
	}
	return finish(root), nil
}

// parseKey splits a key into its segments: "a.b[c][0].d" gives a, b, [c],
// [0], d. Text between brackets is taken as is, dots included.
func parseKey(key string) ([]segment, error) {
	var segs []segment
	i := 0
	name := func() string { // a dotted name runs to the next '.' or '['
		j := i
		for j < len(key) && key[j] != '.' && key[j] != '[' {
			j++
		}
		s := key[i:j]
		i = j
		return s
	}
	if key != "" && key[0] != '[' {
		segs = append(segs, segment{text: name()})
	}
	for i < len(key) {
		if len(segs) > schemanode.MaxDepth {
			return segs, nil // deeper than any plan binds: the key is not bound
		}
		switch key[i] {
		case '.':
			i++
			segs = append(segs, segment{text: name()})
		case '[':
			end := strings.IndexByte(key[i+1:], ']')
			if end < 0 {
				return nil, &SyntaxError{Key: key, Msg: "a '[' is not closed"}
			}
			segs = append(segs, segment{text: key[i+1 : i+1+end], bracket: true})
			i += end + 2
			if i < len(key) && key[i] != '[' && key[i] != '.' {
				return nil, &SyntaxError{Key: key, Msg: fmt.Sprintf("%q follows a ']'", key[i])}
			}
		}
	}
	return segs, nil
}

// step is one resolved segment: an object member, an array index, or an
// append ("[]").
type step struct {
	name   string // object member, by the schema's spelling
	array  bool
	append bool
	index  int
	plan   *plan // the plan of the position the step leads to
}

// bind resolves the key along the plan and, when every segment binds,
// records the value. A key that binds nothing is ignored.
func (d *Decoder) bind(root *tree, key string, segs []segment, value string) error {
	if len(segs) > schemanode.MaxDepth {
		return nil
	}
	steps := make([]step, 0, len(segs))
	p := d.root
	for _, seg := range segs {
		switch p.kind {
		case kindObject:
			if seg.bracket && seg.text == "" {
				return nil // "[]" on an object binds nothing
			}
			name, child, ok := p.lookup(seg.text)
			if !ok {
				return nil
			}
			steps = append(steps, step{name: name, plan: child})
			p = child
		case kindArray:
			switch {
			case seg.bracket && seg.text == "":
				steps = append(steps, step{array: true, append: true, plan: p.item})
			case isIndex(seg.text):
				i, ok := index(seg.text)
				if !ok {
					return &SyntaxError{Key: key, Msg: fmt.Sprintf("index %s is above %d", seg.text, MaxIndex)}
				}
				steps = append(steps, step{array: true, index: i, plan: p.item})
			default:
				return nil
			}
			p = p.item
		default:
			return nil // deeper than the schema
		}
	}
	t := root
	for _, st := range steps {
		var next *tree
		switch {
		case !st.array:
			if len(t.values) > 0 {
				return conflict(key)
			}
			next = t.children[st.name]
			if next == nil {
				if t.children == nil {
					t.children = map[string]*tree{}
				}
				next = &tree{plan: st.plan}
				t.children[st.name] = next
			}
		case st.append:
			if len(t.indexed) > 0 {
				return conflict(key)
			}
			next = &tree{plan: st.plan}
			t.items = append(t.items, next)
		default:
			if len(t.items) > 0 {
				return conflict(key)
			}
			next = t.indexed[st.index]
			if next == nil {
				if t.indexed == nil {
					t.indexed = map[int]*tree{}
				}
				next = &tree{plan: st.plan}
				t.indexed[st.index] = next
			}
		}
		t = next
	}
	switch t.plan.kind {
	case kindArray: // the array's own key: each value is an element
		if len(t.indexed) > 0 {
			return conflict(key)
		}
		t.items = append(t.items, &tree{plan: t.plan.item, values: []string{value}, direct: true})
	case kindObject:
		if len(t.children) > 0 {
			return conflict(key)
		}
		t.values = append(t.values, value)
	default:
		if len(t.values) == 0 { // a repeated scalar key: the first value wins
			t.values = append(t.values, value)
		}
	}
	return nil
}

func conflict(key string) error {
	return &SyntaxError{Key: key, Msg: "the key is given both a value and sub-keys (or both indexed and appended elements)"}
}

func isIndex(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// index reads a run of digits; false when it is above MaxIndex.
func index(s string) (int, bool) {
	s = strings.TrimLeft(s, "0")
	if len(s) > 5 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n, n <= MaxIndex
}

// finish turns the collected tree into JSON values.
func finish(t *tree) any {
	p := t.plan
	if len(t.values) > 0 {
		return convert(t.values[0], p)
	}
	switch p.kind {
	case kindObject:
		obj := make(map[string]any, len(t.children))
		for name, c := range t.children {
			obj[name] = finish(c)
		}
		return obj
	case kindArray:
		if len(t.items) == 1 && t.items[0].direct && t.items[0].values[0] == "" && p.nullable {
			return nil // "members=": an empty value for a nullable array
		}
		list := make([]any, 0, len(t.items)+len(t.indexed))
		for _, c := range t.items {
			list = append(list, finish(c))
		}
		for i := 0; ; i++ { // from 0 up to the first missing index
			c, ok := t.indexed[i]
			if !ok {
				break
			}
			list = append(list, finish(c))
		}
		return list
	}
	return nil // a scalar root that no pair gave a value
}

// convert reads text as the first of the plan's JSON types it fits. Text
// that fits none stays a string, for validation to report.
func convert(text string, p *plan) any {
	if text == "" {
		if p.nullable && (p.kind != kindScalar || !slices.Contains(p.types, "string")) {
			return nil
		}
		return ""
	}
	if p.kind != kindScalar {
		return text
	}
	for _, t := range p.types {
		switch t {
		case "integer":
			if integerText.MatchString(text) && jsonbody.NumberInRange(text) {
				return json.Number(canonicalInteger(text))
			}
		case "number":
			if m := numberText.FindStringSubmatch(text); m != nil && (m[2] != "" || m[3] != "") && jsonbody.NumberInRange(text) {
				return json.Number(canonicalNumber(m))
			}
		case "boolean":
			switch b := strings.TrimSpace(text); { // bool.Parse trims white space
			case strings.EqualFold(b, "true"):
				return true
			case strings.EqualFold(b, "false"):
				return false
			}
		case "string":
			return text
		}
	}
	return text
}

var (
	integerText = regexp.MustCompile(`^[+-]?[0-9]+$`)
	// sign, integer digits, fraction digits (after '.'), exponent
	numberText = regexp.MustCompile(`^([+-]?)([0-9]*)(?:\.([0-9]*))?([eE][+-]?[0-9]+)?$`)
)

// canonicalInteger writes an integer as JSON does: no '+', no leading zeros.
func canonicalInteger(s string) string {
	neg := s[0] == '-'
	s = strings.TrimLeft(strings.TrimLeft(s, "+-"), "0")
	if s == "" {
		return "0"
	}
	if neg {
		return "-" + s
	}
	return s
}

// canonicalNumber writes a decimal number as JSON does: "+1.", "007.50",
// ".5e3" give 1, 7.50, 0.5e3.
func canonicalNumber(m []string) string {
	sign, whole, frac, exp := m[1], m[2], m[3], m[4]
	if sign == "+" {
		sign = ""
	}
	whole = strings.TrimLeft(whole, "0")
	if whole == "" {
		whole = "0"
	}
	out := sign + whole
	if frac != "" {
		out += "." + frac
	}
	return out + exp
}
