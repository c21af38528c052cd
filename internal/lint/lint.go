// Package lint checks chatmock's OpenAPI documents: each must load and pass
// kin-openapi's validation, every operation must have an operationId, and
// every example of a request body or a response, named or inline, must
// validate against the schema of its own media type, x-max-bytes included.
//
// It may import: spec.
package lint

import (
	"context"
	"slices"
	"strings"

	"github.com/chatmock/chatmock/spec"
)

// Report is the outcome of a lint run.
type Report struct {
	Documents  int
	Operations int
	Examples   int
	Problems   []spec.Problem
}

// Run lints each source and returns every problem found, in file order.
func Run(ctx context.Context, sources []spec.Source) Report {
	var r Report
	var docs []*spec.Document
	for _, src := range sources {
		doc, problems := spec.LoadDocument(ctx, src)
		r.Problems = append(r.Problems, problems...)
		if doc == nil {
			continue
		}
		docs = append(docs, doc)
		r.Documents++
		r.Operations += len(doc.Operations)
		for _, op := range doc.Operations {
			n, problems := checkExamples(op)
			r.Examples += n
			r.Problems = append(r.Problems, problems...)
		}
	}
	r.Problems = append(r.Problems, duplicateIDs(docs)...)
	slices.SortStableFunc(r.Problems, func(a, b spec.Problem) int { return strings.Compare(a.File, b.File) })
	r.Problems = slices.CompactFunc(r.Problems, func(a, b spec.Problem) bool { return a == b })
	return r
}

// checkExamples validates every example of the operation's request body and
// responses against its media type's schema.
func checkExamples(op *spec.Operation) (int, []spec.Problem) {
	media := slices.Clone(op.RequestBody)
	for _, rs := range op.Responses {
		media = append(media, rs...)
	}
	var problems []spec.Problem
	n := 0
	for _, m := range media {
		for _, e := range m.Examples {
			n++
			problems = append(problems, checkExample(op.Doc, m, e)...)
		}
	}
	return n, problems
}

func checkExample(d *spec.Document, m *spec.Media, e *spec.Example) []spec.Problem {
	problem := func(ptr, msg string) spec.Problem {
		return spec.Problem{File: d.Source.Name, Pointer: ptr, Message: msg}
	}
	if !e.HasValue && e.External == "" {
		return nil // reported when the document loaded
	}
	inst, err := m.Instance(d, e)
	if err != nil {
		return []spec.Problem{problem(e.Pointer, err.Error())}
	}
	if m.Schema == nil {
		return nil
	}
	err = m.Schema.Validate(inst)
	if err == nil {
		return nil
	}
	base := e.Pointer // the inline `example` is the value itself
	switch {
	case e.Name != "" && e.HasValue:
		base += "/value"
	case e.Name != "":
		base += "/externalValue"
	}
	var out []spec.Problem
	for _, v := range spec.Violations(err) {
		out = append(out, problem(base+v.Pointer, v.Message))
	}
	return out
}

func duplicateIDs(docs []*spec.Document) []spec.Problem {
	return (&spec.Set{Documents: docs}).DuplicateOperationIDs()
}
