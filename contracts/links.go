package contracts

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/chatmock/chatmock/internal/tmpl"
	"github.com/chatmock/chatmock/spec"
)

// Following an OpenAPI link: the values its runtime expressions name in
// the first request and its answer fill the linked operation's request.

// fillLink fills sc, a valid request of target, with the link's
// parameters and request body; it says why when an expression names
// nothing in what the flow made.
func fillLink(target *spec.Operation, l *spec.Link, sc *Case, m *made) string {
	for name, raw := range l.Parameters {
		v, why := m.evaluate(raw)
		if why != "" {
			return fmt.Sprintf("link %s: parameter %s: %s", l.Name, name, why)
		}
		in, bare, qualified := strings.Cut(name, ".")
		if !qualified {
			bare, in = name, ""
			for _, p := range target.Parameters {
				if p.Name == name {
					in = p.In
					break
				}
			}
		}
		switch in {
		case "path":
			if !strings.Contains(target.Path, "{"+bare+"}") {
				return fmt.Sprintf("link %s: %s has no path parameter %s", l.Name, target.ID, bare)
			}
			sc.Path = strings.ReplaceAll(sc.Path, "{"+bare+"}", url.PathEscape(v))
			sc.Path = fillNamed(target.Path, sc.Path, bare, v) // where a setup filled it already
		case "query":
			sc.Query.Set(bare, v)
		case "header":
			sc.Header[bare] = v
		case "cookie":
			sc.Header["Cookie"] = strings.TrimPrefix(sc.Header["Cookie"]+"; "+bare+"="+url.QueryEscape(v), "; ")
		default:
			return fmt.Sprintf("link %s: %s has no parameter %s", l.Name, target.ID, name)
		}
	}
	if l.RequestBody != nil {
		var body any = l.RequestBody
		if s, ok := l.RequestBody.(string); ok {
			x, err := spec.ParseExpression(s)
			if err == nil && x.Source != "" {
				v, ok := m.value(x)
				if !ok {
					return fmt.Sprintf("link %s: requestBody: %s names nothing", l.Name, s)
				}
				body = v
			}
		}
		sc.value = body
		sc.Body, _ = json.Marshal(body)
		if sc.Header["Content-Type"] == "" {
			sc.Header["Content-Type"] = "application/json"
		}
	}
	return ""
}

// fillNamed puts v into the segment of filled that the template names
// {name}: the template's other segments keep what filled holds there.
func fillNamed(template, filled, name, v string) string {
	segs, i := namedSegment(template, filled, name)
	if i < 0 {
		return filled
	}
	segs[i] = url.PathEscape(v)
	return strings.Join(segs, "/")
}

// namedSegment splits path by the template's segments and finds the one
// the template names {name}; -1 when none does, or the two differ in
// length.
func namedSegment(template, path, name string) ([]string, int) {
	ts, ps := strings.Split(template, "/"), strings.Split(path, "/")
	if len(ts) != len(ps) {
		return ps, -1
	}
	return ps, slices.Index(ts, "{"+name+"}")
}

// evaluate is a link parameter's value as text: a constant as written,
// an expression's value in what the flow made.
func (m *made) evaluate(raw string) (string, string) {
	x, err := spec.ParseExpression(raw)
	if err != nil {
		return "", err.Error()
	}
	if x.Source == "" {
		return x.Constant, ""
	}
	v, ok := m.value(x)
	if !ok || v == nil {
		return "", raw + " names nothing in the first request or its answer"
	}
	s := tmpl.Text(v)
	if len(s) > maxKeyBytes {
		return "", fmt.Sprintf("%s is %d bytes long, more than the %d the runner sends back", raw, len(s), maxKeyBytes)
	}
	return s, ""
}

// value is what an expression names in the flow's first request and its
// answer.
func (m *made) value(x spec.Expression) (any, bool) {
	switch x.Source {
	case "url":
		if m.resp.Request == nil {
			return nil, false
		}
		return m.resp.Request.URL.String(), true
	case "method":
		return m.req.Method, true
	case "statusCode":
		return strconv.Itoa(m.resp.StatusCode), true
	case "request.path":
		return pathValue(m.op.Path, m.req.Path, x.Name)
	case "request.query":
		v, ok := m.req.Query[x.Name]
		if !ok || len(v) == 0 {
			return nil, false
		}
		return v[0], true
	case "request.header":
		for k, v := range m.req.Header {
			if strings.EqualFold(k, x.Name) {
				return v, true
			}
		}
		return nil, false
	case "request.body":
		return spec.Lookup(m.req.value, x.Pointer)
	case "response.header":
		v := m.resp.Header.Get(x.Name)
		return v, v != ""
	case "response.body":
		return spec.Lookup(decodeLoose(m.body), x.Pointer)
	}
	return nil, false
}

// pathValue is the value a sent path holds where its template names
// {name}.
func pathValue(template, sent, name string) (any, bool) {
	segs, i := namedSegment(template, sent, name)
	if i < 0 {
		return nil, false
	}
	v, err := url.PathUnescape(segs[i])
	return v, err == nil
}
