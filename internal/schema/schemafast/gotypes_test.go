package schemafast_test

import (
	"encoding/json"
	"math"
	"testing"
)

// TestGoTypes checks values built in Go rather than decoded: the number
// types jsonschema accepts, and values it does not (where the Checker may
// only say no).
func TestGoTypes(t *testing.T) {
	schemas := []string{
		`{}`,
		`true`,
		`{"type":"integer"}`,
		`{"type":"number","minimum":0.1,"maximum":1e20}`,
		`{"exclusiveMinimum":-1,"exclusiveMaximum":4294967295,"multipleOf":0.5}`,
		`{"multipleOf":3}`,
		`{"enum":[1,0.1,"x",null,{"a":[1]}]}`,
		`{"const":16777217}`,
		`{"uniqueItems":true}`,
		`{"not":{"type":"string"}}`,
		`{"not":{"enum":[1]}}`,
		`{"not":{"uniqueItems":true}}`,
		`{"type":"object","properties":{"a":{"type":"integer"}}}`,
		`{"items":{"not":{"type":"null"}}}`,
	}
	type odd struct{ A int }
	values := []any{
		nil, true, "x", 0.1, float32(0.1), 1.0, 1.5, 1e20, 1e21, -0.0, float32(16777216), float32(1.5),
		math.NaN(), math.Inf(1), float32(math.Inf(-1)),
		0, 1, 3, -3, int8(-6), int16(9), int32(1 << 30), int64(math.MinInt64), int64(math.MaxInt64),
		uint(3), uint8(6), uint16(7), uint32(1 << 31), uint64(math.MaxUint64), uint64(1 << 63),
		16777217, float64(16777217), json.Number("16777217.0"),
		odd{1}, &odd{}, []string{"a"}, map[string]string{}, map[string]any(nil), []any(nil),
		map[string]any{"a": 1, "b": odd{}}, map[string]any{"a": 1.5},
		[]any{1, 1.0}, []any{1, int64(1)}, []any{float32(0.5), 0.5}, []any{odd{}, odd{}},
		[]any{map[string]any{"a": odd{}, "b": 1}, map[string]any{"a": odd{}, "b": 2}},
		[]any{math.NaN(), math.NaN()}, []any{nil, math.Inf(1)}, []any{math.Inf(1), nil},
		map[string]any{"a": []any{1}}, map[string]any{"a": []any{json.Number("1.0")}},
		[]any{uint64(math.MaxUint64), json.Number("18446744073709551615")},
	}
	for _, text := range schemas {
		s := compileSchema(t, text)
		c := mustCompile(t, s, nil)
		for _, v := range values {
			if d := disagreement(c, s, v); d != "" {
				t.Errorf("%s: %s", text, d)
			}
		}
	}
}
