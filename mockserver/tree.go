package mockserver

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"
)

// pathTree finds the route of a path with parameters by its segments, so
// that finding one costs the same whatever the number of operations
// (gorilla/mux tries every route's pattern in turn). It holds the paths
// whose every segment is a literal or one whole {parameter}; the rest, and
// every path it does not find, go through the router.
type pathTree struct {
	lit    map[string]*pathTree
	param  *pathTree
	routes map[string]*route // by method, at the path's last segment
}

// add places the route of a templated path; false when the path has a
// segment that is neither a literal nor one whole parameter.
func (t *pathTree) add(path, method string, rt *route) bool {
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	for _, s := range segs {
		if i := strings.IndexAny(s, "{}"); i >= 0 && !(strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") && strings.Count(s, "{") == 1) {
			return false
		}
	}
	n := t
	for _, s := range segs {
		if strings.HasPrefix(s, "{") {
			if n.param == nil {
				n.param = &pathTree{}
			}
			n = n.param
			continue
		}
		if n.lit == nil {
			n.lit = map[string]*pathTree{}
		}
		next := n.lit[s]
		if next == nil {
			next = &pathTree{}
			n.lit[s] = next
		}
		n = next
	}
	if n.routes == nil {
		n.routes = map[string]*route{}
	}
	if _, taken := n.routes[method]; taken {
		return false // two templates of one shape: the router decides, as before
	}
	n.routes[method] = rt
	return true
}

// find is the route for the escaped path and method: literal segments
// before parameters, as the operations' paths sort; nil when none.
func (t *pathTree) find(path, method string) *route {
	if !strings.HasPrefix(path, "/") {
		return nil
	}
	return t.walk(strings.Split(path[1:], "/"), method)
}

func (t *pathTree) walk(segs []string, method string) *route {
	if len(segs) == 0 {
		return t.routes[method]
	}
	s := segs[0]
	if next := t.lit[s]; next != nil {
		if rt := next.walk(segs[1:], method); rt != nil {
			return rt
		}
	}
	if t.param != nil && s != "" {
		return t.param.walk(segs[1:], method)
	}
	return nil
}

// serve answers r with the route the tree finds, its path parameters set
// as the router would set them; false when the tree has none for r.
func (t *pathTree) serve(w http.ResponseWriter, r *http.Request) bool {
	rt := t.find(r.URL.EscapedPath(), r.Method)
	if rt == nil {
		return false
	}
	var m mux.RouteMatch
	if !rt.matcher.Match(r, &m) {
		return false // the route's own pattern disagrees: let the router decide
	}
	rt.ServeHTTP(w, mux.SetURLVars(r, m.Vars))
	return true
}
