package mockserver

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/chatmock/chatmock/internal/envelope"
	"github.com/chatmock/chatmock/internal/fault"
	"github.com/chatmock/chatmock/internal/live"
	"github.com/chatmock/chatmock/internal/resource"
	"github.com/chatmock/chatmock/internal/rules"
	"github.com/chatmock/chatmock/internal/scenario"
	"github.com/chatmock/chatmock/spec"
	"github.com/gorilla/mux"
)

// route serves one operation.
type route struct {
	s       *Server
	tbl     *table // the documents and rules the route was built from
	op      *spec.Operation
	decl    *envelope.Declaration
	matcher *mux.Route // matches the operation's path with any method
	success string     // the lowest documented 2xx status
	rules   []*rules.Rule
	values  map[string]any // further names of the rules' templates: edition.* (the limits of the API's chosen edition)
	statics staticAnswers  // encoded answers of static rule effects
	res     *resource.Role // what the operation does to a resource the document's paths reveal; nil: none
	bases   sync.Map       // media type → *rendered: the documented answer res's answers are made from
	// entryStatus is the status each entry of the live plan answers with
	// (statusOf), found once.
	entryStatus map[*live.Entry]string
}

func newRoute(s *Server, t *table, op *spec.Operation) (*route, error) {
	rt := &route{s: s, tbl: t, op: op, decl: op.Doc.Errors, rules: t.rules.For(op.Doc.API, op.ID), res: t.resources.Role(op)}
	if name, ok := s.opts.editions[op.Doc.API]; ok {
		ed, err := t.rules.Edition(op.Doc.API, name)
		if err != nil {
			return nil, err
		}
		rt.values = map[string]any{"edition": ed}
	}
	rt.matcher = mux.NewRouter().UseEncodedPath().Path(op.Path)
	for _, st := range op.Statuses() {
		if strings.HasPrefix(st, "2") {
			rt.success = st
			break
		}
	}
	if op.Live != nil {
		rt.entryStatus = map[*live.Entry]string{}
		for _, e := range op.Live.Entries {
			rt.entryStatus[e] = rt.findStatus(e)
		}
	}
	return rt, nil
}

// ServeHTTP is parse → validate → scenarios → answer → write. From
// decoding the body to the answer, the request holds its body's size of the
// server's body budget (let go during a delay, and before writing). The
// budget is taken once the body is read, so a client sending its body
// slowly holds none of it.
func (rt *route) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	ex := newExchange(rt, r)
	read := rt.readBody(ex)
	held, ok := rt.s.bodies.acquire(r.Context(), int64(len(ex.body)))
	if !ok {
		rt.s.abandoned(ex, start) // the client left before its turn came
		return
	}
	if read {
		rt.validate(ex)
	}
	hit, armed := rt.scenario(ex)
	if armed && hit.Delay > 0 {
		rt.s.bodies.release(held)
		if !fault.Sleep(r.Context(), hit.Delay) {
			rt.s.abandoned(ex, start) // the client left during the delay
			return
		}
		if held, ok = rt.s.bodies.acquire(r.Context(), int64(len(ex.body))); !ok {
			rt.s.abandoned(ex, start)
			return
		}
	}
	ans := rt.choose(ex, hit, armed)
	rt.s.bodies.release(held)
	if armed && hit.Fault != "" {
		rt.s.breakAnswer(w, ex, ans, hit, start)
		return
	}
	rt.s.finish(w, ex, ans, start)
}

// choose is the answer to a request: its failures in the API's envelope,
// what an armed scenario says, or the operation's own.
func (rt *route) choose(ex *exchange, hit scenario.Hit, armed bool) *answer {
	switch {
	case len(ex.failures) > 0:
		return rt.failed(ex)
	case armed && (hit.Example != "" || hit.Body != nil || hit.Status != 0):
		return rt.scenarioAnswer(ex, hit)
	}
	return rt.respond(ex)
}

// failed answers a request that broke its contract, in the API's envelope.
func (rt *route) failed(ex *exchange) *answer {
	resp, err := envelope.Render(rt.decl, ex.failures, ex.info(), rt.examples(), rt.op.Documented)
	if err != nil {
		return internalError(err)
	}
	return rt.fromEnvelope(ex, resp)
}

// methodNotAllowed answers a known path with a method it lacks, in the
// envelope of that path's API, with an Allow header.
func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request, t *table) {
	var allowed []string
	var owner *route
	for _, rt := range t.routes {
		var m mux.RouteMatch
		if rt.matcher.Match(r, &m) {
			allowed = append(allowed, rt.op.Method)
			owner = rt
		}
	}
	slices.Sort(allowed)
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	s.routeFailure(w, r, t, envelope.MethodNotAllowed, owner)
}

// routeFailure answers a path no operation has (or a method it lacks).
func (s *Server) routeFailure(w http.ResponseWriter, r *http.Request, t *table, class envelope.Class, owner *route) {
	start := time.Now()
	ex, ans := s.failureAnswer(r, t, envelope.Failure{Class: class, Detail: routeDetail(class, r)}, owner)
	s.finish(w, ex, ans, start)
}

// failureAnswer answers a failure found before any operation's validation
// ran: in the envelope of owner's API, else of the API whose declaration
// claims the path (a case for route.not-found with a matching pathPrefix),
// else as problem+json.
func (s *Server) failureAnswer(r *http.Request, t *table, f envelope.Failure, owner *route) (*exchange, *answer) {
	ex := newExchange(owner, r)
	ex.failures = []envelope.Failure{f}
	var decl *envelope.Declaration
	var examples envelope.Examples // a path no API owns names no example
	var documented envelope.Documented
	if owner != nil {
		decl, examples, documented = owner.decl, owner.examples(), owner.op.Documented
	} else {
		probe := envelope.Failure{Class: envelope.RouteNotFound}
		for _, d := range t.set.Documents {
			if d.Errors != nil && d.Errors.Claims(&probe, ex.info()) {
				decl, examples = d.Errors, d.Examples
				break
			}
		}
	}
	resp, err := envelope.Render(decl, ex.failures, ex.info(), examples, documented)
	switch {
	case err != nil:
		return ex, internalError(err)
	case owner != nil:
		return ex, owner.fromEnvelope(ex, resp)
	}
	return ex, plainAnswer(resp)
}

func routeDetail(class envelope.Class, r *http.Request) string {
	if class == envelope.MethodNotAllowed {
		return "the method " + r.Method + " is not allowed on " + r.URL.Path
	}
	return "no operation has the path " + r.URL.Path
}
