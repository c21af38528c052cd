package tmpl

import (
	"strconv"
	"strings"
)

// Setter computes the new value at a path from the value there now (nil
// when absent) and the elements "#" stood for on the way. A Setter that
// returns Omitted removes the key.
type Setter func(current any, at []Element) (any, error)

// Element is an array element "#" stood for, with its index.
type Element struct {
	Index int
	Value any
}

// SetPath sets a dotted path in a JSON value and returns the value. A
// numeric token indexes an array; "#" stands for every element of one.
// Objects missing on the way are made; a path into something else is left
// alone.
func SetPath(v any, path string, value Setter) (any, error) {
	if path == "" {
		return value(v, nil)
	}
	return setTokens(v, strings.Split(path, "."), nil, value)
}

func setTokens(v any, toks []string, idx []Element, value Setter) (any, error) {
	if len(toks) == 0 {
		return value(v, idx)
	}
	tok, rest := toks[0], toks[1:]
	if arr, ok := v.([]any); ok {
		if tok == "#" {
			for i := range arr {
				nv, err := setTokens(arr[i], rest, append(idx[:len(idx):len(idx)], Element{i, arr[i]}), value)
				if err != nil {
					return nil, err
				}
				arr[i] = nv
			}
			return arr, nil
		}
		i, err := strconv.Atoi(tok)
		if err != nil || i < 0 || i >= len(arr) {
			return arr, nil
		}
		nv, err := setTokens(arr[i], rest, idx, value)
		if err != nil {
			return nil, err
		}
		arr[i] = nv
		return arr, nil
	}
	if tok == "#" {
		return v, nil // no array here: nothing to set
	}
	m, ok := v.(map[string]any)
	if !ok {
		if v != nil {
			return v, nil
		}
		m = map[string]any{}
	}
	nv, err := setTokens(m[tok], rest, idx, value)
	if err != nil {
		return nil, err
	}
	if nv == Omitted {
		delete(m, tok)
	} else {
		m[tok] = nv
	}
	return m, nil
}

// DeepCopy copies a JSON value so that setting paths in the copy leaves
// the original alone.
func DeepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = DeepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = DeepCopy(e)
		}
		return out
	}
	return v
}
