package envelope

import (
	"github.com/chatmock/chatmock/internal/tmpl"
)

// Apply finishes an answer started from a documented example (Examples.Instance)
// or a template: a status other than 0 replaces its status, and each set
// renders its value into the body at its path (tmpl.Apply). It is the one
// renderer of "an example, a status, values set at paths", for error
// cases, rules and scenarios alike.
func (r *Answer) Apply(status int, set []tmpl.SetAt, scope tmpl.Scope) error {
	if status != 0 {
		r.Status = status
	}
	if len(set) == 0 {
		return nil
	}
	body, err := tmpl.Apply(r.Body, set, scope)
	if err != nil {
		return err
	}
	r.Body = body
	return nil
}
