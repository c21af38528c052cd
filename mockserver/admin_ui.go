package mockserver

import (
	"net/http"

	"github.com/chatmock/chatmock/internal/dashboard"
	"github.com/gorilla/mux"
)

// dashboardRoutes serves the dashboard's static files under /__admin/ui.
// They are not guarded: they hold no data, and a browser cannot send a
// Bearer token with a navigation. The page's own calls to the admin API
// carry the token and meet the guard.
func (s *Server) dashboardRoutes(r *mux.Router) {
	r.Methods(http.MethodGet, http.MethodHead).Path("/ui").Handler(dashboardFile("index.html"))
	r.Methods(http.MethodGet, http.MethodHead).Path("/ui/app.js").Handler(dashboardFile("app.js"))
	r.Methods(http.MethodGet, http.MethodHead).Path("/ui/app.css").Handler(dashboardFile("app.css"))
	r.Methods(http.MethodGet, http.MethodHead).Path("/ui/").Handler(http.RedirectHandler("/__admin/ui", http.StatusMovedPermanently))
}

// dashboardCSP lets the page load only its own script and stylesheet and
// talk only to its own origin.
const dashboardCSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func dashboardFile(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", dashboardCSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-cache")
		http.ServeFileFS(w, r, dashboard.FS, name)
	})
}
