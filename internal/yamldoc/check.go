package yamldoc

import (
	"bytes"
	"fmt"
	"sync"

	"github.com/chatmock/chatmock/internal/inputfile"
	"github.com/chatmock/chatmock/spec"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// Error is a file that cannot be used, at a line and pointer when known.
type Error struct {
	File    string
	Line    int
	Pointer string
	Msg     string
}

func (e *Error) Error() string {
	switch {
	case e.Line > 0:
		ptr := e.Pointer
		if ptr == "" {
			ptr = "/"
		}
		return fmt.Sprintf("%s: line %d (%s): %s", e.File, e.Line, ptr, e.Msg)
	case e.Pointer != "":
		return fmt.Sprintf("%s: %s: %s", e.File, e.Pointer, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Ref is a further schema that one compiled by Schema refers to by name
// ($ref: chatmock-condition.json).
type Ref struct {
	Name string
	JSON []byte
}

// Schema compiles an embedded JSON Schema, with the schemas it refers to,
// once, on first use.
func Schema(name string, raw []byte, refs ...Ref) func() (*jsonschema.Schema, error) {
	return sync.OnceValues(func() (*jsonschema.Schema, error) {
		c := jsonschema.NewCompiler()
		for _, r := range append([]Ref{{name, raw}}, refs...) {
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(r.JSON))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", r.Name, err)
			}
			if err := c.AddResource(r.Name, doc); err != nil {
				return nil, err
			}
		}
		return c.Compile(name)
	})
}

// Load reads a file, parses it and checks it against schema; problems are
// *Error naming the file and line (an unknown key, at the key's own line).
func Load(src spec.Source, schema *jsonschema.Schema) (*Doc, error) {
	b, err := inputfile.ReadFile(src.FS, src.Path, src.Name, inputfile.MaxConfig)
	if err != nil {
		return nil, &Error{File: src.Name, Msg: err.Error()}
	}
	doc, err := Parse(b)
	if err != nil {
		return nil, &Error{File: src.Name, Msg: "not YAML: " + err.Error()}
	}
	if err := schema.Validate(doc.Value); err != nil {
		v := spec.Violations(err)[0]
		ptr, msg := v.Pointer, v.Message
		if k, ok := v.Kind.(*kind.AdditionalProperties); ok && len(k.Properties) > 0 {
			ptr += spec.Pointer(k.Properties[0])
			msg = fmt.Sprintf("unknown key %q", k.Properties[0])
		}
		return nil, &Error{File: src.Name, Line: doc.Line(ptr), Pointer: ptr, Msg: msg}
	}
	return doc, nil
}

// Fail is an *Error at a pointer of the document.
func (p *Doc) Fail(file, ptr, msg string) error {
	return &Error{File: file, Line: p.Line(ptr), Pointer: ptr, Msg: msg}
}
