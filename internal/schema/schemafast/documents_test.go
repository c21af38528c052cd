package schemafast_test

import (
	"context"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/chatmock/chatmock/internal/schema/schemafast"
	"github.com/chatmock/chatmock/spec"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// specExt supports spec's x-max-bytes keyword. spec keeps its extension
// type unexported (type maxBytes int64), so it is recognised by package,
// name and kind.
func specExt(e jsonschema.SchemaExt) (func(any) bool, bool) {
	t := reflect.TypeOf(e)
	if t.PkgPath() != "github.com/chatmock/chatmock/spec" || t.Name() != "maxBytes" || t.Kind() != reflect.Int64 {
		return nil, false
	}
	limit := reflect.ValueOf(e).Int()
	return func(v any) bool {
		s, ok := v.(string)
		return !ok || int64(len(s)) <= limit
	}, true
}

// docSchema is one schema of the bundled documents, with the example
// values documented for it.
type docSchema struct {
	where    string // operation, place and media type
	request  bool
	schema   *jsonschema.Schema
	examples []any
	checker  *schemafast.Checker
	why      string // why it does not compile
}

var (
	docsOnce sync.Once
	docs     []*docSchema
	docsErr  error
)

// documentSchemas loads the bundled documents once and compiles every
// request body, response and parameter schema.
func documentSchemas(t testing.TB) []*docSchema {
	t.Helper()
	docsOnce.Do(func() {
		set, err := spec.Load(context.Background(), spec.Bundled())
		if err != nil {
			docsErr = err
			return
		}
		seen := map[*jsonschema.Schema]*docSchema{}
		add := func(where string, request bool, s *jsonschema.Schema, examples []any) {
			if s == nil {
				return
			}
			if d, ok := seen[s]; ok {
				d.examples = append(d.examples, examples...)
				d.request = d.request || request
				return
			}
			d := &docSchema{where: where, request: request, schema: s, examples: examples}
			d.checker, d.why = schemafast.CompileWhy(s, specExt)
			seen[s] = d
			docs = append(docs, d)
		}
		for _, op := range set.Operations() {
			for _, m := range op.RequestBody {
				add(op.ID+" request "+m.Type, true, compiled(m.Schema), exampleValues(m))
			}
			statuses := make([]string, 0, len(op.Responses))
			for status := range op.Responses {
				statuses = append(statuses, status)
			}
			slices.Sort(statuses)
			for _, status := range statuses {
				for _, m := range op.Responses[status] {
					add(op.ID+" "+status+" "+m.Type, false, compiled(m.Schema), exampleValues(m))
				}
			}
			for _, p := range op.Parameters {
				var examples []any
				if p.Sample != "" {
					examples = append(examples, p.Sample)
				}
				add(op.ID+" parameter "+p.In+" "+p.Name, false, compiled(p.Schema), examples)
			}
		}
	})
	if docsErr != nil {
		t.Fatal(docsErr)
	}
	return docs
}

func exampleValues(m *spec.Media) []any {
	var out []any
	for _, e := range m.Examples {
		if e.HasValue {
			out = append(out, e.Value)
		}
	}
	return out
}

// TestDocumentsCompile asserts that every schema of the bundled documents
// is supported.
func TestDocumentsCompile(t *testing.T) {
	ds := documentSchemas(t)
	if len(ds) == 0 {
		t.Fatal("no schemas in the bundled documents")
	}
	for _, d := range ds {
		if d.why != "" {
			t.Errorf("%s: unsupported: %s", d.where, d.why)
		}
	}
	t.Logf("%d distinct schemas", len(ds))
	// x-max-bytes is in the documents: without a translation for it some
	// schemas must be unsupported.
	unsupported := 0
	for _, d := range ds {
		if _, ok := schemafast.Compile(d.schema, nil); !ok {
			unsupported++
		}
	}
	if unsupported == 0 {
		t.Error("every schema compiles without an extension translator; is x-max-bytes still used?")
	}
}

// TestConcurrentValid runs one Checker from many goroutines (for -race).
func TestConcurrentValid(t *testing.T) {
	var d *docSchema
	for _, x := range documentSchemas(t) {
		if x.where == "create_group request application/json" {
			d = x
		}
	}
	if d == nil || d.checker == nil {
		t.Fatal("no compiled create_group request schema")
	}
	v := decode(t, tencentBody)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				if !d.checker.Valid(v) {
					t.Error("the Tencent body should be valid")
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestDocumentsAgree checks every documented example, and many mutations
// of each, against jsonschema.
func TestDocumentsAgree(t *testing.T) {
	ds := documentSchemas(t)
	budget := mutationBudget()
	for _, d := range ds {
		if d.checker == nil {
			continue
		}
		checked, valid := 0, 0
		for _, ex := range d.examples {
			if d := disagreement(d.checker, d.schema, ex); d != "" {
				t.Errorf("example: %s", d)
			}
			for _, m := range mutations(ex, budget) {
				checked++
				if d.checker.Valid(m) {
					valid++
				}
				if msg := disagreement(d.checker, d.schema, m); msg != "" {
					t.Errorf("%s: %s", d.where, msg)
				}
			}
		}
		if checked > 0 && (valid == 0 || valid == checked) && len(d.examples) > 0 {
			t.Logf("%s: all %d mutations got the same answer (%v)", d.where, checked, valid == checked)
		}
	}
}

// compiled is jsonschema's own schema inside spec's, nil for none.
func compiled(s *spec.Schema) *jsonschema.Schema {
	if s == nil {
		return nil
	}
	return s.Schema
}
