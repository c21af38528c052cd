package schemafast_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/chatmock/chatmock/internal/schema/schemafast"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// compileSchema compiles one schema document the way spec does (draft
// 2020-12 by default, formats asserted); opts adjust the compiler.
func compileSchema(t testing.TB, doc string, opts ...func(*jsonschema.Compiler)) *jsonschema.Schema {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
	if err != nil {
		t.Fatalf("schema %s: %v", doc, err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	for _, o := range opts {
		o(c)
	}
	if err := c.AddResource("mem:///schema.json", v); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("mem:///schema.json")
	if err != nil {
		t.Fatalf("schema %s: %v", doc, err)
	}
	return s
}

// decode reads JSON the way the mock does (numbers as json.Number).
func decode(t testing.TB, text string) any {
	t.Helper()
	var v any
	dec := json.NewDecoder(bytes.NewReader([]byte(text)))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("instance %s: %v", text, err)
	}
	return v
}

// jsValid is jsonschema's verdict; panicked reports that Validate panicked
// (it does on numbers big.Rat cannot read).
func jsValid(s *jsonschema.Schema, v any) (valid, panicked bool) {
	defer func() {
		if recover() != nil {
			valid, panicked = false, true
		}
	}()
	return s.Validate(v) == nil, false
}

// disagreement describes how the Checker and jsonschema differ on v, or
// is "" when they agree. Where jsonschema panics, or v holds a value that
// is not JSON, the Checker may only say no.
func disagreement(c *schemafast.Checker, s *jsonschema.Schema, v any) string {
	want, panicked := jsValid(s, v)
	got := c.Valid(v)
	switch {
	case (panicked || !isJSON(v)) && got && !want:
		return fmt.Sprintf("jsonschema says invalid (or panics) on %s, Checker says valid", show(v))
	case panicked || !isJSON(v) && !got:
		return ""
	case got != want:
		return fmt.Sprintf("Checker says valid=%v, jsonschema says %v for %s", got, want, show(v))
	}
	return ""
}

// isJSON reports whether v is made only of what encoding/json decodes
// to, with finite float64s and the other Go integer types also allowed.
func isJSON(v any) bool {
	switch x := v.(type) {
	case nil, bool, string, json.Number, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return true
	case float64:
		return !math.IsNaN(x) && !math.IsInf(x, 0)
	case float32:
		return !math.IsNaN(float64(x)) && !math.IsInf(float64(x), 0)
	case []any:
		for _, item := range x {
			if !isJSON(item) {
				return false
			}
		}
		return true
	case map[string]any:
		for _, item := range x {
			if !isJSON(item) {
				return false
			}
		}
		return true
	}
	return false
}

func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil || len(b) > 300 {
		s := fmt.Sprintf("%#v", v)
		if len(s) > 300 {
			s = s[:300] + "..."
		}
		return s
	}
	return string(b)
}

func mustCompile(t testing.TB, s *jsonschema.Schema, ext schemafast.ExtFunc) *schemafast.Checker {
	t.Helper()
	c, why := schemafast.CompileWhy(s, ext)
	if why != "" {
		t.Fatalf("%s does not compile: %s", s.Location, why)
	}
	return c
}
