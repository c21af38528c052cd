// Package mockserver serves the operations of loaded OpenAPI documents as a
// mock: every request is validated against its operation, failures are
// answered in the API's own envelope (package envelope), and valid requests
// get the documented success examples made live (package live).
//
// The request path is route → validate → choose the answer → render →
// write, one concern a file. Everything that can be is built once in New.
//
// It may import: internal/dashboard, internal/envelope, internal/fault,
// internal/framing, internal/live, internal/resource, internal/rules,
// internal/scenario, internal/store, internal/tmpl, spec.
package mockserver

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/chatmock/chatmock/internal/envelope"
	"github.com/chatmock/chatmock/internal/resource"
	"github.com/chatmock/chatmock/internal/rules"
	"github.com/chatmock/chatmock/internal/scenario"
	"github.com/chatmock/chatmock/internal/store"
	"github.com/chatmock/chatmock/internal/tmpl"
	"github.com/chatmock/chatmock/spec"
	"github.com/gorilla/mux"
)

// Server is a mock of every operation of a spec.Set.
type Server struct {
	opts      options
	gen       *tmpl.Gen // what generated values draw on
	store     *store.Store
	scenarios *scenario.Registry
	journal   *Journal
	bodies    *bodyBudget
	tbl       atomic.Pointer[table] // swapped whole by Reload
	handler   http.Handler
}

// table is what a reload replaces: the documents, the rules and the routes
// built from them. The store, the journal and the scenarios stay.
type table struct {
	set    *spec.Set
	rules  *rules.Set
	routes []*route
	router *mux.Router
	// exact holds the operations whose path has no parameters, by method
	// and path as sent: found with one map lookup instead of gorilla/mux
	// trying each route's pattern in turn. Everything else (parameters,
	// 404, 405, paths to clean, the admin API) goes through the router.
	exact map[routeKey]*route
	// tree holds the operations whose path has parameters, found by
	// segment; what it does not find goes through the router too.
	tree *pathTree
	// resources are what the documents' paths reveal (nil with
	// WithStateless).
	resources *resource.Model
}

// routeKey is a method and an escaped path.
type routeKey struct{ method, path string }

type options struct {
	logger       *slog.Logger
	maxBody      int64
	journalSize  int
	journalBytes int64
	cors         bool
	seed         uint64
	seeded       bool
	now          func() time.Time
	store        *store.Store
	rules        *rules.Set
	editions     map[string]string
	scenarios    []*scenario.Scenario
	adminToken   string
	adminOpen    bool
	allowedHosts []string
	checkHost    bool // set by WithAdminAccess(true, ...): the server listens on loopback
	stateless    bool

	// Read by Load, not New.
	documents, ruleFiles, scenarioFiles, overlayFiles []string
	noBundledRules, strict                            bool
	documentSet                                       *spec.Set
}

// Option configures a Server.
type Option func(*options)

// DefaultMaxBody is the body size limit unless WithMaxBody says otherwise.
const DefaultMaxBody = 1 << 20

// DefaultJournalSize is how many exchanges the journal keeps by default.
const DefaultJournalSize = 1000

// WithLogger logs one line per request to l.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithMaxBody refuses bodies over n bytes, in the API's own envelope.
func WithMaxBody(n int64) Option { return func(o *options) { o.maxBody = n } }

// WithJournalSize keeps the last n exchanges (0 keeps none).
func WithJournalSize(n int) Option { return func(o *options) { o.journalSize = n } }

// DefaultJournalBytes bounds what the journal's entries hold in all: each
// keeps up to 64 KiB of each body, of the headers and of the URL, so a
// journal of exchanges with 1 MiB bodies keeps the last 100 or so.
const DefaultJournalBytes = 8 << 20

// WithJournalBytes keeps only as many of the last exchanges as fit in n
// bytes (n <= 0: bounded by WithJournalSize only).
func WithJournalBytes(n int64) Option { return func(o *options) { o.journalBytes = n } }

// WithCORS turns CORS handling on or off (on by default).
func WithCORS(on bool) Option { return func(o *options) { o.cors = on } }

// WithSeed makes generated values (IDs, random choices) repeatable.
func WithSeed(seed uint64) Option {
	return func(o *options) { o.seed, o.seeded = seed, true }
}

// WithStore keeps what the APIs create in st (by default a new store of
// DefaultMaxResources records and DefaultMaxStoreBytes bytes per API).
func WithStore(st *store.Store) Option { return func(o *options) { o.store = st } }

// WithRules applies business rules (none by default).
func WithRules(rs *rules.Set) Option { return func(o *options) { o.rules = rs } }

// WithEdition picks the named edition of an API's rules (its quotas).
func WithEdition(api, name string) Option {
	return func(o *options) {
		if o.editions == nil {
			o.editions = map[string]string{}
		}
		o.editions[api] = name
	}
}

// WithScenarios arms scenarios from files when the server starts.
func WithScenarios(list []*scenario.Scenario) Option {
	return func(o *options) { o.scenarios = append(o.scenarios, list...) }
}

// WithAdminAccess guards the admin API: open says the server listens on
// loopback, where the admin API needs no token; elsewhere it needs token as
// a Bearer credential, and with no token it is switched off.
func WithAdminAccess(open bool, token string) Option {
	return func(o *options) { o.adminOpen, o.adminToken, o.checkHost = open, token, open }
}

// DefaultMaxResources is the store's bound per API: enough for any test
// run, and small enough that a mock under load for hours stays well under
// 100 MiB (a Tencent group with members takes about 1 KiB).
const DefaultMaxResources = 10_000

// DefaultMaxStoreBytes is the store's bound per API in bytes (store.Record
// Size). The four bundled APIs' stores full together take 48 MiB, which
// with the journal and one 1 MiB body being decoded keeps the process
// under 150 MiB of RSS (BENCHMARKS.md); 10,000 ordinary records (a Tencent
// group is about 950 bytes) still fit, so --max-resources comes first.
const DefaultMaxStoreBytes = 12 << 20

// WithStateless turns off the resources inferred from the documents'
// paths: their operations answer their documented examples, as an
// operation without x-chatmock-store does.
func WithStateless() Option { return func(o *options) { o.stateless = true } }

// WithClock sets the clock that timestamps come from.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// New builds the mock for set: routes, validators and answers are all
// prepared here, once.
func New(set *spec.Set, opts ...Option) (*Server, error) {
	o := options{
		logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
		maxBody:      DefaultMaxBody,
		journalSize:  DefaultJournalSize,
		journalBytes: DefaultJournalBytes,
		cors:         true,
		now:          time.Now,
		adminOpen:    true,
	}
	for _, opt := range opts {
		opt(&o)
	}
	if o.store == nil {
		o.store = store.New(store.Limits{Records: DefaultMaxResources, Bytes: DefaultMaxStoreBytes})
	}
	if o.rules == nil {
		o.rules = &rules.Set{}
	}
	if err := scenario.Verify(o.scenarios, set); err != nil {
		return nil, err
	}
	s := &Server{
		opts:      o,
		gen:       tmpl.NewGen(o.seed, o.seeded, o.now),
		store:     o.store,
		scenarios: scenario.NewRegistry(o.seed, o.seeded),
		journal:   NewJournal(o.journalSize, o.journalBytes),
		bodies:    newBodyBudget(bodyBudgetSize(o.maxBody)),
	}
	for _, sc := range o.scenarios {
		if _, err := s.scenarios.Add(sc); err != nil {
			return nil, err
		}
	}
	t, err := s.build(set, o.rules)
	if err != nil {
		return nil, err
	}
	s.tbl.Store(t)
	s.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t := s.tbl.Load()
		if rt := t.exact[routeKey{r.Method, r.URL.EscapedPath()}]; rt != nil {
			rt.ServeHTTP(w, r)
			return
		}
		if t.tree.serve(w, r) {
			return
		}
		t.router.ServeHTTP(w, r)
	})
	if o.cors {
		s.handler = cors(s.handler)
	}
	s.handler = s.hostGuard(s.handler)
	s.handler = s.framed(s.handler) // first: an ambiguous request reaches nothing
	return s, nil
}

// build makes the routes of a set of documents and rules.
func (s *Server) build(set *spec.Set, rs *rules.Set) (*table, error) {
	if err := rs.Verify(set); err != nil {
		return nil, err
	}
	t := &table{set: set, rules: rs, exact: map[routeKey]*route{}, tree: &pathTree{}}
	if !s.opts.stateless {
		m, err := resource.Infer(set)
		if err != nil {
			return nil, err
		}
		t.resources = m
	}
	r := mux.NewRouter()
	r.UseEncodedPath()
	s.adminRoutes(r.PathPrefix(adminRoot).Subrouter())
	for _, op := range set.Operations() {
		rt, err := newRoute(s, t, op)
		if err != nil {
			return nil, err
		}
		t.routes = append(t.routes, rt)
		r.Path(op.Path).Methods(op.Method).Handler(rt) // path first: a 405 survives later routes
		if !strings.Contains(op.Path, "{") {
			t.exact[routeKey{op.Method, op.Path}] = rt
		} else {
			t.tree.add(op.Path, op.Method, rt)
		}
	}
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.routeFailure(w, r, t, envelope.RouteNotFound, nil)
	})
	r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.methodNotAllowed(w, r, t)
	})
	t.router = r
	return t, nil
}

// Reload swaps in new documents, rules and file scenarios (by file name)
// at once; the store, the journal and the admin's scenarios stay. On any
// error nothing changes.
func (s *Server) Reload(set *spec.Set, rs *rules.Set, files map[string][]*scenario.Scenario) error {
	var all []*scenario.Scenario
	for _, list := range files {
		all = append(all, list...)
	}
	if err := scenario.Verify(all, set); err != nil {
		return err
	}
	t, err := s.build(set, rs)
	if err != nil {
		return err
	}
	for file, list := range files {
		if err := s.scenarios.ReplaceSource(file, list); err != nil {
			return err
		}
	}
	s.tbl.Store(t)
	return nil
}

// Documents are the documents the mock serves now.
func (s *Server) Documents() *spec.Set { return s.tbl.Load().set }

// Handler is the mock as an http.Handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Store is what the APIs created.
func (s *Server) Store() *store.Store { return s.store }

// Journal is the record of recent exchanges.
func (s *Server) Journal() *Journal { return s.journal }

// done records an answered exchange in the journal and logs its one line.
func (s *Server) done(ex *exchange, ans *answer, took time.Duration) {
	s.journal.record(ex, ans, took)
	var api, op string
	if ex.rt != nil {
		api, op = ex.rt.op.Doc.API, ex.rt.op.ID
	}
	s.opts.logger.LogAttrs(ex.r.Context(), slog.LevelInfo, "request",
		slog.String("method", ex.r.Method),
		slog.String("path", ex.r.URL.Path),
		slog.String("api", api),
		slog.String("operation", op),
		slog.Int("status", ans.status),
		slog.Int("failures", len(ex.failures)),
		slog.String("rule", ex.rule),
		slog.String("scenario", ex.scenario),
		slog.String("fault", ex.fault),
		slog.Duration("took", took),
	)
}
