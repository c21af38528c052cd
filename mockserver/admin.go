package mockserver

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chatmock/chatmock/internal/envelope"
	"github.com/chatmock/chatmock/internal/scenario"
	"github.com/chatmock/chatmock/spec"
	"github.com/gorilla/mux"
)

// adminRoutes serves /__admin/, documented in openapi/admin/chatmock-admin.yaml.
// The dashboard's static files hold no data and are served unguarded (a
// browser cannot put a Bearer token on a navigation); everything else is
// behind the guard.
func (s *Server) adminRoutes(admin *mux.Router) {
	admin.Use(sameOrigin)
	r := admin.NewRoute().Subrouter()
	r.Use(s.guard)
	r.Methods(http.MethodGet).Path("/health").HandlerFunc(s.health)
	r.Methods(http.MethodGet).Path("/operations").HandlerFunc(s.operations)
	r.Methods(http.MethodGet).Path("/requests").HandlerFunc(s.requests)
	r.Methods(http.MethodGet).Path("/requests/count").HandlerFunc(s.countRequests)
	r.Methods(http.MethodDelete).Path("/requests").HandlerFunc(s.clearRequests)
	r.Methods(http.MethodPost).Path("/reset").HandlerFunc(s.reset)
	r.Methods(http.MethodGet).Path("/state").HandlerFunc(s.stateView)
	r.Methods(http.MethodPost).Path("/scenarios").HandlerFunc(s.createScenarios)
	r.Methods(http.MethodGet).Path("/scenarios").HandlerFunc(s.listScenarios)
	r.Methods(http.MethodDelete).Path("/scenarios").HandlerFunc(s.deleteScenarios)
	r.Methods(http.MethodDelete).Path("/scenarios/{id}").HandlerFunc(s.deleteScenario)
	s.dashboardRoutes(admin)
	admin.NotFoundHandler = s.guard(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		adminProblem(w, http.StatusNotFound, "no admin endpoint "+r.Method+" "+r.URL.Path)
	}))
	admin.MethodNotAllowedHandler = s.guard(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		adminProblem(w, http.StatusMethodNotAllowed, "the admin endpoint "+r.URL.Path+" does not take "+r.Method)
	}))
}

// guard keeps the admin API open on loopback; elsewhere it needs the
// configured Bearer token, and with none configured it is switched off.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o := s.opts
		switch {
		case o.adminToken != "":
			scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
			if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare([]byte(tok), []byte(o.adminToken)) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="chatmock admin"`)
				adminProblem(w, http.StatusUnauthorized, "the admin API needs Authorization: Bearer <the --admin-token>")
				return
			}
		case !o.adminOpen:
			adminProblem(w, http.StatusForbidden, "the admin API is off because the server listens on a non-loopback address without a token; "+
				"start it with --admin-token TOKEN (or CHATMOCK_ADMIN_TOKEN) and send Authorization: Bearer TOKEN")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	t := s.tbl.Load()
	writeAdmin(w, http.StatusOK, map[string]any{
		"status":     "ready",
		"documents":  len(t.set.Documents),
		"operations": len(t.routes),
	})
}

// journalQuery selects journal entries by ?api=, ?operation=, ?status=
// and ?since= (an RFC 3339 time, or an entry id: entries after it).
type journalQuery struct {
	api, operation string
	status         int
	since          time.Time
	afterID        int64
}

func parseJournalQuery(r *http.Request) (journalQuery, error) {
	q := r.URL.Query()
	jq := journalQuery{api: q.Get("api"), operation: q.Get("operation")}
	if v := q.Get("status"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return jq, errors.New("status: want an HTTP status, got " + strconv.Quote(v))
		}
		jq.status = n
	}
	if v := q.Get("since"); v != "" {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			jq.afterID = id
		} else if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			jq.since = t
		} else {
			return jq, errors.New("since: want an RFC 3339 time or an entry id, got " + strconv.Quote(v))
		}
	}
	return jq, nil
}

func (jq journalQuery) drop(e *Entry) bool {
	return (jq.api != "" && e.API != jq.api) || (jq.operation != "" && e.Operation != jq.operation) ||
		(jq.status != 0 && e.Status != jq.status) || (!jq.since.IsZero() && e.Time.Before(jq.since))
}

func (s *Server) filtered(w http.ResponseWriter, r *http.Request) ([]*Entry, bool) {
	jq, err := parseJournalQuery(r)
	if err != nil {
		adminProblem(w, http.StatusBadRequest, err.Error())
		return nil, false
	}
	return slices.DeleteFunc(s.journal.After(jq.afterID), jq.drop), true
}

func (s *Server) requests(w http.ResponseWriter, r *http.Request) {
	if list, ok := s.filtered(w, r); ok {
		writeAdmin(w, http.StatusOK, map[string]any{"requests": list})
	}
}

func (s *Server) countRequests(w http.ResponseWriter, r *http.Request) {
	if list, ok := s.filtered(w, r); ok {
		writeAdmin(w, http.StatusOK, map[string]any{"count": len(list)})
	}
}

func (s *Server) clearRequests(w http.ResponseWriter, r *http.Request) {
	s.journal.Reset()
	w.WriteHeader(http.StatusNoContent)
}

// reset clears the store: every API, or the one named by ?api=.
func (s *Server) reset(w http.ResponseWriter, r *http.Request) {
	api := r.URL.Query().Get("api")
	if api != "" && !slices.ContainsFunc(s.tbl.Load().set.Documents, func(d *spec.Document) bool { return d.API == api }) {
		adminProblem(w, http.StatusBadRequest, "no API is named "+api)
		return
	}
	s.store.Reset(api)
	w.WriteHeader(http.StatusNoContent)
}

// stateView shows the store: API → kind → records, in creation order.
func (s *Server) stateView(w http.ResponseWriter, r *http.Request) {
	writeAdmin(w, http.StatusOK, map[string]any{"apis": s.store.Snapshot()})
}

// createScenarios arms one scenario, or {"scenarios": [...]} all or none.
func (s *Server) createScenarios(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		adminProblem(w, http.StatusBadRequest, "the body could not be read: "+err.Error())
		return
	}
	var batch struct {
		Scenarios []*scenario.Scenario `json:"scenarios"`
	}
	list := []*scenario.Scenario{}
	if json.Unmarshal(body, &batch) == nil && batch.Scenarios != nil {
		list = batch.Scenarios
	} else {
		var one scenario.Scenario
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		dec.UseNumber()
		if err := dec.Decode(&one); err != nil {
			adminProblem(w, http.StatusBadRequest, "not a scenario: "+err.Error())
			return
		}
		list = append(list, &one)
	}
	for _, sc := range list {
		sc.Source = "admin"
		if err := sc.Check(); err != nil {
			adminProblem(w, http.StatusBadRequest, err.Error())
			return
		}
	}
	if err := scenario.Verify(list, s.tbl.Load().set); err != nil {
		adminProblem(w, http.StatusBadRequest, err.Error())
		return
	}
	var added []*scenario.Scenario
	for _, sc := range list {
		a, err := s.scenarios.Add(sc)
		if err != nil {
			for _, done := range added {
				s.scenarios.Remove(done.ID)
			}
			adminProblem(w, http.StatusBadRequest, err.Error())
			return
		}
		added = append(added, a)
	}
	if len(added) == 1 && batch.Scenarios == nil {
		w.Header().Set("Location", "/__admin/scenarios/"+added[0].ID)
		writeAdmin(w, http.StatusCreated, added[0])
		return
	}
	writeAdmin(w, http.StatusCreated, map[string]any{"scenarios": added})
}

func (s *Server) listScenarios(w http.ResponseWriter, r *http.Request) {
	writeAdmin(w, http.StatusOK, map[string]any{"scenarios": s.scenarios.List()})
}

func (s *Server) deleteScenario(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["id"]
	if !s.scenarios.Remove(id) {
		adminProblem(w, http.StatusNotFound, "no scenario has the id "+id)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) deleteScenarios(w http.ResponseWriter, r *http.Request) {
	s.scenarios.Clear()
	w.WriteHeader(http.StatusNoContent)
}

func adminProblem(w http.ResponseWriter, status int, detail string) {
	writeAdminAs(w, envelope.ProblemMediaType, status, envelope.Problem("admin", status, detail))
}

func writeAdmin(w http.ResponseWriter, status int, v any) {
	writeAdminAs(w, "application/json", status, v)
}

func writeAdminAs(w http.ResponseWriter, mediaType string, status int, v any) {
	w.Header().Set("Content-Type", mediaType)
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}
