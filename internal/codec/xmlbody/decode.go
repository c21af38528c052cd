package xmlbody

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/chatmock/chatmock/internal/codec/jsonbody"
	"github.com/chatmock/chatmock/internal/schema/schemanode"
)

// xsiNS is the XML Schema instance namespace of the nil="true" marker.
const xsiNS = "http://www.w3.org/2001/XMLSchema-instance"

// Codec decodes and encodes documents whose root element is described by
// one schema. It is safe for concurrent use.
type Codec struct {
	root *element
}

// Compile builds the codec for a media type's schema. rootName names the
// root element when the schema's xml object does not (OpenAPI uses the
// component's name then).
func Compile(schema map[string]any, rootName string, resolve Resolver) (*Codec, error) {
	p := &planner{resolve: resolve}
	if rootName == "" {
		if ref, ok := schema["$ref"].(string); ok {
			rootName = ref[strings.LastIndex(ref, "/")+1:]
		}
	}
	root, err := p.compile(schema, rootName, "")
	if err != nil {
		return nil, err
	}
	if root.name == "" {
		return nil, errors.New("the root element has no name: give the schema an xml.name")
	}
	return &Codec{root: root}, nil
}

// SyntaxError is a body that is not well-formed XML, or that declares a
// DOCTYPE or entities, which are refused and never expanded.
type SyntaxError struct {
	Line int
	Msg  string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("XML line %d: %s", e.Line, e.Msg) }

// RootError is a well-formed document whose root element is not the one the
// schema expects, in the words DataContractSerializer uses.
type RootError struct {
	WantName, WantNS, GotName, GotNS string
}

func (e *RootError) Error() string {
	return fmt.Sprintf("Expecting element '%s' from namespace '%s'.. Encountered 'Element'  with name '%s', namespace '%s'.",
		e.WantName, e.WantNS, e.GotName, e.GotNS)
}

// Decode reads one document from body.
func (d *Codec) Decode(body []byte) (any, error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = true
	for {
		tok, err := d.token(dec)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, &SyntaxError{Line: 1, Msg: "no root element"}
			}
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != d.root.name || t.Name.Space != d.root.namespace {
				return nil, &RootError{d.root.name, d.root.namespace, t.Name.Local, t.Name.Space}
			}
			v, err := d.value(dec, d.root, t)
			if err != nil {
				return nil, err
			}
			return v, d.trailing(dec)
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return nil, d.syntax(dec, "text before the root element")
			}
		}
	}
}

// token reads the next token, refusing DOCTYPE and entity declarations.
func (d *Codec) token(dec *xml.Decoder) (xml.Token, error) {
	tok, err := dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, err
		}
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			return nil, &SyntaxError{Line: se.Line, Msg: se.Msg}
		}
		return nil, d.syntax(dec, err.Error())
	}
	if _, ok := tok.(xml.Directive); ok {
		return nil, d.syntax(dec, "DOCTYPE and entity declarations are not accepted")
	}
	return tok, nil
}

func (d *Codec) syntax(dec *xml.Decoder, msg string) error {
	line, _ := dec.InputPos()
	return &SyntaxError{Line: line, Msg: msg}
}

func (d *Codec) trailing(dec *xml.Decoder) error {
	for {
		tok, err := d.token(dec)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return d.syntax(dec, "a second root element <"+t.Name.Local+">")
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return d.syntax(dec, "text after the root element")
			}
		}
	}
}

// value decodes the element whose start tag was just read.
func (d *Codec) value(dec *xml.Decoder, el *element, start xml.StartElement) (any, error) {
	if isNil(start) {
		return nil, d.skip(dec)
	}
	switch el.kind {
	case kindObject:
		return d.object(dec, el, start)
	case kindArray:
		return d.array(dec, el, start)
	}
	text, err := d.text(dec)
	if err != nil {
		return nil, err
	}
	return scalar(text, el.types), nil
}

func (d *Codec) object(dec *xml.Decoder, el *element, start xml.StartElement) (any, error) {
	obj := map[string]any{}
	for _, m := range el.members {
		if !m.el.attribute {
			continue
		}
		for _, a := range start.Attr {
			if a.Name.Local == m.el.name && a.Name.Space == m.el.namespace {
				obj[m.key] = scalar(a.Value, m.el.types)
			}
		}
	}
	next := 0 // DataContract: the first member still allowed
	for {
		tok, err := d.token(dec)
		if err != nil {
			return nil, d.unexpectedEOF(dec, err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return obj, nil
		case xml.StartElement:
			i := d.find(el, t.Name, next)
			if i < 0 {
				if key, ok := additionalKey(el, t.Name); ok {
					if err := d.additional(dec, el.additional, obj, key, t); err != nil {
						return nil, err
					}
					continue
				}
				if err := d.skip(dec); err != nil { // unknown, misplaced or foreign: not bound
					return nil, err
				}
				continue
			}
			m := el.members[i]
			if m.el.kind == kindArray && !m.el.wrapped {
				item, err := d.value(dec, m.el.item, t)
				if err != nil {
					return nil, err
				}
				list, _ := obj[m.key].([]any)
				obj[m.key] = append(list, item)
				next = i
				continue
			}
			v, err := d.value(dec, m.el, t)
			if err != nil {
				return nil, err
			}
			obj[m.key] = v
			if el.ordered {
				next = i + 1
			}
		}
	}
}

// find returns the index of the member an element binds to, or -1. Ordered
// objects only look from next on: an element that comes too late in the
// order is skipped, as DataContractSerializer does.
func (d *Codec) find(el *element, name xml.Name, next int) int {
	from := 0
	if el.ordered {
		from = next
	}
	for i := from; i < len(el.members); i++ {
		m := el.members[i].el
		if m.attribute {
			continue
		}
		elemName := m.name
		if m.kind == kindArray && !m.wrapped {
			elemName = m.item.name
		}
		if elemName == name.Local && m.namespace == name.Space {
			return i
		}
	}
	return -1
}

// additionalKey tells whether an element that binds to no member is an
// entry of el's additionalProperties, and its key: the element is in the
// entries' namespace, its name decodes (DecodeLocalName) to valid UTF-8
// that is not a member's key, and it is not a member's element out of
// order.
func additionalKey(el *element, name xml.Name) (string, bool) {
	ap := el.additional
	if ap == nil || name.Space != ap.namespace || memberNamed(el, name.Local, name.Space) {
		return "", false
	}
	key := DecodeLocalName(name.Local)
	if !utf8.ValidString(key) || slices.ContainsFunc(el.members, func(m *member) bool { return m.key == key }) {
		return "", false
	}
	return key, true
}

// additional decodes one entry of a map into obj[key]; entries of an
// unwrapped array value repeat the key, one element per item.
func (d *Codec) additional(dec *xml.Decoder, ap *element, obj map[string]any, key string, start xml.StartElement) error {
	if ap.kind == kindArray && !ap.wrapped {
		item, err := d.value(dec, ap.item, start)
		if err != nil {
			return err
		}
		list, _ := obj[key].([]any)
		obj[key] = append(list, item)
		return nil
	}
	v, err := d.value(dec, ap, start)
	if err != nil {
		return err
	}
	obj[key] = v
	return nil
}

func (d *Codec) array(dec *xml.Decoder, el *element, start xml.StartElement) (any, error) {
	itemName := el.item.name
	if itemName == "" { // items of a map value repeat its key
		itemName = start.Name.Local
	}
	list := []any{}
	for {
		tok, err := d.token(dec)
		if err != nil {
			return nil, d.unexpectedEOF(dec, err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return list, nil
		case xml.StartElement:
			if t.Name.Local != itemName || t.Name.Space != el.item.namespace {
				if err := d.skip(dec); err != nil {
					return nil, err
				}
				continue
			}
			v, err := d.value(dec, el.item, t)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
	}
}

// text reads an element's character data up to its end tag; child
// elements of a scalar are skipped.
func (d *Codec) text(dec *xml.Decoder) (string, error) {
	var sb strings.Builder
	for {
		tok, err := d.token(dec)
		if err != nil {
			return "", d.unexpectedEOF(dec, err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			sb.Write(t)
		case xml.StartElement:
			if err := d.skip(dec); err != nil {
				return "", err
			}
		case xml.EndElement:
			return sb.String(), nil
		}
	}
}

// skip consumes the rest of the element whose start tag was just read.
func (d *Codec) skip(dec *xml.Decoder) error {
	for depth := 1; depth > 0; {
		tok, err := d.token(dec)
		if err != nil {
			return d.unexpectedEOF(dec, err)
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth++; depth > schemanode.MaxDepth {
				return d.syntax(dec, fmt.Sprintf("elements are nested more than %d deep", schemanode.MaxDepth))
			}
		case xml.EndElement:
			depth--
		}
	}
	return nil
}

func (d *Codec) unexpectedEOF(dec *xml.Decoder, err error) error {
	if errors.Is(err, io.EOF) {
		return d.syntax(dec, "unexpected end of the document")
	}
	return err
}

func isNil(start xml.StartElement) bool {
	for _, a := range start.Attr {
		if a.Name.Local == "nil" && a.Name.Space == xsiNS {
			return a.Value == "true" || a.Value == "1"
		}
	}
	return false
}

// scalar converts element text to the first JSON type it fits. Text that
// fits none stays a string, so validation reports it against the schema.
func scalar(text string, types []string) any {
	trimmed := strings.TrimSpace(text)
	for _, t := range types {
		switch t {
		case "integer":
			if integerText.MatchString(trimmed) && jsonbody.NumberInRange(trimmed) {
				return json.Number(strings.TrimPrefix(trimmed, "+"))
			}
		case "number":
			if numberText.MatchString(trimmed) && jsonbody.NumberInRange(trimmed) {
				return json.Number(strings.TrimPrefix(trimmed, "+"))
			}
		case "boolean":
			switch trimmed {
			case "true", "1":
				return true
			case "false", "0":
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
	numberText  = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)
)
