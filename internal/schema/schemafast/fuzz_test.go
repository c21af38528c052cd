package schemafast_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/chatmock/chatmock/fixtures"
)

// FuzzAgreesWithJSONSchema decodes the input as the mock decodes a JSON
// body and checks that the Checker agrees with jsonschema on every schema
// of the bundled documents (request bodies, responses, parameters). Then,
// for every request body schema, it puts the value in place of each node
// of one of the schema's examples (chosen by at) and checks those too, so
// the value also meets the keywords deep inside the schema.
//
//	go test -run '^$' -fuzz FuzzAgreesWithJSONSchema -fuzztime 3m ./schemafast
func FuzzAgreesWithJSONSchema(f *testing.F) {
	all := documentSchemas(f)
	for _, d := range all {
		for _, ex := range d.examples {
			if b, err := json.Marshal(ex); err == nil {
				f.Add(b, uint16(0))
			}
		}
	}
	for _, scalar := range tricky {
		f.Add([]byte(scalar), uint16(0))
	}
	err := fs.WalkDir(fixtures.FS, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || path.Ext(p) != ".json" {
			return err
		}
		b, err := fs.ReadFile(fixtures.FS, p)
		f.Add(b, uint16(len(b)))
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte, at uint16) {
		v, ok := decodeBody(data)
		if !ok {
			return
		}
		// jsonschema takes up to a second on a number like 1e-999999
		// (big.Rat works out 5^999999); check such a value only whole.
		slow := hugeExponent(v)
		for _, d := range all {
			if d.checker == nil {
				continue
			}
			if msg := disagreement(d.checker, d.schema, v); msg != "" {
				t.Errorf("%s: %s", d.where, msg)
			}
			if slow || !d.request || len(d.examples) == 0 {
				continue
			}
			ex := d.examples[int(at)%len(d.examples)]
			var paths [][]step
			walk(ex, nil, &paths)
			for _, p := range paths[1:] {
				if msg := disagreement(d.checker, d.schema, replace(ex, p, v)); msg != "" {
					t.Errorf("%s: %s", d.where, msg)
				}
			}
		}
	})
}

// decodeBody reads one JSON value with numbers as json.Number.
func decodeBody(data []byte) (any, bool) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil || dec.More() {
		return nil, false
	}
	return v, true
}

// tricky are seeds for the values put into examples: integers written as
// decimals, numbers past the limits and past float64, and strings long in
// bytes but not in code points.
var tricky = []string{
	`1.0`, `15e-1`, `1e2`, `-0`, `0.5`, `1e400`, `1e-400`, `4294967296`, `-9223372036854775809`,
	`""`, `"中文中文中文中文中文中文中文中文中文中文中文"`, `"\u0000"`, `null`, `[]`, `{}`, `true`, `[1,1.0]`,
}

// hugeExponent reports whether v holds a number with an exponent of more
// than four digits.
func hugeExponent(v any) bool {
	switch x := v.(type) {
	case json.Number:
		if i := strings.IndexAny(string(x), "eE"); i >= 0 {
			return len(strings.TrimLeft(string(x[i+1:]), "+-0")) > 4
		}
	case []any:
		return slices.ContainsFunc(x, hugeExponent)
	case map[string]any:
		for _, item := range x {
			if hugeExponent(item) {
				return true
			}
		}
	}
	return false
}
