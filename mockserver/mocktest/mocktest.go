// Package mocktest starts the chatmock mock for a Go test, the way
// net/http/httptest starts a handler: on 127.0.0.1 at a free port, closed
// when the test ends.
//
//	func TestCreateGroup(t *testing.T) {
//		mock := mocktest.NewServer(t)
//		resp, err := http.Post(mock.URL+"/v4/group_open_http_svc/create_group?...", "application/json", body)
//		...
//	}
//
// By default it serves what chatmock serve serves: the four bundled
// documents and the bundled business rules (a second Tencent create with
// the same GroupId is answered 10025). Options are mockserver's, as
// mockserver.Load reads them: WithDocuments serves your own documents,
// WithRuleFiles and WithScenarioFiles add rules and scenarios, WithSeed
// makes generated values repeatable. It owns nothing of the mock: every call it makes is
// one the admin API documents (openapi/admin/chatmock-admin.yaml).
//
// It may import: mockserver.
package mocktest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/chatmock/chatmock/mockserver"
)

// Server is a running mock. URL (from the embedded httptest.Server) is its
// base URL, such as http://127.0.0.1:40123.
type Server struct {
	*httptest.Server
	Mock *mockserver.Server
}

// NewServer starts a mock serving the bundled documents and rules, with
// opts applied after them, and closes it when tb's test ends. A mock that
// cannot start fails the test.
func NewServer(tb testing.TB, opts ...mockserver.Option) *Server {
	tb.Helper()
	s, err := Start(opts...)
	if err != nil {
		tb.Fatalf("mocktest: %v", err)
	}
	tb.Cleanup(s.Close)
	return s
}

// Start starts a mock as NewServer does, outside a test; Close stops it.
func Start(opts ...mockserver.Option) (*Server, error) {
	mock, err := mockserver.Load(context.Background(), opts...)
	if err != nil {
		return nil, err
	}
	srv := httptest.NewUnstartedServer(mock.Handler())
	srv.Listener = mockserver.Listen(srv.Listener, srv.Config)
	srv.Start()
	return &Server{Server: srv, Mock: mock}, nil
}

// Arm arms a scenario, given as the admin API takes it (a JSON object such
// as {"operation":"create_group","example":"10021","times":3}), and returns
// its id.
func (s *Server) Arm(scenario string) (string, error) {
	body, err := s.admin(http.MethodPost, "/__admin/scenarios", scenario, http.StatusCreated)
	if err != nil {
		return "", err
	}
	var armed struct{ ID string }
	if err := json.Unmarshal(body, &armed); err != nil {
		return "", fmt.Errorf("mocktest: arming: %w", err)
	}
	return armed.ID, nil
}

// Disarm removes the scenario with id.
func (s *Server) Disarm(id string) error {
	_, err := s.admin(http.MethodDelete, "/__admin/scenarios/"+url.PathEscape(id), "", http.StatusNoContent)
	return err
}

// Calls tells how many requests for operation (an operationId) the
// journal holds, answered or refused.
func (s *Server) Calls(operation string) (int, error) {
	body, err := s.admin(http.MethodGet, "/__admin/requests/count?operation="+url.QueryEscape(operation), "", http.StatusOK)
	if err != nil {
		return 0, err
	}
	var n struct{ Count int }
	if err := json.Unmarshal(body, &n); err != nil {
		return 0, fmt.Errorf("mocktest: counting: %w", err)
	}
	return n.Count, nil
}

// Reset empties the store of every API, the journal, and the scenarios
// armed, as a new mock would be.
func (s *Server) Reset() error {
	for _, call := range []struct{ method, path string }{
		{http.MethodPost, "/__admin/reset"},
		{http.MethodDelete, "/__admin/requests"},
		{http.MethodDelete, "/__admin/scenarios"},
	} {
		if _, err := s.admin(call.method, call.path, "", http.StatusNoContent); err != nil {
			return err
		}
	}
	return nil
}

// admin makes one admin call and returns the answer's body, or an error
// with the admin API's own detail when it answers other than want.
func (s *Server) admin(method, path, body string, want int) ([]byte, error) {
	req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.Client().Do(req)
	if err != nil {
		return nil, fmt.Errorf("mocktest: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, fmt.Errorf("mocktest: %s %s: %w", method, path, err)
	}
	if resp.StatusCode != want {
		return nil, fmt.Errorf("mocktest: %s %s: %d %s", method, path, resp.StatusCode, strings.TrimSpace(string(b)))
	}
	return b, nil
}
