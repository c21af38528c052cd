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
	"github.com/chatmock/chatmock/internal/overlay"
	"github.com/chatmock/chatmock/internal/schema/schemafast"
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
	// Warnings are the defects the documents were loaded despite: repairs,
	// and (loaded leniently) the operations left out, one per defect.
	Warnings []Problem
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
	T          *openapi3.T    // kin-openapi's model, when LoadDocument (or a strict Load) checked the document with it; nil otherwise
	Raw        map[string]any // the document as JSON values (numbers as json.Number)
	Operations []*Operation
	Errors     *envelope.Declaration // x-chatmock-errors; nil: RFC 9457 problem+json
	Examples   envelope.Examples     // every operation's response examples by name, resolved at load

	compiler *jsonschema.Compiler
	url      string // the document's resource URL in compiler
	// request and response are the document as requests and answers see
	// it (readOnly and writeOnly); both are the document when it has none.
	request, response *view
	fast              sync.WaitGroup // the schemas' fast paths being compiled
}

// LoadOption changes how Load treats a document's defects.
type LoadOption func(*loadOptions)

type loadOptions struct {
	strict   bool
	overlays []*overlay.Overlay
}

// WithOverlays applies OpenAPI Overlay 1.0 files to every document, in
// order, as published (before a Swagger 2.0 document is converted and
// before split files are inlined): what they add, x-chatmock-*
// declarations included, is as if the document said it. An action whose
// target selects nothing in any document is a warning.
func WithOverlays(list ...*overlay.Overlay) LoadOption {
	return func(o *loadOptions) { o.overlays = append(o.overlays, list...) }
}

// ReadOverlays reads and checks overlay files.
func ReadOverlays(paths []string) ([]*overlay.Overlay, error) {
	var out []*overlay.Overlay
	for _, p := range paths {
		data, err := inputfile.Read(p, overlay.MaxSize)
		var refused *inputfile.Error
		switch {
		case errors.As(err, &refused):
			return nil, err // it names the file
		case err != nil:
			return nil, fmt.Errorf("overlay %s: %w", p, err)
		}
		ov, err := overlay.Parse(p, data)
		if err != nil {
			return nil, err
		}
		out = append(out, ov)
	}
	return out, nil
}

// Strict makes every defect fatal, warnings included: the set loads only
// when no document has a problem.
func Strict() LoadOption { return func(o *loadOptions) { o.strict = true } }

// Load reads, checks and compiles every source. By default it is lenient
// with defects confined to one operation (a schema that does not compile, a
// $ref to nothing, a duplicate operationId): the operation is left out and
// a warning names the defect, its pointer and the operation (Set.Warnings);
// a missing operationId is repaired. What spoils a whole document (it does
// not parse, it is no OpenAPI, its chatmock extensions are wrong) is fatal.
// With Strict every problem is fatal. Fatal problems of all documents are
// returned together in a *LoadError.
func Load(ctx context.Context, sources []Source, opts ...LoadOption) (*Set, error) {
	var o loadOptions
	for _, opt := range opts {
		opt(&o)
	}
	set := &Set{}
	var fatal []Problem
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
			doc, ps := loadDocument(ctx, src, o.strict, o.overlays)
			results[i] = loaded{doc, ps}
		})
	}
	wg.Wait()
	// an overlay action that selects nothing in one document may be meant
	// for another: it is a warning when it selects nothing in all of them
	missed := map[Problem]int{}
	var order []Problem
	for _, r := range results {
		for _, p := range r.ps {
			if p.overlayMiss {
				if missed[p]++; missed[p] == 1 {
					order = append(order, p)
				}
			}
		}
	}
	for _, p := range order {
		if missed[p] == len(results) {
			p.overlayMiss = false
			set.Warnings = append(set.Warnings, p)
		}
	}
	for _, r := range results {
		r.ps = slices.DeleteFunc(r.ps, func(p Problem) bool { return p.overlayMiss })
		if r.doc == nil {
			fatal = append(fatal, r.ps...)
			continue
		}
		ofOperation := map[Problem]bool{}
		for _, op := range r.doc.Operations {
			for _, p := range op.Problems {
				ofOperation[p] = true
			}
		}
		for _, p := range append(r.ps, r.doc.brokenExamples()...) {
			switch {
			case o.strict:
				fatal = append(fatal, p)
			case p.Warning:
				set.Warnings = append(set.Warnings, p)
			case ofOperation[p]:
			case !r.doc.blame(p):
				fatal = append(fatal, p)
			}
		}
		if !o.strict {
			set.Warnings = append(set.Warnings, r.doc.leaveOutDefective()...)
		}
		set.Documents = append(set.Documents, r.doc)
	}
	dups := set.DuplicateOperationIDs()
	if o.strict {
		fatal = append(fatal, dups...)
	} else {
		set.Warnings = append(set.Warnings, set.leaveOutDuplicates()...)
	}
	if len(fatal) > 0 {
		return nil, &LoadError{Problems: fatal}
	}
	return set, nil
}

// blame gives a problem found below an operation (or below its path item)
// to those operations, and tells whether it found any.
func (d *Document) blame(p Problem) bool {
	found := false
	for _, op := range d.Operations {
		item := Pointer("paths", op.Path)
		if strings.HasPrefix(p.Pointer, op.Pointer+"/") || p.Pointer == op.Pointer ||
			strings.HasPrefix(p.Pointer, item+"/") && !slices.Contains(methods, Tokens(p.Pointer)[min(2, len(Tokens(p.Pointer))-1)]) {
			op.Problems = append(op.Problems, p)
			found = true
		}
	}
	return found
}

// leaveOutDefective removes the operations that have problems, returning a
// warning per problem that says the operation is not served.
func (d *Document) leaveOutDefective() []Problem {
	var warnings []Problem
	kept := d.Operations[:0]
	for _, op := range d.Operations {
		if len(op.Problems) == 0 {
			kept = append(kept, op)
			continue
		}
		for _, p := range op.Problems {
			p.Warning = true
			p.Message += fmt.Sprintf(" (%s %s is not served)", op.Method, op.Path)
			warnings = append(warnings, p)
		}
	}
	d.Operations = kept
	return warnings
}

// leaveOutDuplicates removes every operation whose operationId an earlier
// one has, returning a warning for each.
func (s *Set) leaveOutDuplicates() []Problem {
	var warnings []Problem
	seen := map[string]*Operation{}
	for _, d := range s.Documents {
		kept := d.Operations[:0]
		for _, op := range d.Operations {
			if first, ok := seen[op.ID]; ok {
				warnings = append(warnings, Problem{File: d.Source.Name, Pointer: op.Pointer + "/operationId", Warning: true,
					Message: fmt.Sprintf("operationId %q is also used by %s %s in %s (%s %s is not served)",
						op.ID, first.Method, first.Path, first.Doc.Source.Name, op.Method, op.Path)})
				continue
			}
			seen[op.ID] = op
			kept = append(kept, op)
		}
		d.Operations = kept
	}
	return warnings
}

// LoadDocument reads and compiles one document, and checks it with
// kin-openapi's validation too (its findings are warnings). A document with
// problems may still come back, so a linter can go on checking what did
// load.
func LoadDocument(ctx context.Context, src Source) (*Document, []Problem) {
	return loadDocument(ctx, src, true, nil)
}

// loadDocument is LoadDocument; checks adds kin-openapi's validation,
// which the mock does without (it reads the document itself, and kin's
// model of a 250-operation document costs a second at start-up).
func loadDocument(ctx context.Context, src Source, checks bool, overlays []*overlay.Overlay) (*Document, []Problem) {
	fail := func(ptr, format string, args ...any) (*Document, []Problem) {
		return nil, []Problem{{File: src.Name, Pointer: ptr, Message: fmt.Sprintf(format, args...)}}
	}
	data, err := inputfile.ReadFile(src.FS, src.Path, src.Name, inputfile.MaxDocument)
	if err != nil {
		return fail("", "%v", err)
	}
	js, err := toJSON(data)
	if err != nil {
		return fail("", "not YAML or JSON: %v", err)
	}
	raw, err := decodeObject(js)
	if err != nil {
		return fail("", "not an object: %v", err)
	}
	var problems []Problem
	if len(overlays) > 0 {
		for _, ov := range overlays {
			warns, err := ov.Apply(raw)
			if err != nil {
				return fail("", "%v", err)
			}
			for _, w := range warns {
				problems = append(problems, Problem{File: ov.Name, Message: strings.TrimPrefix(w, ov.Name+": "), Warning: true, overlayMiss: true})
			}
		}
		if js, err = json.Marshal(raw); err != nil {
			return fail("", "%v", err)
		}
	}
	switch v, _ := raw["openapi"].(string); {
	case strings.HasPrefix(v, "3."):
	case raw["swagger"] == "2.0":
		if js, err = fromSwagger2(js); err != nil {
			return fail("/swagger", "%v", err)
		}
		if raw, err = decodeObject(js); err != nil {
			return fail("", "%v", err)
		}
		carryXExample(raw)
		if js, err = json.Marshal(raw); err != nil {
			return fail("", "%v", err)
		}
	case v != "":
		return fail("/openapi", "want OpenAPI 3.0 or 3.1 (or Swagger 2.0), got %q", v)
	case src.InFolder:
		return nil, nil // a fragment that documents of the folder refer to
	default:
		return fail("", "not an OpenAPI document: it has no openapi (or swagger) field")
	}
	external := hasExternalRef(raw)
	if external {
		problems = append(problems, inlineExternal(src, raw)...)
	}
	if dangling := cutDanglingRefs(src, raw); len(dangling) > 0 || external {
		// A $ref that does not resolve stands for any value.
		problems = confined(append(problems, dangling...))
		if js, err = json.Marshal(raw); err != nil {
			return fail("", "%v", err)
		}
	}
	var t *openapi3.T
	if checks {
		loader := openapi3.NewLoader()
		// kin-openapi reads JSON first: handing it the JSON made above
		// spares it parsing the YAML a second time (half the load time).
		if t, err = loader.LoadFromDataWithPath(js, &url.URL{Path: src.Path}); err != nil {
			return fail("", "%v", err)
		}
		if err := t.Validate(ctx, openapi3.DisableExamplesValidation()); err != nil {
			// kin-openapi's own checks: what it finds, chatmock works around.
			problems = append(problems, Problem{File: src.Name, Message: err.Error(), Warning: true})
		}
	}
	if version30(raw) {
		to2020(raw) // the compiler reads JSON Schema 2020-12
	}
	doc := &Document{Source: src, T: t, Raw: raw, url: "mem:///" + url.PathEscape(src.Name) + ".json"}
	doc.API, _ = raw[APIKey].(string)
	if doc.API == "" {
		doc.API = strings.TrimSuffix(path.Base(src.Path), path.Ext(src.Path))
	}
	doc.makeViews()
	if err := doc.setCompiler(); err != nil {
		return fail("", "%v", err)
	}
	invalid, err := doc.prepare()
	if err != nil {
		return fail("", "%v", err)
	}
	problems = append(problems, confined(invalid)...)
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
	doc.fast.Wait() // every Schema's fast path is in place: validation may start
	doc.resolveExamples()
	for _, op := range doc.Operations {
		op.documentErrors()
	}
	return doc, problems
}

// toJSON is a document as JSON: a JSON one as it is (read as YAML it
// takes longer than it takes to decode), a YAML one converted.
func toJSON(data []byte) ([]byte, error) {
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && t[0] == '{' && json.Valid(data) {
		return data, nil
	}
	return yaml.YAMLToJSON(data)
}

// confined marks the problems of a part the loader works around (a $ref
// to nothing, a schema that is no schema): one below an operation leaves
// the operation out; one elsewhere (a component) is a warning, and the
// operations using it serve.
func confined(ps []Problem) []Problem {
	for i := range ps {
		ps[i].Warning = !strings.HasPrefix(ps[i].Pointer, "/paths/")
	}
	return ps
}

// decodeObject decodes a JSON object, numbers as json.Number.
func decodeObject(js []byte) (map[string]any, error) {
	v, err := decodeValue(js)
	if err != nil {
		return nil, err
	}
	raw, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("want an object, got %T", v)
	}
	return raw, nil
}

// decodeValue decodes JSON, numbers as json.Number.
func decodeValue(js []byte) (any, error) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
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
				// The intent is plain: the operation is its method and path.
				op.ID = op.Method + " " + p
				w := d.problem(op.Pointer, "operation %s %s has no operationId: it is named %q", op.Method, p, op.ID)
				w.Warning = true
				problems = append(problems, w)
			}
			for _, p := range op.collectMedia() {
				if p.Warning { // worked around: the operation is served all the same
					problems = append(problems, p)
				} else {
					op.Problems = append(op.Problems, p)
				}
			}
			op.Problems = append(op.Problems, op.collectParameters(item)...)
			op.Problems = append(op.Problems, op.collectSecurity()...)
			if op.Live, err = live.Parse(raw, op.Pointer); err != nil {
				op.Problems = append(op.Problems, d.problem(op.Pointer+"/"+live.Key, "%v", err))
			}
			if op.Store, err = live.ParseStore(raw, op.Pointer); err != nil {
				op.Problems = append(op.Problems, d.problem(op.Pointer+"/"+live.StoreKey, "%v", err))
			}
			problems = append(problems, op.Problems...)
			d.Operations = append(d.Operations, op)
		}
	}
	return append(problems, d.collectLinks()...) // once all are collected: links name other operations
}

func (d *Document) problem(ptr, format string, args ...any) Problem {
	return Problem{File: d.Source.Name, Pointer: ptr, Message: fmt.Sprintf(format, args...)}
}

// resolve follows local $refs from the node at ptr, returning where it
// lands. Sibling keywords of a $ref are not merged here: request bodies,
// responses and examples are Reference Objects, which have none that count.
func (d *Document) resolve(ptr string, node any) (string, map[string]any, error) {
	return follow(d.Raw, ptr, node)
}

// follow is resolve in the document root (the document, or a view of it).
func follow(root map[string]any, ptr string, node any) (string, map[string]any, error) {
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
		target, ok := Lookup(root, frag)
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
	return d.compileIn(d.request, ptr)
}

// compileIn compiles the schema at ptr as the view sees it.
func (d *Document) compileIn(v *view, ptr string) (*Schema, error) {
	s, err := d.compiler.Compile(v.url + "#" + ptr)
	if err != nil {
		return nil, err
	}
	out := &Schema{Schema: s}
	// The fast path compiles on the other core while the loader goes on;
	// nothing validates before fastDone.
	d.fast.Go(func() {
		if c, ok := schemafast.Compile(s, fastMaxBytes); ok {
			out.fast = c
		}
	})
	return out, nil
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
