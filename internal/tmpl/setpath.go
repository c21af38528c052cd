package tmpl

import (
	"fmt"
	"slices"
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

// SetAt is a value set at a dotted path of a body (`set: {ErrorInfo: ...}`
// of an error case, a rule's effect, a live answer).
type SetAt struct {
	Path  string
	Value *Template
	toks  []string // Path split at its dots, once (CompileSet); nil: split when applied
}

// CompileSet compiles a `set` object, its paths in sorted order so that
// they always apply in one order (and seeded values repeat). On an error
// it names the path whose template did not compile.
func CompileSet(set map[string]any) (out []SetAt, bad string, err error) {
	paths := make([]string, 0, len(set))
	for p := range set {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		t, err := Compile(set[p])
		if err != nil {
			return nil, p, err
		}
		out = append(out, SetAt{Path: p, Value: t, toks: strings.Split(p, ".")})
	}
	return out, "", nil
}

// Apply renders each value into body at its path, in order, and returns
// the body. In a *Vars scope a value sees the value there now (current)
// and, below a '#', the element and its index; a value left undefined by
// an optional term removes the key. Errors name the path.
func Apply(body any, set []SetAt, s Scope) (any, error) {
	vars, _ := s.(*Vars)
	for _, at := range set {
		var err error
		set := func(current any, elems []Element) (any, error) {
			if vars != nil {
				vars.elems, vars.current = elems, current
			}
			v, present, err := at.Value.RenderOptional(s)
			if !present {
				return Omitted, err
			}
			return v, err
		}
		if at.toks != nil && at.Path != "" {
			body, err = setTokens(body, at.toks, nil, set)
		} else {
			body, err = SetPath(body, at.Path, set)
		}
		if err != nil {
			return nil, fmt.Errorf("set %s: %w", at.Path, err)
		}
	}
	if vars != nil {
		vars.elems, vars.current = nil, nil
	}
	return body, nil
}
