// Package rules holds business rules as data: YAML files whose conditions
// read the request (gjson paths), the store's records and counts, and an
// edition's limits, and whose effect is a documented example or answer of
// the API. Files are checked against a JSON Schema at start-up; a bad file
// stops start-up with `file: line N (pointer): message`.
//
// It may import: fixtures, internal/cond, internal/envelope,
// internal/inputfile, internal/store, internal/tmpl, internal/yamldoc, spec.
package rules

import (
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/chatmock/chatmock/fixtures"
	"github.com/chatmock/chatmock/internal/cond"
	"github.com/chatmock/chatmock/internal/inputfile"
	"github.com/chatmock/chatmock/internal/yamldoc"
	"github.com/chatmock/chatmock/spec"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed schema.json
var schemaJSON []byte

var fileSchema = yamldoc.Schema("chatmock-rules.json", schemaJSON, yamldoc.Ref{Name: cond.SchemaName, JSON: cond.SchemaJSON})

// Source is one rule file.
type Source = spec.Source

// Bundled returns the embedded rule files (fixtures/rules/*.yaml).
func Bundled() []Source {
	names, _ := fs.Glob(fixtures.FS, "rules/*.yaml")
	out := make([]Source, len(names))
	for i, n := range names {
		out[i] = Source{FS: fixtures.FS, Path: n, Name: "fixtures/" + n}
	}
	return out
}

// FromPaths returns the rule files at the paths: files, or folders whose
// .yaml and .yml files are taken in name order.
func FromPaths(paths []string) ([]Source, error) {
	return spec.Files("rules", inputfile.MaxConfig, paths, ".yaml", ".yml")
}

// Error is a rule file that cannot be used: `file: line N (pointer): message`.
type Error = yamldoc.Error

// Set is every loaded rule, by API.
type Set struct {
	files []*File
}

// Load reads, checks and compiles the rule files.
func Load(sources []Source) (*Set, error) {
	schema, err := fileSchema()
	if err != nil {
		return nil, fmt.Errorf("the rule file schema: %w", err)
	}
	set := &Set{}
	for _, src := range sources {
		f, err := loadFile(src, schema)
		if err != nil {
			return nil, err
		}
		set.files = append(set.files, f)
	}
	return set, nil
}

func loadFile(src Source, schema *jsonschema.Schema) (*File, error) {
	doc, err := yamldoc.Load(src, schema)
	if err != nil {
		return nil, err
	}
	f, err := compileFile(src.Name, doc.Value.(map[string]any))
	if err != nil {
		var p *problem
		if errors.As(err, &p) {
			return nil, doc.Fail(src.Name, p.ptr, p.msg)
		}
		return nil, &Error{File: src.Name, Msg: err.Error()}
	}
	for i, r := range f.Rules {
		r.Where = fmt.Sprintf("%s: line %d", src.Name, doc.Line(fmt.Sprintf("/rules/%d", i)))
	}
	return f, nil
}

// For lists the rules of an operation, in file order.
func (s *Set) For(api, operation string) []*Rule {
	var out []*Rule
	for _, f := range s.files {
		if f.API != api {
			continue
		}
		for _, r := range f.Rules {
			if r.Operation == operation {
				out = append(out, r)
			}
		}
	}
	return out
}

// Full is the answer an API gives once its store is full, if declared.
func (s *Set) Full(api string) *Effect {
	for _, f := range s.files {
		if f.API == api && f.Full != nil {
			return f.Full
		}
	}
	return nil
}

// Edition returns the named edition's limits for an API.
func (s *Set) Edition(api, name string) (map[string]any, error) {
	var names []string
	for _, f := range s.files {
		if f.API != api {
			continue
		}
		if e, ok := f.Editions[name]; ok {
			return e, nil
		}
		for n := range f.Editions {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	if len(names) == 0 {
		return nil, fmt.Errorf("no rule file of %s declares editions", api)
	}
	return nil, fmt.Errorf("%s has no edition %q (known: %s)", api, name, strings.Join(names, ", "))
}

// Verify checks the rules against the documents: every rule names an
// operation of its API, and every example an effect names is documented.
// Rules of an API no document describes do not apply, and are not checked.
func (s *Set) Verify(docs *spec.Set) error {
	for _, f := range s.files {
		if !slices.ContainsFunc(docs.Documents, func(d *spec.Document) bool { return d.API == f.API }) {
			continue
		}
		for _, r := range f.Rules {
			op := operation(docs, f.API, r.Operation)
			if op == nil {
				return fmt.Errorf("%s: rule %q: no document of api %q has the operation %q", r.Where, r.Name, f.API, r.Operation)
			}
			if e := r.Then.Example; e != "" && op.FindExample(e) == nil && op.Doc.FindExample(e) == nil {
				return fmt.Errorf("%s: rule %q: the operation %s documents no example %q", r.Where, r.Name, r.Operation, e)
			}
		}
	}
	return nil
}

func operation(docs *spec.Set, api, id string) *spec.Operation {
	for _, op := range docs.Operations() {
		if op.Doc.API == api && op.ID == id {
			return op
		}
	}
	return nil
}
