package mockserver

import (
	"encoding/json"
	"net/http"

	"github.com/gorilla/mux"
)

// adminRoutes serves /__admin/: health and the request journal.
func (s *Server) adminRoutes(r *mux.Router) {
	r.Methods(http.MethodGet).Path("/health").HandlerFunc(s.health)
	r.Methods(http.MethodGet).Path("/requests").HandlerFunc(s.requests)
	r.Methods(http.MethodDelete).Path("/requests").HandlerFunc(s.clearRequests)
	r.NotFoundHandler = http.HandlerFunc(adminNotFound)
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	writeAdmin(w, http.StatusOK, map[string]any{
		"status":     "ready",
		"documents":  len(s.set.Documents),
		"operations": len(s.routes),
	})
}

func (s *Server) requests(w http.ResponseWriter, r *http.Request) {
	writeAdmin(w, http.StatusOK, map[string]any{"requests": s.journal.Entries()})
}

func (s *Server) clearRequests(w http.ResponseWriter, r *http.Request) {
	s.journal.Reset()
	w.WriteHeader(http.StatusNoContent)
}

func adminNotFound(w http.ResponseWriter, r *http.Request) {
	writeAdmin(w, http.StatusNotFound, map[string]any{
		"type": "https://chatmock.dev/problems/admin", "title": "Not Found", "status": 404,
		"detail": "no admin endpoint " + r.Method + " " + r.URL.Path,
	})
}

func writeAdmin(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}
