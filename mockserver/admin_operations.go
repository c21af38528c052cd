package mockserver

import (
	"net/http"

	"github.com/chatmock/chatmock/spec"
)

// catalogAPI is one loaded document as GET /__admin/operations lists it.
type catalogAPI struct {
	API        string             `json:"api"`
	Title      string             `json:"title"`
	Operations []catalogOperation `json:"operations"`
}

type catalogOperation struct {
	OperationID string           `json:"operationId"`
	Method      string           `json:"method"`
	Path        string           `json:"path"`
	Summary     string           `json:"summary,omitempty"`
	Examples    []catalogExample `json:"examples"`
}

// catalogExample is a documented response example: what a scenario's
// `example` or a Prefer: example=NAME answers with.
type catalogExample struct {
	Name    string `json:"name"`
	Status  int    `json:"status"`
	Summary string `json:"summary,omitempty"`
}

// operations lists the loaded APIs, their operations and the names of
// their documented response examples, in document order.
func (s *Server) operations(w http.ResponseWriter, r *http.Request) {
	docs := s.tbl.Load().set.Documents
	apis := make([]catalogAPI, 0, len(docs))
	for _, d := range docs {
		apis = append(apis, catalog(d))
	}
	writeAdmin(w, http.StatusOK, map[string]any{"apis": apis})
}

func catalog(d *spec.Document) catalogAPI {
	c := catalogAPI{API: d.API, Operations: make([]catalogOperation, 0, len(d.Operations))}
	if info, ok := d.Raw["info"].(map[string]any); ok {
		c.Title, _ = info["title"].(string)
	}
	for _, op := range d.Operations {
		summary, _ := op.Raw["summary"].(string)
		co := catalogOperation{OperationID: op.ID, Method: op.Method, Path: op.Path, Summary: summary, Examples: []catalogExample{}}
		for _, name := range op.ExampleNames() {
			found := op.FindExample(name)
			co.Examples = append(co.Examples, catalogExample{Name: name, Status: spec.StatusCode(found.Status), Summary: found.Example.Summary})
		}
		c.Operations = append(c.Operations, co)
	}
	return c
}
