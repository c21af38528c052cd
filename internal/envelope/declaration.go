// Package envelope maps what is wrong with a request to the answer the API
// itself would give: its status, its media type and its error body. How an
// API shapes its errors is declared in its document, under the root
// extension x-chatmock-errors, so the mock and the contract runner read the
// same declaration and a new API needs a document, not Go code. A document
// without one gets RFC 9457 application/problem+json.
//
//	x-chatmock-errors:
//	  texts:                 # named texts per failing keyword or failure class
//	    message:
//	      required: '{{field}} is required'
//	      default: '{{field}} is invalid'
//	  envelope:              # the answer for failures no case names
//	    status: 400
//	    contentType: application/json
//	    body: {Errors: {$each: {PropertyName: '{{path}}', Message: '{{message}}'}}}
//	  cases:                 # first match wins; the earliest case among the failures answers
//	    - failure: schema
//	      pointer: /MemberList
//	      keyword: maxItems
//	      example: '10005'   # a documented example of the operation (or the document)
//	    - failure: security
//	      answer: {status: 401, body: {Message: denied}}
//	    - failure: media.unsupported
//	      ignore: true       # the API does not check this: go on as if it were fine
//
// It may import: internal/tmpl.
package envelope

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/chatmock/chatmock/internal/tmpl"
)

// Key is the root extension holding an API's declaration.
const Key = "x-chatmock-errors"

// Class is a kind of failure.
type Class string

// The failures a request can have, in the order they are found.
const (
	RouteNotFound    Class = "route.not-found"
	MethodNotAllowed Class = "route.method-not-allowed"
	BodyTooLarge     Class = "body.too-large"
	Security         Class = "security"
	Parameter        Class = "parameter"
	MediaMissing     Class = "media.missing"     // a body without Content-Type
	MediaUnsupported Class = "media.unsupported" // a Content-Type the operation does not read
	NotAcceptable    Class = "media.not-acceptable"
	BodyMissing      Class = "body.missing"
	BodyMalformed    Class = "body.malformed"
	Schema           Class = "schema"
	// Found by the store, after validation: the item a read, update or
	// delete names (or the parent a nested create names) is not held, or a
	// create chose an id that is.
	ResourceNotFound Class = "resource.not-found"
	ResourceConflict Class = "resource.conflict"
)

var classes = []Class{RouteNotFound, MethodNotAllowed, BodyTooLarge, Security, Parameter,
	MediaMissing, MediaUnsupported, NotAcceptable, BodyMissing, BodyMalformed, Schema,
	ResourceNotFound, ResourceConflict}

// Declaration is one API's compiled x-chatmock-errors.
type Declaration struct {
	texts    map[string]map[string]*tmpl.Template // name → keyword or class → text
	envelope *AnswerTemplate
	cases    []*Case
}

// AnswerTemplate is a declared answer: a status, a media type, headers and a body template.
type AnswerTemplate struct {
	Status      int
	ContentType string // "" negotiates among the operation's media types for Status
	Headers     map[string]*tmpl.Template
	Body        *tmpl.Template
}

// Case maps failures to an answer.
type Case struct {
	Failure    []Class
	In         string   // parameter location
	Name       string   // parameter or security scheme name
	Pointer    string   // body pointer; "*" matches one token, a trailing "**" the rest
	Keyword    []string // failing schema keywords
	PathPrefix string   // for route failures: the request path's prefix
	Ignore     bool
	Example    string
	Template   *AnswerTemplate
	Status     int
	Set        []tmpl.SetAt // values set at dotted paths of the body
}

type rawDecl struct {
	Texts    map[string]map[string]any `json:"texts"`
	Envelope *rawAnswer                `json:"envelope"`
	Cases    []rawCase                 `json:"cases"`
}

type rawAnswer struct {
	Status      int            `json:"status"`
	ContentType string         `json:"contentType"`
	Headers     map[string]any `json:"headers"`
	Body        any            `json:"body"`
}

type rawCase struct {
	Failure    any            `json:"failure"`
	In         string         `json:"in"`
	Name       string         `json:"name"`
	Pointer    string         `json:"pointer"`
	Keyword    any            `json:"keyword"`
	PathPrefix string         `json:"pathPrefix"`
	Ignore     bool           `json:"ignore"`
	Example    string         `json:"example"`
	Answer     *rawAnswer     `json:"answer"`
	Status     int            `json:"status"`
	Set        map[string]any `json:"set"`
}

// DeclError is a declaration that does not compile, at a JSON pointer into
// the document.
type DeclError struct {
	Pointer string
	Msg     string
}

func (e *DeclError) Error() string { return e.Pointer + ": " + e.Msg }

// Parse compiles the declaration found under Key in a document's root;
// nil, nil when the document has none.
func Parse(root map[string]any) (*Declaration, error) {
	v, ok := root[Key]
	if !ok {
		return nil, nil
	}
	base := "/" + Key
	b, err := json.Marshal(v)
	if err != nil {
		return nil, &DeclError{base, err.Error()}
	}
	var raw rawDecl
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return nil, &DeclError{base, err.Error()}
	}
	d := &Declaration{texts: map[string]map[string]*tmpl.Template{}}
	for name, byKey := range raw.Texts {
		d.texts[name] = map[string]*tmpl.Template{}
		for k, t := range byKey {
			c, err := tmpl.Compile(t)
			if err != nil {
				return nil, &DeclError{base + "/texts/" + name + "/" + k, err.Error()}
			}
			d.texts[name][k] = c
		}
	}
	if raw.Envelope == nil {
		return nil, &DeclError{base, "an envelope is required"}
	}
	if d.envelope, err = compileAnswer(raw.Envelope, base+"/envelope"); err != nil {
		return nil, err
	}
	for i, rc := range raw.Cases {
		c, err := compileCase(rc, fmt.Sprintf("%s/cases/%d", base, i))
		if err != nil {
			return nil, err
		}
		d.cases = append(d.cases, c)
	}
	return d, nil
}

func compileAnswer(ra *rawAnswer, ptr string) (*AnswerTemplate, error) {
	a := &AnswerTemplate{Status: ra.Status, ContentType: ra.ContentType, Headers: map[string]*tmpl.Template{}}
	if a.Status < 100 || a.Status > 599 {
		return nil, &DeclError{ptr + "/status", fmt.Sprintf("want an HTTP status, got %d", a.Status)}
	}
	var err error
	if a.Body, err = tmpl.Compile(ra.Body); err != nil {
		return nil, &DeclError{ptr + "/body", err.Error()}
	}
	for k, v := range ra.Headers {
		if a.Headers[k], err = tmpl.Compile(v); err != nil {
			return nil, &DeclError{ptr + "/headers/" + k, err.Error()}
		}
	}
	return a, nil
}

func compileCase(rc rawCase, ptr string) (*Case, error) {
	c := &Case{In: rc.In, Name: rc.Name, Pointer: rc.Pointer, PathPrefix: rc.PathPrefix,
		Ignore: rc.Ignore, Example: rc.Example, Status: rc.Status}
	fails, err := stringList(rc.Failure)
	if err != nil || len(fails) == 0 {
		return nil, &DeclError{ptr + "/failure", "want a failure class or a list of them"}
	}
	for _, f := range fails {
		if !knownClass(Class(f)) {
			return nil, &DeclError{ptr + "/failure", fmt.Sprintf("unknown failure %q (known: %s)", f, classList())}
		}
		c.Failure = append(c.Failure, Class(f))
	}
	if c.Keyword, err = stringList(rc.Keyword); err != nil {
		return nil, &DeclError{ptr + "/keyword", err.Error()}
	}
	effects := 0
	for _, set := range []bool{c.Ignore, c.Example != "", rc.Answer != nil} {
		if set {
			effects++
		}
	}
	if effects > 1 || (effects == 0 && len(rc.Set) == 0 && c.Status == 0) {
		return nil, &DeclError{ptr, "a case has one of ignore, example or answer (or only set/status, over the envelope)"}
	}
	if rc.Answer != nil {
		if c.Template, err = compileAnswer(rc.Answer, ptr+"/answer"); err != nil {
			return nil, err
		}
	}
	var bad string
	if c.Set, bad, err = tmpl.CompileSet(rc.Set); err != nil {
		return nil, &DeclError{ptr + "/set/" + bad, err.Error()}
	}
	return c, nil
}

func stringList(v any) ([]string, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		return []string{x}, nil
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("want strings, got %v", e)
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, fmt.Errorf("want a string or a list of strings, got %v", v)
}

func knownClass(c Class) bool {
	for _, k := range classes {
		if k == c {
			return true
		}
	}
	return false
}

func classList() string {
	s := make([]string, len(classes))
	for i, c := range classes {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}

// ExampleNames lists the example each case names, by case index ("" for
// cases that name none).
func (d *Declaration) ExampleNames() []string {
	out := make([]string, len(d.cases))
	for i, c := range d.cases {
		out[i] = c.Example
	}
	return out
}
