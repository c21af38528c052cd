package mockserver

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/chatmock/chatmock/internal/envelope"
	"github.com/chatmock/chatmock/internal/tmpl"
	"github.com/chatmock/chatmock/spec"
	"github.com/gorilla/mux"
)

// exchange is one request on its way through the mock.
type exchange struct {
	rt       *route
	r        *http.Request
	body     []byte
	media    *spec.Media  // the request body's media type, once known
	req      tmpl.Request // what conditions and templates read: query, headers, path parameters, the decoded body
	ruleVars tmpl.Vars    // the scope of the rules' templates (edition.*), kept here to spare an allocation
	failures []envelope.Failure
	user     string // from Basic credentials
	accept   string
	prefer   map[string]string
	queryErr error  // why part of the query string could not be read
	rule     string // the business rule that answered, if one did
	scenario string // the scenario that applied ("prefer" for Prefer's own), if one did
	fault    string // the fault delivered, if one was
}

func newExchange(rt *route, r *http.Request) *exchange {
	q, err := url.ParseQuery(r.URL.RawQuery)
	return &exchange{rt: rt, r: r, accept: r.Header.Get("Accept"), prefer: parsePrefer(r.Header.Values("Prefer")), queryErr: err,
		req: tmpl.Request{Query: q, Header: r.Header, Path: mux.Vars(r)}}
}

func (ex *exchange) info() *envelope.Request {
	return &envelope.Request{
		Method:      ex.r.Method,
		URL:         ex.r.URL.RequestURI(),
		Path:        ex.r.URL.Path,
		ContentType: ex.r.Header.Get("Content-Type"),
		Accept:      ex.accept,
	}
}

// maxFailures bounds the failures one answer reports: a body of 100,000
// wrong items gets the first hundred, not an answer larger than itself.
const maxFailures = 100

// fail records a failure unless the API's declaration says it does not
// check for it, or the answer already reports maxFailures.
func (ex *exchange) fail(f envelope.Failure) {
	if len(ex.failures) >= maxFailures || ex.rt != nil && ex.rt.decl.Ignores(&f, ex.info()) {
		return
	}
	ex.failures = append(ex.failures, f)
}

// validate checks a request whose body was read against its operation:
// security, parameters, media types and the body. Later checks that cannot
// run without an earlier one are skipped.
func (rt *route) validate(ex *exchange) {
	rt.checkSecurity(ex)
	rt.checkParameters(ex)
	if rt.checkMedia(ex) {
		rt.checkBody(ex)
	}
}

// readBody reads the body, up to the server's limit; it reports false,
// with the failure, when the body could not be read.
func (rt *route) readBody(ex *exchange) bool {
	body, err := readAll(http.MaxBytesReader(nil, ex.r.Body, rt.s.opts.maxBody), min(ex.r.ContentLength, rt.s.opts.maxBody))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		ex.fail(envelope.Failure{Class: envelope.BodyTooLarge, Limit: json.Number(itoa(rt.s.opts.maxBody)),
			Detail: "the body is larger than " + itoa(rt.s.opts.maxBody) + " bytes"})
		return false
	case err != nil:
		ex.fail(envelope.Failure{Class: envelope.BodyMalformed, Detail: "the body could not be read: " + err.Error()})
		return false
	}
	ex.body = body
	return true
}

// maxPrealloc is the most readAll allocates before the bytes arrive.
const maxPrealloc = 64 << 10

// readAll is io.ReadAll starting with room for size bytes (the request's
// Content-Length, when it gives one, up to maxPrealloc): one allocation for
// most bodies, and a client announcing a large body it sends slowly costs
// only what it sent.
func readAll(r io.Reader, size int64) ([]byte, error) {
	b := make([]byte, 0, min(max(size, 0), maxPrealloc)+1) // +1: EOF is seen without growing
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// checkSecurity passes when any one of the operation's requirements holds
// in full. The mock checks that credentials are present and well-formed;
// it cannot check a signature.
func (rt *route) checkSecurity(ex *exchange) {
	if len(rt.op.Security) == 0 {
		return
	}
	var first []envelope.Failure
	for _, req := range rt.op.Security {
		var fs []envelope.Failure
		for _, sch := range req {
			if f, ok := credential(ex, sch); !ok {
				fs = append(fs, f)
			}
		}
		if len(fs) == 0 {
			return
		}
		if first == nil {
			first = fs
		}
	}
	for _, f := range first {
		ex.fail(f)
	}
}

func credential(ex *exchange, sch spec.SecurityScheme) (envelope.Failure, bool) {
	f := envelope.Failure{Class: envelope.Security, Name: sch.Key, In: sch.In}
	switch sch.Type {
	case "apiKey":
		var v string
		var present bool
		switch sch.In {
		case "query":
			vs, ok := ex.req.Query[sch.Param]
			present = ok
			if ok {
				v = vs[0]
			}
		case "header":
			v = ex.r.Header.Get(sch.Param)
			present = v != ""
		case "cookie":
			c, err := ex.r.Cookie(sch.Param)
			present = err == nil
			if present {
				v = c.Value
			}
		}
		if !present || v == "" {
			f.Name, f.Detail = sch.Param, "the "+sch.In+" parameter "+sch.Param+" is missing or empty"
			if present {
				f.Value, f.HasValue = v, true
			}
			return f, false
		}
		return f, true
	case "http":
		f.In = "header"
		auth := ex.r.Header.Get("Authorization")
		scheme, cred, _ := strings.Cut(auth, " ")
		cred = strings.TrimSpace(cred)
		if !strings.EqualFold(scheme, sch.Scheme) || cred == "" {
			f.Detail = "no " + sch.Scheme + " credentials in Authorization"
			return f, false
		}
		if sch.Scheme == "basic" {
			raw, err := base64.StdEncoding.DecodeString(cred)
			user, _, ok := strings.Cut(string(raw), ":")
			if err != nil || !ok || user == "" {
				f.Detail = "the Basic credentials are not base64 of user:password"
				return f, false
			}
			ex.user = user
		}
		return f, true
	}
	// oauth2, openIdConnect: a bearer token stands for them.
	auth := ex.r.Header.Get("Authorization")
	if scheme, tok, _ := strings.Cut(auth, " "); !strings.EqualFold(scheme, "bearer") || strings.TrimSpace(tok) == "" {
		f.In, f.Detail = "header", "no bearer token in Authorization"
		return f, false
	}
	return f, true
}

// checkMedia checks the body's Content-Type and the Accept header; it
// reports whether the body can be decoded.
func (rt *route) checkMedia(ex *exchange) bool {
	rt.checkAccept(ex)
	if len(rt.op.RequestBody) == 0 {
		return false
	}
	if len(ex.body) == 0 {
		if rt.op.BodyRequired {
			ex.fail(envelope.Failure{Class: envelope.BodyMissing, Detail: "the request has no body"})
		}
		return false
	}
	ct := ex.r.Header.Get("Content-Type")
	if ct == "" {
		before := len(ex.failures)
		ex.fail(envelope.Failure{Class: envelope.MediaMissing, Detail: "the body has no Content-Type"})
		if len(ex.failures) > before {
			return false
		}
		ex.media = rt.op.RequestBody[0] // the API reads the body whatever it is labelled
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil {
		for _, m := range rt.op.RequestBody {
			if strings.EqualFold(m.Type, mt) {
				ex.media = m
				return true
			}
		}
		for _, m := range rt.op.RequestBody {
			if strings.Contains(m.Type, "*") && mediaMatch(m.Type, mt) {
				// A documented range (*/*, application/*): the body is
				// read as what it says it is, against the range's schema.
				sent := *m
				sent.Type, sent.Kind = mt, spec.KindOf(mt)
				ex.media = &sent
				return true
			}
		}
	}
	f := envelope.Failure{Class: envelope.MediaUnsupported, Value: ct, HasValue: true,
		Detail: "the media type " + ct + " is not one of " + strings.Join(rt.op.RequestMediaTypes(), ", ")}
	before := len(ex.failures)
	ex.fail(f)
	if len(ex.failures) > before {
		return false
	}
	ex.media = rt.op.RequestBody[0] // the API reads the body whatever it is labelled
	return true
}

// checkAccept fails a request whose Accept header allows none of the
// success answer's media types.
func (rt *route) checkAccept(ex *exchange) {
	if ex.accept == "" || rt.success == "" {
		return
	}
	offers := rt.offers(rt.success)
	if len(offers) == 0 {
		return
	}
	if _, ok := negotiate(ex.accept, offers); !ok {
		ex.fail(envelope.Failure{Class: envelope.NotAcceptable, Value: ex.accept, HasValue: true,
			Detail: "Accept " + ex.accept + " allows none of " + strings.Join(offers, ", ")})
	}
}

var preferToken = regexp.MustCompile(`([A-Za-z-]+)\s*=\s*("[^"]*"|[^,;\s]*)`)

// parsePrefer reads Prism's Prefer conventions: code=N, example=NAME,
// dynamic=true.
func parsePrefer(values []string) map[string]string {
	if len(values) == 0 {
		return nil
	}
	out := map[string]string{}
	for _, v := range values {
		for _, m := range preferToken.FindAllStringSubmatch(v, -1) {
			out[strings.ToLower(m[1])] = strings.Trim(m[2], `"`)
		}
	}
	return out
}
