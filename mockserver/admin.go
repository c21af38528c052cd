package mockserver

import (
	"encoding/json"
	"net/http"
	"slices"

	"github.com/chatmock/chatmock/spec"

	"github.com/gorilla/mux"
)

// adminRoutes serves /__admin/: health and the request journal.
func (s *Server) adminRoutes(r *mux.Router) {
	r.Methods(http.MethodGet).Path("/health").HandlerFunc(s.health)
	r.Methods(http.MethodGet).Path("/requests").HandlerFunc(s.requests)
	r.Methods(http.MethodDelete).Path("/requests").HandlerFunc(s.clearRequests)
	r.Methods(http.MethodPost).Path("/reset").HandlerFunc(s.reset)
	r.Methods(http.MethodGet).Path("/state").HandlerFunc(s.stateView)
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

// reset clears the store: every API, or the one named by ?api=.
func (s *Server) reset(w http.ResponseWriter, r *http.Request) {
	api := r.URL.Query().Get("api")
	if api != "" && !slices.ContainsFunc(s.set.Documents, func(d *spec.Document) bool { return d.API == api }) {
		writeAdmin(w, http.StatusBadRequest, map[string]any{
			"type": "https://chatmock.dev/problems/admin", "title": "Bad Request", "status": 400,
			"detail": "no API is named " + api,
		})
		return
	}
	s.store.Reset(api)
	w.WriteHeader(http.StatusNoContent)
}

// stateView shows the store: API → kind → records, in creation order.
func (s *Server) stateView(w http.ResponseWriter, r *http.Request) {
	writeAdmin(w, http.StatusOK, map[string]any{"apis": s.store.Snapshot()})
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
