package schemafast_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// step is one step of a path into a value: a string key or an int index.
type step any

// replacements are put in place of every node of an example: each JSON
// type, empty and long strings, strings at and around the lengths the
// documents limit (in bytes and in code points), numbers at and past
// common limits, integers written as decimals, and numbers big.Rat finds
// hard.
var replacements = func() []any {
	out := []any{
		nil, true, false, "", "x", " ", "\x00", "é", "@TGS#_x", "http://this.is.face.url",
		json.Number("0"), json.Number("-1"), json.Number("1"), json.Number("1.5"), json.Number("1.0"),
		json.Number("0.1"), json.Number("2"), json.Number("100"), json.Number("101"),
		json.Number("4294967295"), json.Number("4294967296"), json.Number("-9223372036854775809"),
		json.Number("99999999999999999999999"), json.Number("1e400"), json.Number("-1e400"),
		json.Number("1e-400"), json.Number("1e1000001"), 1.5, 7.0,
		[]any{}, map[string]any{}, []any{nil}, []any{"x", "x"}, map[string]any{"Key": "k", "Value": "v"},
		strings.Repeat("x", 5000), strings.Repeat("中", 2000),
	}
	for _, n := range []int{2, 29, 30, 31, 47, 48, 49, 64, 65, 99, 100, 101, 128, 129, 239, 240, 241, 255, 256, 299, 300, 301} {
		out = append(out, strings.Repeat("a", n))
	}
	for _, n := range []int{10, 11, 16, 17, 30, 31, 33, 34, 80, 81, 100, 101} {
		out = append(out, strings.Repeat("中", n), strings.Repeat("é", n))
	}
	return out
}()

// mutationBudget is how many mutations of one example are checked: all of
// them with TESTFULL=1, else an even sample.
func mutationBudget() int {
	if os.Getenv("TESTFULL") != "" {
		return 1 << 30
	}
	if testing.Short() {
		return 60
	}
	return 400
}

// mutations returns up to budget changed copies of v: each node replaced
// by each replacement, each object without each of its properties and
// with an unknown one, each array with its first item repeated and
// without each item, and each number one more and one less.
func mutations(v any, budget int) []any {
	var all [][]step
	walk(v, nil, &all)
	var out []any
	for _, p := range all {
		old := at(v, p)
		for _, r := range replacements {
			out = append(out, replace(v, p, r))
		}
		switch x := old.(type) {
		case map[string]any:
			for k := range x {
				out = append(out, replace(v, append(p, step(k)), deleted{}))
			}
			out = append(out, replace(v, append(p, step("zz_unknown")), "x"))
		case []any:
			if len(x) > 0 {
				out = append(out, replace(v, p, append([]any{x[0]}, x...)))
			}
			for i := range x {
				out = append(out, replace(v, append(p, step(i)), deleted{}))
			}
		case json.Number:
			out = append(out, replace(v, p, json.Number(string(x)+"1")), replace(v, p, json.Number("-"+string(x))))
		case string:
			out = append(out, replace(v, p, x+x), replace(v, p, x+"é"), replace(v, p, strings.ToLower(x)))
		}
	}
	if len(out) <= budget {
		return out
	}
	sample := make([]any, 0, budget)
	for i := range budget {
		sample = append(sample, out[i*len(out)/budget])
	}
	return sample
}

// deleted, as a replacement, removes the node.
type deleted struct{}

func walk(v any, p []step, out *[][]step) {
	*out = append(*out, append([]step(nil), p...))
	switch x := v.(type) {
	case map[string]any:
		for k, item := range x {
			walk(item, append(p, step(k)), out)
		}
	case []any:
		for i, item := range x {
			walk(item, append(p, step(i)), out)
		}
	}
}

func at(v any, p []step) any {
	for _, s := range p {
		switch x := v.(type) {
		case map[string]any:
			v = x[s.(string)]
		case []any:
			v = x[s.(int)]
		}
	}
	return v
}

// replace returns v with the node at p replaced by r (or removed, for
// deleted{}), copying only the containers on the way.
func replace(v any, p []step, r any) any {
	if len(p) == 0 {
		return r
	}
	switch x := v.(type) {
	case map[string]any:
		k := p[0].(string)
		m := make(map[string]any, len(x)+1)
		for kk, vv := range x {
			m[kk] = vv
		}
		if _, del := r.(deleted); del && len(p) == 1 {
			delete(m, k)
		} else {
			m[k] = replace(x[k], p[1:], r)
		}
		return m
	case []any:
		i := p[0].(int)
		if _, del := r.(deleted); del && len(p) == 1 {
			return append(append([]any{}, x[:i]...), x[i+1:]...)
		}
		a := append([]any{}, x...)
		a[i] = replace(x[i], p[1:], r)
		return a
	}
	return v
}
