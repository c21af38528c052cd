package live

import (
	"fmt"

	"github.com/chatmock/chatmock/internal/tmpl"
)

// Apply renders the entry over body (the example's value, or the request's
// when the entry says base: request) in the answer's scope and returns the
// body and headers.
func (e *Entry) Apply(body any, v *tmpl.Vars) (any, map[string]string, error) {
	body, err := tmpl.Apply(tmpl.DeepCopy(body), e.Set, v)
	if err != nil {
		return nil, nil, err
	}
	headers := make(map[string]string, len(e.Headers))
	for k, t := range e.Headers {
		s, err := t.RenderString(v)
		if err != nil {
			return nil, nil, fmt.Errorf("header %s: %w", k, err)
		}
		headers[k] = s
	}
	return body, headers, nil
}
