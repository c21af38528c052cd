package scenario

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/chatmock/chatmock/internal/cond"
	"github.com/chatmock/chatmock/internal/inputfile"
	"github.com/chatmock/chatmock/internal/yamldoc"
	"github.com/chatmock/chatmock/spec"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed schema.json
var schemaJSON []byte

var fileSchema = yamldoc.Schema("chatmock-scenarios.json", schemaJSON, yamldoc.Ref{Name: cond.SchemaName, JSON: cond.SchemaJSON})

// Error is a scenario file that cannot be used: `file: line N (pointer):
// message`, as rule files do.
type Error = yamldoc.Error

// FromPaths returns the scenario files at the paths: files, or folders
// whose .yaml and .yml files are taken in name order.
func FromPaths(paths []string) ([]spec.Source, error) {
	return spec.Files("scenarios", inputfile.MaxConfig, paths, ".yaml", ".yml")
}

// LoadFiles reads and checks scenario files ({scenarios: [...]}, see
// schema.json). Each scenario's Source is "file: line N". A bad file is an
// *Error naming the file and line.
func LoadFiles(sources []spec.Source) ([]*Scenario, error) {
	schema, err := fileSchema()
	if err != nil {
		return nil, fmt.Errorf("the scenario file schema: %w", err)
	}
	var out []*Scenario
	ids := map[string]string{} // id → where
	for _, src := range sources {
		list, err := loadFile(src, schema)
		if err != nil {
			return nil, err
		}
		for _, s := range list {
			if s.ID == "" {
				continue
			}
			if where, dup := ids[s.ID]; dup {
				return nil, fmt.Errorf("%s: id %q is already used at %s", s.Source, s.ID, where)
			}
			ids[s.ID] = s.Source
		}
		out = append(out, list...)
	}
	return out, nil
}

func loadFile(src spec.Source, schema *jsonschema.Schema) ([]*Scenario, error) {
	doc, err := yamldoc.Load(src, schema)
	if err != nil {
		return nil, err
	}
	items, _ := doc.Value.(map[string]any)["scenarios"].([]any)
	out := make([]*Scenario, 0, len(items))
	for i, item := range items {
		ptr := fmt.Sprintf("/scenarios/%d", i)
		fail := func(p, msg string) error {
			return doc.Fail(src.Name, p, msg)
		}
		s, err := decode(item)
		if err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) && te.Field != "" {
				return nil, fail(ptr+"/"+strings.ReplaceAll(te.Field, ".", "/"), "want "+te.Type.String())
			}
			return nil, fail(ptr, err.Error())
		}
		if err := s.Check(); err != nil {
			var ce *CheckError
			if errors.As(err, &ce) {
				return nil, fail(ptr+ce.pointer(), ce.Msg)
			}
			return nil, fail(ptr, err.Error())
		}
		s.Source = fmt.Sprintf("%s: line %d", src.Name, doc.Line(ptr))
		out = append(out, s)
	}
	return out, nil
}

// decode turns a scenario the schema accepted into a Scenario. Numbers in
// bodies and conditions stay json.Number.
func decode(v any) (*Scenario, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	s := &Scenario{}
	if err := dec.Decode(s); err != nil {
		return nil, err
	}
	return s, nil
}

// Verify checks the scenarios against the documents: each names an
// operation some document has, and every example it names (example,
// rate_limit.example) is documented by that operation or its document.
func Verify(list []*Scenario, docs *spec.Set) error {
	for _, s := range list {
		var ops []*spec.Operation
		for _, op := range docs.Operations() {
			if op.ID == s.Operation {
				ops = append(ops, op)
			}
		}
		if len(ops) == 0 {
			return fmt.Errorf("%s: no document has the operation %q", where(s), s.Operation)
		}
		names := []string{s.Example}
		if s.RateLimit != nil {
			names = append(names, s.RateLimit.Example)
		}
		for _, name := range names {
			if name != "" && !documented(ops, name) {
				return fmt.Errorf("%s: the operation %s documents no example %q", where(s), s.Operation, name)
			}
		}
	}
	return nil
}

func documented(ops []*spec.Operation, name string) bool {
	for _, op := range ops {
		if op.FindExample(name) != nil || op.Doc.FindExample(name) != nil {
			return true
		}
	}
	return false
}

func where(s *Scenario) string {
	if s.Source != "" {
		return s.Source
	}
	return "scenario " + s.ID
}
