package tmpl

import (
	"net/http"
	"net/url"

	"github.com/tidwall/gjson"
)

// Request is a request as templates and conditions read it: body.<gjson
// path>, query.<name>, header.<Name> and path.<name>. It is data, not a
// callback: what reads it stays in this package.
type Request struct {
	Query  url.Values
	Header http.Header
	Path   map[string]string
	// Body is the decoded body; HasBody tells whether there is one.
	Body    any
	HasBody bool
	// JSON is the body as JSON for gjson paths: the bytes as sent for a
	// JSON body, else made from Body on first use.
	JSON []byte
}

// Get returns one value of the request; ok is false when it is absent. An
// object or array of the body may be the request's own: read it, do not
// change it (templates copy it, Vars.Lookup).
func (r *Request) Get(source, path string) (any, bool) {
	switch source {
	case "query":
		vs, ok := r.Query[path]
		if !ok || len(vs) == 0 {
			return nil, false
		}
		return vs[0], true
	case "header":
		v := r.Header.Get(path)
		return v, v != ""
	case "path":
		v, ok := r.Path[path]
		return v, ok
	case "body":
		if !r.HasBody {
			return nil, false
		}
		if v, found, simple := walkPath(r.Body, path); simple {
			return v, found
		}
		res := gjson.GetBytes(r.BodyJSON(), path)
		if !res.Exists() {
			return nil, false
		}
		return GJSONValue(res), true
	}
	return nil, false
}

// BodyJSON is the body as JSON, nil when there is none.
func (r *Request) BodyJSON() []byte {
	if r.JSON == nil && r.HasBody {
		r.JSON, _ = MarshalJSON(r.Body)
	}
	return r.JSON
}
