package mockserver

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/chatmock/chatmock/internal/envelope"
	"github.com/chatmock/chatmock/internal/framing"
	"github.com/gorilla/mux"
)

// Listen readies srv to serve the mock on ln and returns the listener to
// serve on: srv.Serve(mockserver.Listen(ln, srv)). Its connections note
// each request head as net/http reads it, so that the mock can refuse a
// request with both Content-Length and Transfer-Encoding, which net/http
// reads as chunked without telling a handler: a request smuggled in its
// body would otherwise run (package framing). Listen sets srv.ConnContext
// (calling the one already set first) and DisableGeneralOptionsHandler, so
// that every request, OPTIONS * too, reaches the mock's check.
//
// A mock served on a listener that did not come from Listen works the
// same, without that check.
func Listen(ln net.Listener, srv *http.Server) net.Listener {
	prev := srv.ConnContext
	srv.ConnContext = func(ctx context.Context, c net.Conn) context.Context {
		if prev != nil {
			ctx = prev(ctx, c)
		}
		return framing.ConnContext(ctx, c)
	}
	srv.DisableGeneralOptionsHandler = true
	return framing.Listen(ln, srv.MaxHeaderBytes)
}

// framed refuses a request whose framing is ambiguous, or whose start on
// its connection cannot be vouched for, before anything else sees it.
func (s *Server) framed(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch framing.Check(r) {
		case framing.Ambiguous:
			detail := "the request has both Content-Length and Transfer-Encoding"
			if !r.ProtoAtLeast(1, 1) {
				detail = "the HTTP/1.0 request has Transfer-Encoding"
			}
			s.refuseFraming(w, r, detail)
		case framing.Unknown:
			s.refuseFraming(w, r, "where the request begins on its connection cannot be told from what came before it")
		default:
			if r.RequestURI == "*" {
				s.asterisk(w, r)
				return
			}
			next.ServeHTTP(w, r)
		}
	})
}

// asterisk answers a request for "*", which only OPTIONS may make: 200
// with no body, as net/http answers it when it answers it itself; any
// other method has no operation.
func (s *Server) asterisk(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodOptions {
		s.routeFailure(w, r, s.tbl.Load(), envelope.RouteNotFound, nil)
		return
	}
	s.finish(w, newExchange(nil, r), &answer{status: http.StatusOK}, time.Now())
}

// refuseFraming answers 400 as a malformed body, in the envelope of the
// API the path belongs to, and closes the connection: what follows the
// head on it is not read as a request.
func (s *Server) refuseFraming(w http.ResponseWriter, r *http.Request, detail string) {
	start := time.Now()
	t := s.tbl.Load()
	ex, ans := s.failureAnswer(r, t, envelope.Failure{Class: envelope.BodyMalformed, Detail: detail}, t.owner(r))
	ans.status = http.StatusBadRequest
	if ans.headers == nil {
		ans.headers = map[string]string{}
	}
	ans.headers["Connection"] = "close"
	s.finish(w, ex, ans, start)
}

// owner is the route whose operation has r's path (with r's method if one
// has it), or nil.
func (t *table) owner(r *http.Request) *route {
	if rt := t.exact[routeKey{r.Method, r.URL.EscapedPath()}]; rt != nil {
		return rt
	}
	var m mux.RouteMatch
	if t.router.Match(r, &m) && m.MatchErr == nil {
		rt, _ := m.Handler.(*route)
		return rt
	}
	if !errors.Is(m.MatchErr, mux.ErrMethodMismatch) {
		return nil
	}
	for _, rt := range t.routes {
		if rt.matcher.Match(r, &mux.RouteMatch{}) {
			return rt
		}
	}
	return nil
}
