package spec

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"net/url"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/chatmock/chatmock/internal/envelope"
	"github.com/chatmock/chatmock/internal/inputfile"
	"github.com/chatmock/chatmock/internal/live"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/yaml"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// APIKey is the root extension naming the API a document describes
// ("tencent", "jsonapi", ...). Without it the file's base name is used.
const APIKey = "x-chatmock-api"

// Set is every loaded document.
type Set struct {
	Documents []*Document
}

// Operations lists the operations of every document, in document order.
func (s *Set) Operations() []*Operation {
	var out []*Operation
	for _, d := range s.Documents {
		out = append(out, d.Operations...)
	}
	return out
}

// Document is one loaded OpenAPI document.
type Document struct {
	API        string
	Source     Source
	T          *openapi3.T    // kin-openapi's model, for parameters and security
	Raw        map[string]any // the document as JSON values (numbers as json.Number)
	Operations []*Operation
	Errors     *envelope.Declaration // x-chatmock-errors; nil: RFC 9457 problem+json
	Examples   envelope.Examples     // every operation's response examples by name, resolved at load

	compiler *jsonschema.Compiler
	url      string // the document's resource URL in compiler
}

// Load reads, checks and compiles every source. All problems of all
// documents are returned together in a *LoadError.
func Load(ctx context.Context, sources []Source) (*Set, error) {
	set := &Set{}
	var problems []Problem
	// The documents are independent: they load side by side, and are then
	// taken in the sources' order.
	type loaded struct {
		doc *Document
		ps  []Problem
	}
	results := make([]loaded, len(sources))
	var wg sync.WaitGroup
	for i, src := range sources {
		wg.Go(func() {
			doc, ps := LoadDocument(ctx, src)
			results[i] = loaded{doc, ps}
		})
	}
	wg.Wait()
	for _, r := range results {
		problems = append(problems, r.ps...)
		if r.doc != nil {
			set.Documents = append(set.Documents, r.doc)
		}
	}
	problems = append(problems, set.DuplicateOperationIDs()...)
	if len(problems) > 0 {
		return nil, &LoadError{Problems: problems}
	}
	return set, nil
}

// LoadDocument reads and compiles one document. A document with problems
// may still come back, so a linter can go on checking what did load.
func LoadDocument(ctx context.Context, src Source) (*Document, []Problem) {
	fail := func(ptr, format string, args ...any) (*Document, []Problem) {
		return nil, []Problem{{File: src.Name, Pointer: ptr, Message: fmt.Sprintf(format, args...)}}
	}
	data, err := inputfile.ReadFile(src.FS, src.Path, src.Name, inputfile.MaxDocument)
	if err != nil {
		return fail("", "%v", err)
	}
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return fail("", "not YAML or JSON: %v", err)
	}
	var raw map[string]any
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return fail("", "not an object: %v", err)
	}
	if v, _ := raw["openapi"].(string); !strings.HasPrefix(v, "3.") {
		return fail("/openapi", "want an OpenAPI 3.x document, got %q", v)
	}
	loader := openapi3.NewLoader()
	// kin-openapi reads JSON first: handing it the JSON made above spares
	// it parsing the YAML a second time (half the load time).
	t, err := loader.LoadFromDataWithPath(js, &url.URL{Path: src.Path})
	if err != nil {
		return fail("", "%v", err)
	}
	doc := &Document{Source: src, T: t, Raw: raw, url: "mem:///" + url.PathEscape(src.Name) + ".json"}
	doc.API, _ = raw[APIKey].(string)
	if doc.API == "" {
		doc.API = strings.TrimSuffix(path.Base(src.Path), path.Ext(src.Path))
	}
	var problems []Problem
	if err := t.Validate(ctx, openapi3.DisableExamplesValidation()); err != nil {
		problems = append(problems, Problem{File: src.Name, Message: err.Error()})
	}
	if doc.compiler, err = newCompiler(); err != nil {
		return fail("", "%v", err)
	}
	if err := doc.compiler.AddResource(doc.url, any(raw)); err != nil {
		return fail("", "%v", err)
	}
	problems = append(problems, doc.collectOperations()...)
	if doc.Errors, err = envelope.Parse(raw); err != nil {
		var de *envelope.DeclError
		ptr := "/" + envelope.Key
		if errors.As(err, &de) {
			ptr, err = de.Pointer, errors.New(de.Msg)
		}
		problems = append(problems, Problem{File: src.Name, Pointer: ptr, Message: err.Error()})
	}
	problems = append(problems, doc.checkNamedExamples()...)
	doc.resolveExamples()
	return doc, problems
}

var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

func (d *Document) collectOperations() []Problem {
	var problems []Problem
	var err error
	paths, _ := d.Raw["paths"].(map[string]any)
	keys := make([]string, 0, len(paths))
	for k := range paths {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, p := range keys {
		item, _ := paths[p].(map[string]any)
		for _, m := range methods {
			raw, ok := item[m].(map[string]any)
			if !ok {
				continue
			}
			op := &Operation{Doc: d, Method: strings.ToUpper(m), Path: p, Pointer: Pointer("paths", p, m), Raw: raw}
			op.ID, _ = raw["operationId"].(string)
			if op.ID == "" {
				problems = append(problems, d.problem(op.Pointer, "operation %s %s has no operationId", op.Method, p))
			}
			problems = append(problems, op.collectMedia()...)
			problems = append(problems, op.collectParameters(item)...)
			problems = append(problems, op.collectSecurity()...)
			if op.Live, err = live.Parse(raw, op.Pointer); err != nil {
				problems = append(problems, d.problem(op.Pointer+"/"+live.Key, "%v", err))
			}
			if op.Store, err = live.ParseStore(raw, op.Pointer); err != nil {
				problems = append(problems, d.problem(op.Pointer+"/"+live.StoreKey, "%v", err))
			}
			d.Operations = append(d.Operations, op)
		}
	}
	return problems
}

func (d *Document) problem(ptr, format string, args ...any) Problem {
	return Problem{File: d.Source.Name, Pointer: ptr, Message: fmt.Sprintf(format, args...)}
}

// resolve follows local $refs from the node at ptr, returning where it
// lands. Sibling keywords of a $ref are not merged here: request bodies,
// responses and examples are Reference Objects, which have none that count.
func (d *Document) resolve(ptr string, node any) (string, map[string]any, error) {
	for range 32 {
		m, ok := node.(map[string]any)
		if !ok {
			return ptr, nil, fmt.Errorf("want an object")
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return ptr, m, nil
		}
		if !strings.HasPrefix(ref, "#") {
			return ptr, nil, fmt.Errorf("$ref %q: only references inside the document are followed", ref)
		}
		frag, err := url.PathUnescape(ref[1:])
		if err != nil {
			return ptr, nil, fmt.Errorf("$ref %q: %v", ref, err)
		}
		target, ok := Lookup(d.Raw, frag)
		if !ok {
			return ptr, nil, fmt.Errorf("$ref %q points to nothing", ref)
		}
		ptr, node = frag, target
	}
	return ptr, nil, fmt.Errorf("$ref chain too long")
}

// ResolveSchema returns the schema a local $ref designates.
func (d *Document) ResolveSchema(ref string) (map[string]any, error) {
	_, m, err := d.resolve("", map[string]any{"$ref": ref})
	return m, err
}

// compile compiles the schema at ptr.
func (d *Document) compile(ptr string) (*Schema, error) {
	s, err := d.compiler.Compile(d.url + "#" + ptr)
	if err != nil {
		return nil, err
	}
	return newSchema(s), nil
}

// ReadExternal reads an externalValue relative to the document.
func (d *Document) ReadExternal(ref string) ([]byte, error) {
	return readExternal(d.Source, ref)
}

func (s *Set) DuplicateOperationIDs() []Problem {
	var problems []Problem
	seen := map[string]*Operation{}
	for _, op := range s.Operations() {
		if op.ID == "" {
			continue
		}
		if first, ok := seen[op.ID]; ok {
			problems = append(problems, op.Doc.problem(op.Pointer+"/operationId",
				"operationId %q is also used by %s %s in %s", op.ID, first.Method, first.Path, first.Doc.Source.Name))
			continue
		}
		seen[op.ID] = op
	}
	return problems
}

// checkNamedExamples reports examples that the error declaration or a live
// plan names but the document does not have.
func (d *Document) checkNamedExamples() []Problem {
	var problems []Problem
	if d.Errors != nil {
		for i, name := range d.Errors.ExampleNames() {
			if name != "" && d.FindExample(name) == nil {
				problems = append(problems, d.problem(fmt.Sprintf("/%s/cases/%d/example", envelope.Key, i),
					"no response example is named %q", name))
			}
		}
	}
	for _, op := range d.Operations {
		if op.Live == nil {
			continue
		}
		for i, e := range op.Live.Entries {
			if e.Example != "" && op.FindExample(e.Example) == nil {
				problems = append(problems, d.problem(fmt.Sprintf("%s/%s/%d/example", op.Pointer, live.Key, i),
					"operation %s has no response example named %q", op.ID, e.Example))
			}
		}
	}
	return problems
}

// FindExample finds a response example by name in any operation.
func (d *Document) FindExample(name string) *ResponseExample {
	for _, op := range d.Operations {
		if ex := op.FindExample(name); ex != nil {
			return ex
		}
	}
	return nil
}
