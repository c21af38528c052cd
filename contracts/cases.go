// Package contracts derives contract cases from the documents and checks a
// real implementation against them.
//
// A case is a request to send and what the documents say must come back.
// Cases are derived from the documents, never listed by hand per API: for
// now, every documented request example, expecting a documented success.
//
// It may import: internal/envelope, internal/resource,
// internal/schema/schemanode, internal/tmpl, spec.
package contracts

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"mime/multipart"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/chatmock/chatmock/internal/envelope"
	"github.com/chatmock/chatmock/internal/tmpl"
	"github.com/chatmock/chatmock/spec"
)

// Case is one request and the answer the documents allow.
type Case struct {
	ID        string // api/operationId/kind/name, stable across runs
	API       string
	Operation string
	Tags      []string
	Method    string
	Path      string
	Query     url.Values
	Header    map[string]string
	Body      []byte
	Expect    []string // the documented statuses a success may have
	Want      *Want    // negative cases: the error the declaration gives
	Skip      string   // why the case is not sent, when it is not
	Steps     []*Step  // stateful sequences: what follows the create this case makes
	Setup     []*Setup // creates sent first, whose ids fill the path (an inferred resource's item or parent)
	Flow      *Flow    // stateful sequences on any document: what follows the create or linked answer this case makes
	// Credentials are what the operation's security asks for; the names
	// of its API keys are redacted wherever the case is reported.
	Credentials []spec.Credential
	// MissingCredentials name the security schemes the operation needs
	// that no credential was given for: its cases are skipped, but for
	// those that expect the refusal of a missing credential.
	MissingCredentials []string
	value              any // the body as a JSON value, for deriving variants
	// pathSamples fill the path parameters a created resource does not:
	// a valid value of each parameter's schema, by name.
	pathSamples map[string]string
}

// RedactURL is u with the values of the case's API keys, and of the usual
// secret parameters, replaced by "[redacted]".
func (c *Case) RedactURL(u string) string { return RedactURL(u, c.secretNames()...) }

// secretNames are the parameter and header names of the case's API keys.
func (c *Case) secretNames() []string {
	var out []string
	for _, cr := range c.Credentials {
		if cr.Kind == "apiKey" {
			out = append(out, cr.Name)
		}
	}
	return out
}

// Credentials fill in what an operation's security asks for.
type Credentials struct {
	// Query holds apiKey values by the parameter or header name their
	// security scheme gives (spec.Credential.Name).
	Query map[string]string
	// Bearer is a token for http bearer, oauth2 and openIdConnect schemes.
	Bearer string
	// Basic is "user:password" for http basic schemes.
	Basic string
	// Schemes holds values by security scheme name (components.
	// securitySchemes): an API key, a token, or user:password for basic;
	// they win over the above.
	Schemes map[string]string
}

// Derive lists the cases of every operation: a positive case per
// documented request example, and negative cases per constraint, derived
// from the richest JSON example.
func Derive(set *spec.Set, creds Credentials) ([]*Case, error) {
	var out []*Case
	for _, op := range set.Operations() {
		positive, err := derivePositive(op, creds)
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(positive, func(c *Case) bool { return c.Skip == "" }) {
			// no request example, or none that is a valid request
			if c := generatedPositive(op, creds); c != nil {
				positive = append(positive, c)
			}
		}
		out = append(out, positive...)
		base := richest(positive)
		if base == nil {
			base = &Case{API: op.Doc.API, Operation: op.ID, Method: op.Method, Path: op.Path,
				Query: url.Values{}, Header: map[string]string{}, Expect: successStatuses(op)}
			authorize(base, op, creds)
			addRequiredParameters(base, op)
		}
		out = append(out, deriveNegative(op, base)...)
	}
	creates := map[string]*Case{}
	for _, c := range out {
		if c.Want == nil && c.value != nil {
			if prev := creates[c.API+"/"+c.Operation]; prev == nil || len(c.Body) > len(prev.Body) {
				creates[c.API+"/"+c.Operation] = c
			}
		}
	}
	out = append(out, deriveStateful(set, creates)...)
	for i, c := range out {
		if len(c.Steps) == 0 && needsResource(set, c) {
			if seq := afterCreate(set, creates, c); seq != nil {
				out[i] = seq
			} else {
				c.Skip = "needs a resource created before it, and no operation of the document creates one"
			}
		}
	}
	out, err := addSetups(set, out)
	if err != nil {
		return nil, err
	}
	for _, c := range out {
		if len(c.MissingCredentials) > 0 && c.Skip == "" && !refusesOnly(c) {
			c.Skip = fmt.Sprintf("no credentials given for %s (--auth %s=VALUE)", strings.Join(c.MissingCredentials, ", "), c.MissingCredentials[0])
		}
	}
	return out, nil
}

// refusesOnly tells whether a case that lacks credentials tests only their
// lack: it expects the refusal of a missing or bad credential, and every
// credential missing is the one it leaves out (Tencent's
// missing-credential-identifier, run without any credential, would be
// refused for its missing sdkappid instead).
func refusesOnly(c *Case) bool {
	if c.Want == nil || c.Want.Failure.Class != envelope.Security {
		return false
	}
	name := c.ID[strings.LastIndexByte(c.ID, '/')+1:]
	if !strings.HasPrefix(name, "missing-credential-") && !strings.HasPrefix(name, "empty-credential-") {
		return true // all of them left out ("missing-credentials"), a bad bearer token
	}
	return !slices.ContainsFunc(c.MissingCredentials, func(name string) bool { return name != c.Want.Failure.Name })
}

// afterCreate turns a case that needs a resource into a sequence: create
// one of its kind first, then send the case with the created key in place
// of the example's.
func afterCreate(set *spec.Set, creates map[string]*Case, c *Case) *Case {
	var op *spec.Operation
	for _, o := range set.Operations() {
		if o.Doc.API == c.API && o.ID == c.Operation {
			op = o
		}
	}
	use := op.Store.Delete // the step that takes the key: a delete, else a read
	if use == nil {
		use = op.Store.Read
	}
	for _, create := range set.Operations() {
		base := creates[create.Doc.API+"/"+create.ID]
		if base == nil || create.Doc != op.Doc || create.Store == nil || create.Store.Create == nil || create.Store.Create.Kind != use.Kind {
			continue
		}
		expect := "success"
		if op.Store.Read != nil && answersFromRecord(op) {
			expect = "read"
		}
		step := stepFor(op, c, use.Key, nil, expect)
		if step == nil {
			return nil
		}
		step.Case = c.clone() // the case itself, the key filled in when it runs
		seq := base.clone()
		seq.ID, seq.Tags, seq.Steps = c.ID, append(slices.Clone(c.Tags), "stateful"), []*Step{step}
		return seq
	}
	return nil
}

// needsResource tells whether a case expects a success that only a
// resource made before it can give: a read or a delete of one key.
func needsResource(set *spec.Set, c *Case) bool {
	if c.Want != nil && !c.Want.Success {
		return false
	}
	for _, op := range set.Operations() {
		if op.Doc.API == c.API && op.ID == c.Operation && op.Store != nil &&
			(op.Store.Delete != nil || op.Store.Read != nil && op.Store.Read.Key != nil) {
			return true
		}
	}
	return false
}

// richest is the positive JSON case with the longest body: it reaches the
// most constraints.
func richest(cases []*Case) *Case {
	var best *Case
	for _, c := range cases {
		if c.value != nil && (best == nil || len(c.Body) > len(best.Body)) {
			best = c
		}
	}
	return best
}

func derivePositive(op *spec.Operation, creds Credentials) ([]*Case, error) {
	var out []*Case
	{
		success := successStatuses(op)
		for _, m := range op.RequestBody {
			for _, e := range m.Examples {
				body, err := exampleBody(op, m, e)
				c := &Case{
					ID:        strings.Join([]string{op.Doc.API, op.ID, "positive", m.Type, exampleName(e)}, "/"),
					API:       op.Doc.API,
					Operation: op.ID,
					Tags:      []string{"positive"},
					Method:    op.Method,
					Path:      op.Path,
					Query:     url.Values{},
					Header:    map[string]string{"Content-Type": contentType(m)},
					Body:      body,
					Expect:    success,
				}
				if err != nil { // the document's defect: the rest of it still runs
					c.Skip = fmt.Sprintf("%s: %v", e.Pointer, err)
				}
				if m.Kind == spec.KindJSON && e.HasValue {
					c.value = tmpl.DeepCopy(e.Value)
				}
				if breaksSchema(m, body, err) {
					// An example of a refused request (Intercom documents
					// them): not a valid request, nor a base for others.
					c.Skip = e.Pointer + ": the example breaks its own schema, so it is no valid request"
					c.value = nil
				}
				if m.Kind == spec.KindXML {
					c.Header["Accept"] = m.Type // and check the XML answer too
				}
				authorize(c, op, creds)
				addRequiredParameters(c, op)
				out = append(out, c)
			}
		}
	}
	return out, nil
}

// generatedPositive is the positive case of an operation that documents no
// request example: its parameters' samples and, when it takes a JSON or
// form body, one generated from the schema (nil when it has no success to
// expect, or a body it cannot make).
func generatedPositive(op *spec.Operation, creds Credentials) *Case {
	success := successStatuses(op)
	if len(success) == 0 {
		return nil
	}
	c := &Case{
		ID:        strings.Join([]string{op.Doc.API, op.ID, "positive", "generated"}, "/"),
		API:       op.Doc.API,
		Operation: op.ID,
		Tags:      []string{"positive", "generated"},
		Method:    op.Method,
		Path:      op.Path,
		Query:     url.Values{},
		Header:    map[string]string{},
		Expect:    success,
	}
	if len(op.RequestBody) > 0 {
		m := bodyMedia(op)
		var v any
		var err error
		if m != nil {
			v, err = m.Generate(op.Doc, nil, sampleClock)
			if err == nil && m.Schema != nil {
				if verr := m.Schema.Validate(v); verr != nil {
					// a schema no generated body meets (Intercom's from.id: a uuid 24 characters long)
					v := spec.Violations(verr)[0]
					c.Skip = fmt.Sprintf("no body generated from the schema is valid: %s: %s", v.Pointer, v.Message)
				}
			}
		}
		switch {
		case m == nil && strings.Contains(op.RequestBody[0].Type, "*"):
			// A range (*/*): JSON is in it.
			other := op.RequestBody[0]
			v, _ := other.Generate(op.Doc, nil, sampleClock)
			c.Body, _ = json.Marshal(v)
			c.value = v
			c.Header["Content-Type"] = "application/json"
		case m == nil && op.RequestBody[0].Kind == spec.KindOther:
			// text or bytes: a string its schema takes, else a word
			other := op.RequestBody[0]
			text := "chatmock"
			if s, gerr := other.Generate(op.Doc, nil, sampleClock); gerr == nil {
				if str, ok := s.(string); ok {
					text = str
				}
			}
			c.Body = []byte(text)
			c.Header["Content-Type"] = other.Type
		case m == nil || err != nil:
			if op.BodyRequired {
				return nil
			}
		case m.Kind == spec.KindJSON:
			c.Body, _ = json.Marshal(v)
			c.value = v
			c.Header["Content-Type"] = m.Type
		case m.Kind == spec.KindMultipart:
			if c.Body, err = multipartEncode(v); err != nil {
				return nil
			}
			c.Header["Content-Type"] = contentType(m)
		default:
			c.Body = []byte(formEncode(v))
			c.Header["Content-Type"] = m.Type
		}
	}
	authorize(c, op, creds)
	addRequiredParameters(c, op)
	return c
}

// sampleClock is the clock of generated requests: the same bodies on every
// run.
func sampleClock() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }

// bodyMedia is the request media type a body can be generated for: JSON
// first, then a form; nil when it has neither with a schema.
func bodyMedia(op *spec.Operation) *spec.Media {
	for _, kind := range []spec.Kind{spec.KindJSON, spec.KindForm, spec.KindMultipart} {
		for _, m := range op.RequestBody {
			if m.Kind == kind && m.SchemaNode(op.Doc) != nil {
				return m
			}
		}
	}
	return nil
}

// breaksSchema tells whether a request example, as it would be sent,
// fails the schema of its media type (JSON or a form, decoded as the mock
// decodes them).
func breaksSchema(m *spec.Media, body []byte, sendErr error) bool {
	if sendErr != nil || m.Schema == nil || (m.Kind != spec.KindJSON && m.Kind != spec.KindForm && m.Kind != spec.KindMultipart) {
		return false
	}
	v, err := m.Decode(body)
	return err != nil || m.Schema.Validate(v) != nil
}

func exampleName(e *spec.Example) string {
	if e.Name == "" {
		return "example"
	}
	return e.Name
}

// exampleBody is the example as the bytes to send: an externalValue file
// as it is, an inline value encoded for the media type.
func exampleBody(op *spec.Operation, m *spec.Media, e *spec.Example) ([]byte, error) {
	if !e.HasValue {
		return op.Doc.ReadExternal(e.External)
	}
	switch m.Kind {
	case spec.KindJSON:
		return json.Marshal(e.Value)
	case spec.KindForm:
		return []byte(formEncode(e.Value)), nil
	case spec.KindMultipart:
		return multipartEncode(e.Value)
	case spec.KindOther:
		if s, ok := e.Value.(string); ok {
			return []byte(s), nil
		}
	}
	return nil, fmt.Errorf("an inline %s example cannot be sent", m.Type)
}

// multipartBoundary is the boundary of the multipart bodies the runner
// sends.
const multipartBoundary = "chatmock-boundary-7d1c"

// contentType is the Content-Type of a body of the media type: a
// multipart one names its boundary.
func contentType(m *spec.Media) string {
	if m.Kind == spec.KindMultipart {
		return m.Type + "; boundary=" + multipartBoundary
	}
	return m.Type
}

// multipartEncode writes a JSON value as multipart/form-data fields, named
// as a form's (bracket keys), in key order.
func multipartEncode(v any) ([]byte, error) {
	fields, err := url.ParseQuery(formEncode(v))
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if err := w.SetBoundary(multipartBoundary); err != nil {
		return nil, err
	}
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		for _, val := range fields[k] {
			if err := w.WriteField(k, val); err != nil {
				return nil, err
			}
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// formEncode writes a JSON value as bracket-keyed form fields, in key order.
func formEncode(v any) string {
	var parts []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				key := k
				if prefix != "" {
					key = prefix + "[" + k + "]"
				}
				walk(key, x[k])
			}
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s[%d]", prefix, i), e)
			}
		case nil:
			parts = append(parts, url.QueryEscape(prefix)+"=")
		default:
			var s string
			if str, ok := x.(string); ok {
				s = str
			} else {
				b, _ := json.Marshal(x)
				s = string(b)
			}
			parts = append(parts, url.QueryEscape(prefix)+"="+url.QueryEscape(s))
		}
	}
	walk("", v)
	return strings.Join(parts, "&")
}

// authorize adds the credentials of the first of the operation's security
// alternatives that the given credentials meet entirely (an empty one, `{}`,
// needs none; a bearer one first when a token is given); when none is met,
// of the first alternative, and the schemes it lacks are noted
// (Case.MissingCredentials).
func authorize(c *Case, op *spec.Operation, creds Credentials) {
	c.Credentials = op.Credentials()
	if len(op.Security) == 0 {
		return
	}
	met := func(a []spec.SecurityScheme) bool {
		return !slices.ContainsFunc(a, func(sch spec.SecurityScheme) bool { _, ok := creds.value(sch); return !ok })
	}
	alt := op.Security[0]
	if i := slices.IndexFunc(op.Security, met); i >= 0 {
		alt = op.Security[i]
	}
	for _, a := range op.Security { // a bearer alternative, when a token is given
		if creds.Bearer != "" && len(a) == 1 && a[0].Type == "http" && a[0].Scheme == "bearer" {
			alt = a
			break
		}
	}
	c.MissingCredentials = nil
	for _, sch := range alt {
		v, ok := creds.value(sch)
		if !ok {
			c.MissingCredentials = append(c.MissingCredentials, sch.Key)
		}
		switch {
		case sch.Type == "apiKey" && sch.In == "query":
			c.Query.Set(sch.Param, v)
		case sch.Type == "apiKey" && sch.In == "header":
			c.Header[sch.Param] = v
		case sch.Type == "apiKey" && sch.In == "cookie":
			c.Header["Cookie"] = sch.Param + "=" + v
		case sch.Type == "http" && sch.Scheme == "basic":
			c.Header["Authorization"] = "Basic " + basic(v)
		default:
			c.Header["Authorization"] = "Bearer " + v
		}
	}
}

// value is the credential given for a security scheme: by the scheme's
// name (--auth), else by its kind (an API key by its parameter's name, a
// bearer token, a basic user:password); false when none was given.
func (cr Credentials) value(sch spec.SecurityScheme) (string, bool) {
	if v, ok := cr.Schemes[sch.Key]; ok && v != "" {
		return v, true
	}
	var v string
	switch {
	case sch.Type == "apiKey":
		v = cr.Query[sch.Param]
	case sch.Type == "http" && sch.Scheme == "basic":
		v = cr.Basic
	case sch.Type == "mutualTLS":
		return "", true // nothing a request carries
	default:
		v = cr.Bearer
	}
	return v, v != ""
}

// addRequiredParameters gives each required query parameter a value: its
// documented example, or the first enum value, or the schema's minimum.
// addRequiredParameters gives the case a valid value of each required
// query and header parameter it lacks, and of each path parameter.
func addRequiredParameters(c *Case, op *spec.Operation) {
	for _, p := range op.Parameters {
		switch {
		case p.In == "path":
			if c.pathSamples == nil {
				c.pathSamples = map[string]string{}
			}
			c.pathSamples[p.Name] = p.Sample
		case !p.Required:
		case p.In == "query" && p.SampleFields != nil:
			for k, v := range p.SampleFields { // an exploded object: a parameter per field
				if !c.Query.Has(k) {
					c.Query.Set(k, v)
				}
			}
		case p.In == "query" && !c.Query.Has(p.Name):
			c.Query.Set(p.Name, p.Sample)
		case p.In == "header" && !hasHeader(c.Header, p.Name):
			c.Header[p.Name] = p.Sample
		}
	}
}

func hasHeader(h map[string]string, name string) bool {
	for k := range h {
		if strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}

func successStatuses(op *spec.Operation) []string {
	var out []string
	for _, s := range op.Statuses() {
		if strings.HasPrefix(s, "2") {
			out = append(out, s)
		}
	}
	return out
}

func basic(userPassword string) string {
	return base64.StdEncoding.EncodeToString([]byte(userPassword))
}
