package spec

import (
	"fmt"
	"mime"
	"slices"
	"strings"

	"github.com/chatmock/chatmock/internal/codec/formbody"
	"github.com/chatmock/chatmock/internal/codec/jsonbody"
	"github.com/chatmock/chatmock/internal/codec/xmlbody"
	"github.com/chatmock/chatmock/internal/envelope"
	"github.com/chatmock/chatmock/internal/live"
)

// Operation is one method on one path of a document.
type Operation struct {
	Doc     *Document
	ID      string
	Method  string // upper case
	Path    string // as in the document, e.g. /api/support/chatrooms
	Pointer string // JSON pointer of the operation object
	Raw     map[string]any

	Live         *live.Plan      // x-chatmock-response; nil: the first documented success example
	Store        *live.StorePlan // x-chatmock-store; nil: the operation leaves the store alone
	Parameters   []*Parameter
	Security     [][]SecurityScheme   // alternatives, each a set that must all hold; none: open
	RequestBody  []*Media             // in media type order
	BodyRequired bool                 // requestBody.required
	Responses    map[string][]*Media  // by status code as written ("200", "4XX", "default")
	Headers      map[string][]*Header // the response headers documented, by status as written, each by name
	Links        []Link               // its responses' links, in status order then name order (collectLinks)
	Examples     envelope.Examples    // response examples by name, its own then its document's, resolved at load
	// Documented are its own error responses, for a document without
	// x-chatmock-errors (nil with one).
	Documented envelope.Documented
	// Problems are the defects found in the operation while loading it; a
	// leniently loaded set serves only operations without any.
	Problems []Problem
}

// RequestMediaTypes lists the media types the operation's body accepts.
func (o *Operation) RequestMediaTypes() []string {
	out := make([]string, len(o.RequestBody))
	for i, m := range o.RequestBody {
		out[i] = m.Type
	}
	return out
}

// Kind is how a body of a media type is read.
type Kind int

const (
	KindOther Kind = iota
	KindJSON
	KindXML
	KindForm
	KindMultipart // multipart/form-data: its fields read as a form's
)

// KindOf classifies a media type (parameters ignored).
func KindOf(mediaType string) Kind {
	mt, _, err := mime.ParseMediaType(mediaType)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(mediaType))
	}
	switch {
	case mt == "application/json", mt == "text/json", strings.HasSuffix(mt, "+json"):
		return KindJSON
	case mt == "application/xml", mt == "text/xml", strings.HasSuffix(mt, "+xml"):
		return KindXML
	case mt == "application/x-www-form-urlencoded":
		return KindForm
	case mt == "multipart/form-data":
		return KindMultipart
	}
	return KindOther
}

// Media is one media type of a request body or a response, its schema
// compiled.
type Media struct {
	Type     string
	Kind     Kind
	Pointer  string // JSON pointer of the Media Type Object
	Schema   *Schema
	XML      *xmlbody.Codec    // for KindXML
	Form     *formbody.Decoder // for KindForm and KindMultipart
	Examples []*Example

	view *view // the document as a request or an answer sees it
}

// Example is a named (or the inline) example of a media type.
type Example struct {
	Name     string // "" for the inline `example`
	Summary  string
	Pointer  string // where the example is used, ending in /example or /examples/<name>
	Value    any    // the inline value, when the example has one
	HasValue bool
	External string // externalValue, when it has one
	// Breaks says how a response example breaks its own schema ("" when
	// it does not): the mock answers with another example, or a body made
	// from the schema, unless a client names this one.
	Breaks string
}

func (o *Operation) collectMedia() []Problem {
	d := o.Doc
	var problems []Problem
	if rb, ok := o.Raw["requestBody"]; ok {
		ptr, body, err := d.resolve(o.Pointer+"/requestBody", rb)
		if err != nil {
			return []Problem{d.problem(o.Pointer+"/requestBody", "%v", err)}
		}
		o.BodyRequired, _ = body["required"].(bool)
		var ps []Problem
		o.RequestBody, ps = d.collectContent(ptr, body, d.request)
		problems = append(problems, ps...)
	}
	responses, _ := o.Raw["responses"].(map[string]any)
	o.Responses = map[string][]*Media{}
	o.Headers = map[string][]*Header{}
	for status, r := range responses {
		ptr, resp, err := d.resolve(Pointer("paths", o.Path, strings.ToLower(o.Method), "responses", status), r)
		if err != nil {
			problems = append(problems, d.problem(o.Pointer+Pointer("responses", status), "%v", err))
			continue
		}
		media, ps := d.collectContent(ptr, resp, d.response)
		problems = append(problems, ps...)
		o.Responses[status] = media
		if hs, ps := d.collectHeaders(ptr, resp); len(hs) > 0 || len(ps) > 0 {
			o.Headers[status] = hs
			problems = append(problems, ps...)
		}
	}
	return problems
}

// collectContent compiles each media type of the content map of the
// request body or response at ptr.
func (d *Document) collectContent(ptr string, owner map[string]any, v *view) ([]*Media, []Problem) {
	content, _ := owner["content"].(map[string]any)
	types := make([]string, 0, len(content))
	for mt := range content {
		types = append(types, mt)
	}
	slices.Sort(types)
	var out []*Media
	var problems []Problem
	for _, mt := range types {
		mptr := ptr + Pointer("content", mt)
		node, _ := content[mt].(map[string]any)
		m := &Media{Type: mt, Kind: KindOf(mt), Pointer: mptr, view: v}
		if sn, ok := node["schema"].(map[string]any); ok {
			var err error
			if m.Schema, err = d.compileIn(v, mptr+"/schema"); err != nil {
				problems = append(problems, d.problem(mptr+"/schema", "schema does not compile: %v", err))
			}
			if m.Kind == KindForm || m.Kind == KindMultipart {
				if m.Form, err = formbody.Compile(sn, d.ResolveSchema); err != nil {
					problems = append(problems, d.problem(mptr+"/schema", "no form decoder for this schema: %v", err))
				}
			}
			if m.Kind == KindXML {
				if m.XML, err = xmlbody.Compile(sn, "", d.ResolveSchema); err != nil {
					problems = append(problems, d.problem(mptr+"/schema", "no XML decoder for this schema: %v", err))
				}
			}
		}
		exs, ps := d.collectExamples(mptr, node)
		m.Examples = exs
		problems = append(problems, ps...)
		out = append(out, m)
	}
	return out, problems
}

func (d *Document) collectExamples(mptr string, node map[string]any) ([]*Example, []Problem) {
	var out []*Example
	var problems []Problem
	if v, ok := node["example"]; ok {
		out = append(out, &Example{Pointer: mptr + "/example", Value: v, HasValue: true})
	}
	examples, _ := node["examples"].(map[string]any)
	names := make([]string, 0, len(examples))
	for n := range examples {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		eptr := mptr + Pointer("examples", n)
		_, ex, err := d.resolve(eptr, examples[n])
		if err != nil {
			problems = append(problems, d.problem(eptr, "%v", err))
			continue
		}
		e := &Example{Name: n, Pointer: eptr}
		e.Summary, _ = ex["summary"].(string)
		e.Value, e.HasValue = ex["value"]
		e.External, _ = ex["externalValue"].(string)
		switch {
		case e.HasValue && e.External != "":
			problems = append(problems, d.problem(eptr, "an example has value or externalValue, not both"))
		case !e.HasValue && e.External == "":
			problems = append(problems, d.problem(eptr, "the example has neither value nor externalValue"))
		}
		out = append(out, e)
	}
	return out, problems
}

// Instance returns the example as the value a body of this media type
// decodes to: the inline value, or the externalValue file read and decoded.
func (m *Media) Instance(d *Document, e *Example) (any, error) {
	if e.HasValue {
		return e.Value, nil
	}
	b, err := d.ReadExternal(e.External)
	if err != nil {
		return nil, err
	}
	return m.Decode(b)
}

// Decode reads a body of this media type into JSON values. JSON is read
// strictly (package jsonbody): invalid UTF-8, duplicate keys and deep
// nesting are refused, never repaired.
func (m *Media) Decode(b []byte) (any, error) {
	switch m.Kind {
	case KindJSON:
		return jsonbody.Decode(b)
	case KindXML:
		if m.XML == nil {
			return nil, fmt.Errorf("%s: the media type has no schema to read XML by", m.Type)
		}
		return m.XML.Decode(b)
	case KindForm:
		if m.Form == nil {
			return nil, fmt.Errorf("%s: the media type has no schema to read a form by", m.Type)
		}
		return m.Form.Decode(b)
	case KindMultipart:
		if m.Form == nil {
			return nil, fmt.Errorf("%s: the media type has no schema to read a form by", m.Type)
		}
		fields, err := multipartFields(b)
		if err != nil {
			return nil, err
		}
		return m.Form.Decode([]byte(fields.Encode()))
	}
	return string(b), nil
}

// SchemaNode is the media type's raw schema, for walkers that read schemas
// (the example generator); nil when it has none.
func (m *Media) SchemaNode(d *Document) map[string]any {
	root := d.Raw
	if m.view != nil {
		root = m.view.raw
	}
	v, _ := Lookup(root, m.Pointer+"/schema")
	node, _ := v.(map[string]any)
	return node
}
