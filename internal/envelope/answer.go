package envelope

import (
	"slices"

	"github.com/chatmock/chatmock/internal/tmpl"
)

// SetAt is a value an answer sets at a dotted path of its body (a
// declaration's case, a rule's effect: `set: {ErrorInfo: ...}`).
type SetAt struct {
	Path  string
	Value *tmpl.Template
}

// CompileSet compiles a `set` object, its paths in sorted order so that
// they always apply in one order. On an error it names the path whose
// template did not compile.
func CompileSet(set map[string]any) (out []SetAt, bad string, err error) {
	paths := make([]string, 0, len(set))
	for p := range set {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		t, err := tmpl.Compile(set[p])
		if err != nil {
			return nil, p, err
		}
		out = append(out, SetAt{Path: p, Value: t})
	}
	return out, "", nil
}

// Apply finishes an answer started from a documented example (Examples.Instance)
// or a template: a status other than 0 replaces its status, and each set
// renders its value into the body at its path. It is the one renderer of
// "an example, a status, values set at paths", for error cases, rules and
// scenarios alike.
func (r *Response) Apply(status int, set []SetAt, scope tmpl.Scope) error {
	if status != 0 {
		r.Status = status
	}
	for _, s := range set {
		body, err := tmpl.SetPath(r.Body, s.Path, func(any, []tmpl.Element) (any, error) { return s.Value.Render(scope) })
		if err != nil {
			return err
		}
		r.Body = body
	}
	return nil
}
