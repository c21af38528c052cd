package mockserver

import (
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/chatmock/chatmock/internal/envelope"
	"github.com/chatmock/chatmock/spec"
)

// adminRoot is where the admin API and the dashboard live.
const adminRoot = "/__admin"

// AdminHeader is the header the dashboard sends with every admin write, so
// a write that is not JSON (POST /__admin/reset has no body) still cannot
// be a cross-site simple request.
const AdminHeader = "X-Chatmock-Admin"

// WithAllowedHosts lets requests whose Host is one of names reach a server
// listening on loopback (see hostGuard), beside the loopback names; a
// port in a name is ignored, and case too.
func WithAllowedHosts(names ...string) Option {
	return func(o *options) {
		for _, n := range names {
			o.allowedHosts = append(o.allowedHosts, hostName(n)) // as compared: no port, lower case
		}
	}
}

// hostGuard is the DNS-rebinding defence of a server on loopback
// (WithAdminAccess(true, ...), as serve says on loopback; a Server built
// without WithAdminAccess, as in Go tests, checks no Host): a request whose Host is not a
// loopback name or address, nor one of the allowed hosts, is refused with
// 403. A page on another site whose name was rebound to 127.0.0.1 sends its
// own name as Host. Off loopback the admin token guards instead. The
// refusal is the mock's own problem+json, not an API's envelope: no API
// has an answer for a request that was not meant for it, and the message
// must reach whoever runs the mock. On a mocked API's path it is
// journaled, so the dashboard shows it.
func (s *Server) hostGuard(next http.Handler) http.Handler {
	if !s.opts.checkHost {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := hostName(r.Host)
		if loopbackName(host) || slices.Contains(s.opts.allowedHosts, host) {
			next.ServeHTTP(w, r)
			return
		}
		detail := "the Host " + r.Host + " is not a loopback name or address: the mock listens on loopback " +
			"and answers only requests for it; to allow this name, start it with --allowed-host " + host
		if isAdminPath(r.URL.Path) {
			writeAdminAs(w, envelope.ProblemMediaType, http.StatusForbidden, envelope.Problem("host", http.StatusForbidden, detail))
			return
		}
		ans := problemAnswer(http.StatusForbidden, "host", detail)
		ex := newExchange(s.tbl.Load().owner(r), r)
		ex.failures = []envelope.Failure{{Class: envelope.Security, In: "header", Name: "Host", Detail: detail}}
		s.finish(w, ex, ans, time.Now())
	})
}

func isAdminPath(path string) bool {
	return path == adminRoot || strings.HasPrefix(path, adminRoot+"/")
}

// sameOrigin keeps the admin API to pages of the server's own origin: a
// request from a browser page elsewhere (its Origin, or Sec-Fetch-Site
// cross-site or same-site, as another port of 127.0.0.1 is) is refused,
// except a navigation, and a write must be JSON or carry AdminHeader,
// which no cross-site form or simple request can.
func sameOrigin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if origin := r.Header.Get("Origin"); origin != "" && !ownOrigin(origin, r) {
			adminProblem(w, http.StatusForbidden, "the admin API answers only its own origin, not "+origin)
			return
		}
		if site := r.Header.Get("Sec-Fetch-Site"); (site == "cross-site" || site == "same-site") && !navigation(r) {
			adminProblem(w, http.StatusForbidden, "the admin API answers only its own origin, not a "+site+" request")
			return
		}
		if r.Method == http.MethodPost && r.Header.Get(AdminHeader) == "" && spec.KindOf(r.Header.Get("Content-Type")) != spec.KindJSON {
			adminProblem(w, http.StatusUnsupportedMediaType, "admin writes take Content-Type: application/json (or the header "+AdminHeader+": 1)")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// navigation tells whether r is a browser opening a page (following a
// link to the dashboard, say), which shows the page to the user, not to
// the page that linked to it.
func navigation(r *http.Request) bool {
	return (r.Method == http.MethodGet || r.Method == http.MethodHead) && r.Header.Get("Sec-Fetch-Mode") == "navigate"
}

// ownOrigin tells whether origin is the server's own: http or https with
// the request's Host.
func ownOrigin(origin string, r *http.Request) bool {
	u, err := url.Parse(origin)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Path == "" && strings.EqualFold(u.Host, r.Host)
}

// hostName is the name of a Host header, without its port or brackets.
func hostName(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
}

// loopbackName tells whether a host name is localhost, a name under
// .localhost, or a loopback address.
func loopbackName(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
