package spec

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/chatmock/chatmock/internal/tmpl"
)

// Link is one response link: a value of this operation's answer (or request) feeding an
// operation the link names.
type Link struct {
	Name        string            // the key under `links`
	Status      string            // the response it belongs to, as written ("201", "2XX", "default")
	Pointer     string            // JSON pointer of the Link Object (after following a $ref: where it is used)
	OperationID string            // operationId, or the operationId of the operation operationRef points to
	Parameters  map[string]string // parameter name (possibly "path.id", "query.limit" qualified) → runtime expression or constant, as written
	RequestBody any               // the requestBody value (a runtime expression string, or a value), nil when absent
	Description string
}

// LinkTarget is the operation a link of o names, looked up in o's own
// document; nil when that operation is not served (a leniently loaded set
// left it out).
func (o *Operation) LinkTarget(l Link) *Operation {
	for _, op := range o.Doc.Operations {
		if op.ID == l.OperationID {
			return op
		}
	}
	return nil
}

// collectLinks reads the links of every operation's responses. It runs
// once the document's operations are all collected, so that operationRef
// is resolved at load, to an operationId, like an operationId is checked:
// each must name an operation of the document. A link that names none, has
// both or neither, or whose parameters or requestBody hold a runtime
// expression ParseExpression refuses, is left out with a warning; the
// operation serves. A warning about a Link Object reached by $ref points
// into the component and names the use.
func (d *Document) collectLinks() []Problem {
	var byID map[string]bool
	var byPointer map[string]string
	var problems []Problem
	type linked struct {
		status string
		links  map[string]any
	}
	for _, op := range d.Operations {
		// Most responses have no links: only those that have are sorted.
		var withLinks []linked
		responses, _ := op.Raw["responses"].(map[string]any)
		for status, r := range responses {
			_, resp, err := d.resolve("", r)
			if links, ok := resp["links"].(map[string]any); ok && err == nil && len(links) > 0 {
				withLinks = append(withLinks, linked{status, links})
			} // a response that does not resolve collectMedia reports
		}
		if len(withLinks) == 0 {
			continue
		}
		slices.SortFunc(withLinks, func(a, b linked) int { return strings.Compare(a.status, b.status) })
		if byID == nil {
			byID, byPointer = map[string]bool{}, map[string]string{}
			for _, op := range d.Operations {
				byID[op.ID] = true
				byPointer[op.Pointer] = op.ID
			}
		}
		for _, r := range withLinks {
			for _, name := range slices.Sorted(maps.Keys(r.links)) {
				use := op.Pointer + Pointer("responses", r.status, "links", name)
				l, p := d.link(use, r.links[name], byID, byPointer)
				if p != nil {
					p.Warning = true
					p.Message = fmt.Sprintf("link %q of %s %s (%s) is left out: %s", name, op.Method, op.Path, r.status, p.Message)
					problems = append(problems, *p)
					continue
				}
				l.Name, l.Status = name, r.status
				op.Links = append(op.Links, l)
			}
		}
	}
	return problems
}

// link reads the Link Object used at ptr, or says what is wrong with it.
func (d *Document) link(use string, node any, byID map[string]bool, byPointer map[string]string) (Link, *Problem) {
	fail := func(ptr, format string, args ...any) (Link, *Problem) {
		p := d.problem(ptr, format, args...)
		return Link{}, &p
	}
	ptr, obj, err := d.resolve(use, node)
	if err != nil {
		return fail(use, "%v", err)
	}
	l := Link{Pointer: use}
	l.Description, _ = obj["description"].(string)
	id, hasID := obj["operationId"].(string)
	ref, hasRef := obj["operationRef"].(string)
	switch {
	case hasID && hasRef:
		return fail(ptr, "a link has operationId or operationRef, not both")
	case hasID:
		if !byID[id] {
			return fail(ptr+"/operationId", "operationId %q names no operation of the document", id)
		}
		l.OperationID = id
	case hasRef:
		target, err := operationRef(ref)
		if err == nil && byPointer[target] == "" {
			err = fmt.Errorf("operationRef %q points to no operation of the document", ref)
		}
		if err != nil {
			return fail(ptr+"/operationRef", "%v", err)
		}
		l.OperationID = byPointer[target]
	default:
		return fail(ptr, "the link has neither operationId nor operationRef")
	}
	params, _ := obj["parameters"].(map[string]any)
	if len(params) > 0 {
		l.Parameters = make(map[string]string, len(params))
	}
	for k, v := range params {
		text, err := linkValue(v)
		if err != nil {
			return fail(ptr+Pointer("parameters", k), "%v", err)
		}
		l.Parameters[k] = text
	}
	if body, ok := obj["requestBody"]; ok {
		if s, ok := body.(string); ok {
			if _, err := ParseExpression(s); err != nil {
				return fail(ptr+"/requestBody", "%v", err)
			}
		}
		l.RequestBody = body
	}
	return l, nil
}

// operationRef is the JSON pointer, as Pointer writes it, of a local
// operationRef ("#/paths/~1rooms~1{id}/get", percent-encoded or not).
func operationRef(ref string) (string, error) {
	if !strings.HasPrefix(ref, "#") {
		return "", fmt.Errorf("operationRef %q: only operations inside the document are followed", ref)
	}
	frag, err := url.PathUnescape(ref[1:])
	if err != nil {
		return "", fmt.Errorf("operationRef %q: %v", ref, err)
	}
	return Pointer(Tokens(frag)...), nil
}

// linkValue is a link parameter's value as text: a string as written (a
// runtime expression ParseExpression accepts, or a constant), any other
// value its JSON text.
func linkValue(v any) (string, error) {
	if s, ok := v.(string); ok {
		_, err := ParseExpression(s)
		return s, err
	}
	b, err := tmpl.EncodeJSON(v)
	return string(b), err
}

// Expression is a parsed runtime expression ("$response.body#/id", "$request.path.id",
// "$response.header.Location", "$statusCode", "$url", "$method", "$request.query.q",
// "$request.body#/data/id"), or a constant when Source is "".
type Expression struct{ Source, Name, Pointer, Constant string }

// expressionSources are the sources an expression names after its "$",
// those with a name or a pointer ending in a dot.
var expressionSources = []string{"url", "method", "statusCode",
	"request.path.", "request.query.", "request.header.", "request.body",
	"response.header.", "response.body"}

// ParseExpression parses a link's parameter or requestBody value by the
// OpenAPI runtime expression grammar. A string that starts with "$" is an
// expression and must be one; a whole string in braces ("{$request.path.id}")
// is the expression inside. Any other string is a constant (Source ""),
// except one that embeds an expression in a longer text
// ("rooms/{$request.path.id}"): such templates are refused with an error.
// Name is the parameter or header name; Pointer the JSON pointer after "#"
// of a body, as written ("" for the whole body).
func ParseExpression(s string) (Expression, error) {
	e := s
	if strings.HasPrefix(s, "{$") && strings.HasSuffix(s, "}") && strings.Count(s, "{") == 1 {
		e = s[1 : len(s)-1]
	}
	if !strings.HasPrefix(e, "$") {
		if strings.Contains(s, "{$") {
			return Expression{}, fmt.Errorf("runtime expression %q: expressions embedded in a longer string are not supported", s)
		}
		return Expression{Constant: s}, nil
	}
	rest := e[1:]
	for _, src := range expressionSources {
		after, ok := strings.CutPrefix(rest, src)
		if !ok {
			continue
		}
		x := Expression{Source: strings.TrimSuffix(src, ".")}
		switch {
		case !strings.HasSuffix(src, ".") && !strings.HasSuffix(src, ".body"):
			if after == "" {
				return x, nil
			}
		case strings.HasSuffix(src, ".body"):
			ptr, ok := strings.CutPrefix(after, "#")
			if after == "" || ok && validPointer(ptr) {
				x.Pointer = ptr
				return x, nil
			}
		case strings.HasSuffix(src, ".header."):
			if after != "" && strings.Trim(after, tchars) == "" {
				x.Name = after
				return x, nil
			}
		case after != "":
			x.Name = after
			return x, nil
		}
		return Expression{}, fmt.Errorf("runtime expression %q: not a valid $%s expression", s, x.Source)
	}
	return Expression{}, fmt.Errorf("runtime expression %q: want $url, $method, $statusCode, $request.(path|query|header|body)... or $response.(header|body)...", s)
}

// tchars are the characters of an HTTP token (a header name).
const tchars = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

// validPointer tells whether p is a JSON pointer: "" or "/"-separated
// tokens, every "~" escaping "0" or "1".
func validPointer(p string) bool {
	if p != "" && p[0] != '/' {
		return false
	}
	for i := 0; i < len(p); i++ {
		if p[i] == '~' && (i+1 == len(p) || p[i+1] != '0' && p[i+1] != '1') {
			return false
		}
	}
	return true
}
