package xmlbody

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// xmlNS is the namespace the prefix "xml" is bound to without declaration.
const xmlNS = "http://www.w3.org/XML/1998/namespace"

// EncodeError is a value the plan cannot write: an object or array where
// the schema plans a scalar or the other way round, text XML cannot carry,
// a name that cannot name an element. Pointer is the value's JSON pointer.
type EncodeError struct {
	Pointer string
	Msg     string
}

func (e *EncodeError) Error() string {
	return fmt.Sprintf("XML encoding of %q: %s", e.Pointer, e.Msg)
}

// Encode writes v, a JSON value (map[string]any, []any, json.Number,
// float64, int and the other Go integer types, bool, string, nil), as the
// XML document the plan describes, the way DataContractSerializer writes
// it: compact, without an XML declaration.
//
//   - The root element declares xmlns:i (the XML Schema instance namespace)
//     and then its namespace as the default one, always — also for plain
//     XML schemas without a namespace, where xmlns:i is simply unused when
//     no nil is written.
//   - Members are written in plan order (by XML name, which is
//     DataContract's order for `x-xml-member-order: alphabetical`), then,
//     for a schema with additionalProperties, the remaining keys in byte
//     order, each as an element named by EncodeLocalName(key). Keys the
//     plan does not know are not written.
//   - An element in a namespace other than the default one is written with
//     the schema's xml.prefix, declared on the parent element whose
//     children first need it; an element without a usable prefix (none, or
//     one already bound to another namespace) declares its namespace as the
//     default one on itself instead (xmlns="..." last, as .NET writes it).
//   - nil is <name i:nil="true"/>; a nil attribute or a nil unwrapped array
//     is not written. Absent members are not written.
//   - Scalars: strings escaped (&amp; &lt; &gt;, carriage return as &#xD;;
//     quotes stay as they are in text), booleans true/false, numbers as
//     their JSON text. An empty string is <name></name>; an element without
//     content (an empty object or wrapped array) is <name/>.
//
// A value whose shape does not match the plan — an object or array where a
// scalar is planned, a scalar where an object or array is planned — is an
// *EncodeError, as are strings holding characters XML 1.0 cannot carry
// (control characters other than tab, newline and carriage return,
// U+FFFE, U+FFFF, invalid UTF-8) and empty map keys. Encode never panics.
func (c *Codec) Encode(v any) ([]byte, error) {
	e := &encoder{}
	sc := &scope{def: "", bindings: &binding{prefix: "i", ns: xsiNS}}
	t := tag{local: c.root.name, ns: c.root.namespace, prefix: c.root.prefix}
	if err := e.element(c.root, t, v, sc, "", true); err != nil {
		return nil, err
	}
	return e.buf.Bytes(), nil
}

type encoder struct {
	buf bytes.Buffer
}

// tag is the XML name an element is written with: the plan's, or a map key
// for additionalProperties, or the array's namespace for unwrapped items.
type tag struct {
	local, ns, prefix string
}

// binding is one prefix declaration in scope, innermost first.
type binding struct {
	prefix, ns string
	next       *binding
}

// scope is the default namespace and the prefixes in scope.
type scope struct {
	def      string
	bindings *binding
}

func (s *scope) lookup(prefix string) (string, bool) {
	for b := s.bindings; b != nil; b = b.next {
		if b.prefix == prefix {
			return b.ns, true
		}
	}
	return "", false
}

// prefixFor returns a prefix bound to ns, preferring the given one.
func (s *scope) prefixFor(ns, prefer string) string {
	if ns == "" {
		return ""
	}
	if prefer != "" {
		if got, ok := s.lookup(prefer); ok && got == ns {
			return prefer
		}
	}
	for b := s.bindings; b != nil; b = b.next {
		if b.ns == ns {
			if got, _ := s.lookup(b.prefix); got == ns {
				return b.prefix
			}
		}
	}
	return ""
}

func (s *scope) with(prefix, ns string) *scope {
	return &scope{def: s.def, bindings: &binding{prefix: prefix, ns: ns, next: s.bindings}}
}

// child is one element to write inside an object or wrapped array.
type child struct {
	el  *element
	tag tag
	v   any
	ptr string
}

// attr is one attribute to write.
type attr struct {
	tag tag
	val string
}

// element writes el's element, named t, holding v.
func (e *encoder) element(el *element, t tag, v any, sc *scope, ptr string, root bool) error {
	if t.local == "" {
		return &EncodeError{ptr, "the element has no name"}
	}
	// The element's own name: unprefixed in the default namespace, else
	// with a prefix in scope, else declaring its namespace as the default.
	qname, selfDecl := t.local, false
	if t.ns != sc.def {
		if p := sc.prefixFor(t.ns, t.prefix); p != "" {
			qname = p + ":" + t.local
		} else {
			selfDecl = true
			sc = &scope{def: t.ns, bindings: sc.bindings}
		}
	}
	var decls []attr // prefix declarations
	if root {
		decls = append(decls, attr{tag{local: "i"}, xsiNS})
	}
	var attrs []attr
	var children []child
	nilValue := v == nil
	if !nilValue {
		var err error
		if attrs, children, err = e.content(el, t, v, ptr); err != nil {
			return err
		}
	}
	// Declare the prefixes the attributes and the children need, in the
	// order they first need them. A prefix this element's name or one of
	// its attributes uses cannot be bound to another namespace here.
	taken := map[string]string{}
	if p, _, ok := strings.Cut(qname, ":"); ok {
		taken[p] = t.ns
	}
	usable := func(p, ns string) bool {
		got, ok := taken[p]
		return isPrefix(p) && (!ok || got == ns)
	}
	declare := func(p, ns string) {
		decls = append(decls, attr{tag{local: p}, ns})
		taken[p] = ns
		sc = sc.with(p, ns)
	}
	for i, a := range attrs {
		switch a.tag.ns {
		case "":
			if a.tag.local == "xmlns" {
				return &EncodeError{ptr, "an attribute cannot be named xmlns"}
			}
			continue
		case xmlNS:
			attrs[i].tag.prefix = "xml"
			continue
		}
		p := sc.prefixFor(a.tag.ns, a.tag.prefix)
		if p == "" { // an attribute cannot use the default namespace
			p = a.tag.prefix
			for n := 1; !usable(p, a.tag.ns); n++ {
				p = fmt.Sprintf("p%d", n)
				if _, bound := sc.lookup(p); bound {
					p = ""
				}
			}
			declare(p, a.tag.ns)
		}
		attrs[i].tag.prefix = p
		taken[p] = a.tag.ns
	}
	for _, ch := range children {
		ns := ch.tag.ns
		if ns == sc.def || ns == "" || sc.prefixFor(ns, ch.tag.prefix) != "" || !usable(ch.tag.prefix, ns) {
			continue // in scope, or the child declares it itself
		}
		declare(ch.tag.prefix, ns)
	}
	for _, d := range decls {
		if err := checkText(d.val); err != nil {
			return &EncodeError{ptr, "namespace " + strconv.Quote(d.val) + ": " + err.Error()}
		}
	}
	if selfDecl {
		if err := checkText(t.ns); err != nil {
			return &EncodeError{ptr, "namespace " + strconv.Quote(t.ns) + ": " + err.Error()}
		}
	}

	b := &e.buf
	b.WriteByte('<')
	b.WriteString(qname)
	for _, d := range decls {
		writeAttr(b, "xmlns:"+d.tag.local, d.val)
	}
	seen := map[string]bool{}
	for _, a := range attrs {
		name := a.tag.local
		if a.tag.ns != "" {
			name = a.tag.prefix + ":" + name
		}
		if seen[name] {
			return &EncodeError{ptr, "two attributes are named " + name}
		}
		seen[name] = true
		writeAttr(b, name, a.val)
	}
	if nilValue {
		b.WriteString(` i:nil="true"`)
	}
	if selfDecl {
		writeAttr(b, "xmlns", t.ns)
	}
	if nilValue {
		b.WriteString("/>")
		return nil
	}
	switch el.kind {
	case kindScalar:
		text, ok := scalarText(v)
		if !ok {
			return &EncodeError{ptr, fmt.Sprintf("%s where the schema plans a scalar", jsonType(v))}
		}
		b.WriteByte('>')
		if err := writeText(b, text, false); err != nil {
			return &EncodeError{ptr, err.Error()}
		}
	default:
		if len(children) == 0 {
			b.WriteString("/>")
			return nil
		}
		b.WriteByte('>')
		for _, ch := range children {
			if err := e.element(ch.el, ch.tag, ch.v, sc, ch.ptr, false); err != nil {
				return err
			}
		}
	}
	b.WriteString("</")
	b.WriteString(qname)
	b.WriteByte('>')
	return nil
}

// content lists the attributes and the child elements of an object or a
// wrapped array holding v; a scalar plan has none.
func (e *encoder) content(el *element, self tag, v any, ptr string) ([]attr, []child, error) {
	switch el.kind {
	case kindArray:
		list, ok := v.([]any)
		if !ok {
			return nil, nil, &EncodeError{ptr, fmt.Sprintf("%s where the schema plans an array", jsonType(v))}
		}
		t := tag{local: el.item.name, ns: el.item.namespace, prefix: el.item.prefix}
		if t.local == "" { // items of a map value repeat its key
			t.local = self.local
		}
		children := make([]child, 0, len(list))
		for i, item := range list {
			children = append(children, child{el.item, t, item, ptr + "/" + strconv.Itoa(i)})
		}
		return nil, children, nil
	case kindObject:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, nil, &EncodeError{ptr, fmt.Sprintf("%s where the schema plans an object", jsonType(v))}
		}
		var attrs []attr
		var children []child
		for _, m := range el.members {
			mv, ok := obj[m.key]
			if !ok {
				continue
			}
			mptr := ptr + "/" + escapePointer(m.key)
			if m.el.attribute {
				if mv == nil {
					continue
				}
				text, ok := scalarText(mv)
				if !ok {
					return nil, nil, &EncodeError{mptr, fmt.Sprintf("%s where the schema plans an attribute", jsonType(mv))}
				}
				if err := checkText(text); err != nil {
					return nil, nil, &EncodeError{mptr, err.Error()}
				}
				attrs = append(attrs, attr{tag{local: m.el.name, ns: m.el.namespace, prefix: m.el.prefix}, text})
				continue
			}
			var err error
			children, err = appendMember(children, m.el, tag{local: m.el.name, ns: m.el.namespace, prefix: m.el.prefix}, mv, mptr)
			if err != nil {
				return nil, nil, err
			}
		}
		if el.additional == nil {
			return attrs, children, nil
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			if !slices.ContainsFunc(el.members, func(m *member) bool { return m.key == k }) {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		ap := el.additional
		for _, k := range keys {
			kptr := ptr + "/" + escapePointer(k)
			if k == "" {
				return nil, nil, &EncodeError{kptr, "an empty key cannot name an element"}
			}
			if !utf8.ValidString(k) {
				return nil, nil, &EncodeError{kptr, "the key is not valid UTF-8"}
			}
			t := tag{local: EncodeLocalName(k), ns: ap.namespace, prefix: ap.prefix}
			if memberNamed(el, t.local, t.ns) {
				return nil, nil, &EncodeError{kptr, "the key's element " + t.local + " would read back as a member"}
			}
			var err error
			if children, err = appendMember(children, ap, t, obj[k], kptr); err != nil {
				return nil, nil, err
			}
		}
		return attrs, children, nil
	}
	return nil, nil, nil
}

// appendMember adds an object's member: one element, or for an unwrapped
// array one element per item, named by the item and in the array's
// namespace (as Decode reads them).
func appendMember(children []child, el *element, t tag, v any, ptr string) ([]child, error) {
	if el.kind != kindArray || el.wrapped {
		return append(children, child{el, t, v, ptr}), nil
	}
	if v == nil {
		return children, nil // nothing to repeat
	}
	list, ok := v.([]any)
	if !ok {
		return nil, &EncodeError{ptr, fmt.Sprintf("%s where the schema plans an array", jsonType(v))}
	}
	if el.item.name != "" && el.name != "" { // a map value's items repeat its key
		t.local = el.item.name
	}
	if t.prefix == "" {
		t.prefix = el.item.prefix
	}
	for i, item := range list {
		children = append(children, child{el.item, t, item, ptr + "/" + strconv.Itoa(i)})
	}
	return children, nil
}

// memberNamed tells whether an element named local in ns binds to one of
// el's members when read.
func memberNamed(el *element, local, ns string) bool {
	for _, m := range el.members {
		if m.el.attribute {
			continue
		}
		name := m.el.name
		if m.el.kind == kindArray && !m.el.wrapped {
			name = m.el.item.name
		}
		if name == local && m.el.namespace == ns {
			return true
		}
	}
	return false
}

// scalarText is the text of a scalar JSON value; ok is false for objects,
// arrays and values of other Go types.
func scalarText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return string(x), true
	case bool:
		return strconv.FormatBool(x), true
	case float64:
		return floatText(x, 64)
	case float32:
		return floatText(float64(x), 32)
	case int:
		return strconv.Itoa(x), true
	case int8:
		return strconv.FormatInt(int64(x), 10), true
	case int16:
		return strconv.FormatInt(int64(x), 10), true
	case int32:
		return strconv.FormatInt(int64(x), 10), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case uint:
		return strconv.FormatUint(uint64(x), 10), true
	case uint8:
		return strconv.FormatUint(uint64(x), 10), true
	case uint16:
		return strconv.FormatUint(uint64(x), 10), true
	case uint32:
		return strconv.FormatUint(uint64(x), 10), true
	case uint64:
		return strconv.FormatUint(x, 10), true
	}
	return "", false
}

// floatText writes a float as encoding/json does; NaN and infinities have
// no JSON text and are refused.
func floatText(f float64, bits int) (string, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", false
	}
	var b []byte
	var err error
	if bits == 32 {
		b, err = json.Marshal(float32(f))
	} else {
		b, err = json.Marshal(f)
	}
	return string(b), err == nil
}

func jsonType(v any) string {
	switch x := v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number, float64, float32, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		if f, ok := x.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
			return "a number JSON cannot write"
		}
		if f, ok := x.(float32); ok && (math.IsNaN(float64(f)) || math.IsInf(float64(f), 0)) {
			return "a number JSON cannot write"
		}
		return "a number"
	case bool:
		return "a boolean"
	}
	return fmt.Sprintf("a %T", v)
}

func escapePointer(key string) string {
	return strings.ReplaceAll(strings.ReplaceAll(key, "~", "~0"), "/", "~1")
}

// isPrefix tells whether p can be declared as a namespace prefix here: an
// NCName, neither i (the nil marker's) nor one starting with "xml".
func isPrefix(p string) bool {
	return p != "" && p != "i" && !strings.HasPrefix(strings.ToLower(p), "xml") && EncodeLocalName(p) == p
}

func checkText(s string) error {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return fmt.Errorf("the text is not valid UTF-8")
			}
		}
		if !isXMLChar(r) {
			return fmt.Errorf("XML cannot carry the character %U", r)
		}
	}
	return nil
}

// writeText escapes element text (attr false) or an attribute value.
// In text, quotes stay; tab and newline stay, carriage return is a
// reference so that no parser turns it into a newline. In attributes,
// quotes and all three are references (attribute value normalization would
// turn them into spaces).
func writeText(b *bytes.Buffer, s string, attr bool) error {
	if err := checkText(s); err != nil {
		return err
	}
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\r':
			esc = "&#xD;"
		case '"':
			if attr {
				esc = "&quot;"
			}
		case '\t':
			if attr {
				esc = "&#x9;"
			}
		case '\n':
			if attr {
				esc = "&#xA;"
			}
		}
		if esc == "" {
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		last = i + 1
	}
	b.WriteString(s[last:])
	return nil
}

// writeAttr writes ` name="value"`; the value was checked before.
func writeAttr(b *bytes.Buffer, name, value string) {
	b.WriteByte(' ')
	b.WriteString(name)
	b.WriteString(`="`)
	_ = writeText(b, value, true)
	b.WriteByte('"')
}
