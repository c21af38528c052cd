package mockserver

import (
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/chatmock/chatmock/internal/codec/jsonbody"
	"github.com/chatmock/chatmock/internal/envelope"
	"github.com/chatmock/chatmock/internal/live"
	"github.com/chatmock/chatmock/spec"
	"github.com/gorilla/mux"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"github.com/tidwall/gjson"
)

// checkParameters validates path, query and header parameters against
// their compiled schemas, converting the text by the schema's types.
func (rt *route) checkParameters(ex *exchange) {
	if ex.queryErr != nil {
		name, raw := badQueryPair(ex.r.URL.RawQuery)
		ex.fail(envelope.Failure{Class: envelope.Parameter, In: "query", Name: name, Keyword: "encoding", Value: raw, HasValue: true,
			Detail: "the query parameter " + name + " is not valid percent-encoding (" + ex.queryErr.Error() + ")"})
	}
	var vars map[string]string
	query := ex.query
	for _, p := range rt.op.Parameters {
		var texts []string
		switch p.In {
		case "query":
			texts = query[p.Name]
		case "header":
			texts = ex.r.Header.Values(p.Name)
		case "path":
			if vars == nil {
				vars = mux.Vars(ex.r)
			}
			if v, ok := vars[p.Name]; ok {
				texts = []string{v}
			}
		case "cookie":
			if c, err := ex.r.Cookie(p.Name); err == nil {
				texts = []string{c.Value}
			}
		}
		f := envelope.Failure{Class: envelope.Parameter, In: p.In, Name: p.Name}
		if len(texts) == 0 {
			if p.Required {
				f.Keyword, f.Detail = "required", "the "+p.In+" parameter "+p.Name+" is required"
				ex.fail(f)
			}
			continue
		}
		if p.Schema == nil {
			continue
		}
		v := paramValue(p, texts)
		if err := p.Schema.Validate(v); err != nil {
			for _, viol := range spec.Violations(err) {
				f := f
				f.Keyword, f.Detail, f.Value, f.HasValue = viol.Keyword, viol.Message, v, true
				f.Limit, f.Want = limits(viol.Kind)
				ex.fail(f)
			}
		}
	}
}

// badQueryPair finds the first query parameter whose name or value is not
// valid percent-encoding: its name (as sent when the name is the bad part)
// and its value as sent.
func badQueryPair(raw string) (name, value string) {
	for pair := range strings.SplitSeq(raw, "&") {
		key, value, _ := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(key)
		if err != nil || strings.Contains(key, ";") {
			return key, value
		}
		if _, err := url.QueryUnescape(value); err != nil {
			return name, value
		}
	}
	return "", ""
}

// paramValue converts parameter text to the JSON value its schema expects;
// text that does not convert stays a string, for validation to report.
func paramValue(p *spec.Parameter, texts []string) any {
	if p.Array {
		var parts []string
		for _, t := range texts {
			parts = append(parts, strings.Split(t, ",")...)
		}
		out := make([]any, len(parts))
		for i, t := range parts {
			out[i] = textValue(t, p.Types)
		}
		return out
	}
	return textValue(texts[0], p.Types)
}

// isInteger tells whether t is -?[0-9]+.
func isInteger(t string) bool {
	t = strings.TrimPrefix(t, "-")
	return t != "" && digits(t) == len(t)
}

// isNumber tells whether t is -?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?.
func isNumber(t string) bool {
	t = strings.TrimPrefix(t, "-")
	n := digits(t)
	if n == 0 {
		return false
	}
	t = t[n:]
	if rest, ok := strings.CutPrefix(t, "."); ok {
		if n = digits(rest); n == 0 {
			return false
		}
		t = rest[n:]
	}
	if len(t) > 0 && (t[0] == 'e' || t[0] == 'E') {
		t = t[1:]
		if len(t) > 0 && (t[0] == '+' || t[0] == '-') {
			t = t[1:]
		}
		if n = digits(t); n == 0 {
			return false
		}
		t = t[n:]
	}
	return t == ""
}

// digits counts the ASCII digits t starts with.
func digits(t string) int {
	i := 0
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	return i
}

func textValue(t string, types []string) any {
	for _, typ := range types {
		switch typ {
		case "integer":
			if isInteger(t) && jsonbody.NumberInRange(t) {
				return json.Number(t)
			}
		case "number":
			if isNumber(t) && jsonbody.NumberInRange(t) {
				return json.Number(t)
			}
		case "boolean":
			if t == "true" || t == "false" {
				return t == "true"
			}
		case "string":
			return t
		}
	}
	return t
}

// checkBody decodes the body by its media type and validates it.
func (rt *route) checkBody(ex *exchange) {
	m := ex.media
	v, err := m.Decode(ex.body)
	if err != nil {
		ex.fail(envelope.Failure{Class: envelope.BodyMalformed, Detail: err.Error()})
		return
	}
	// Rules and templates read the body with gjson: a JSON body as sent
	// (jsonbody refused duplicate keys and invalid text, so the bytes say
	// what the decoded value says), any other body re-encoded on first use.
	ex.value, ex.hasValue = v, true
	if m.Kind == spec.KindJSON {
		ex.bodyJSON = ex.body
	}
	if m.Schema == nil {
		return
	}
	if err := m.Schema.Validate(v); err != nil {
		for _, f := range schemaFailures(err, v) {
			ex.fail(f)
		}
	}
}

// schemaFailures turns a validation error into failures, one per missing
// property and per unexpected property, each with the value sent.
func schemaFailures(err error, instance any) []envelope.Failure {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []envelope.Failure{{Class: envelope.Schema, Detail: err.Error()}}
	}
	var out []envelope.Failure
	for _, viol := range spec.Violations(err) {
		f := envelope.Failure{Class: envelope.Schema, In: "body", Pointer: viol.Pointer, Keyword: viol.Keyword, Detail: viol.Message}
		f.Limit, f.Want = limits(viol.Kind)
		switch k := viol.Kind.(type) {
		case *kind.Required:
			for _, name := range k.Missing {
				g := f
				g.Pointer = viol.Pointer + spec.Pointer(name)
				g.Detail = "missing property '" + name + "'"
				out = append(out, g)
			}
			continue
		case *kind.AdditionalProperties:
			for _, name := range k.Properties {
				g := f
				g.Pointer = viol.Pointer + spec.Pointer(name)
				g.Detail = "property '" + name + "' is not allowed"
				g.Value, g.HasValue = spec.Lookup(instance, g.Pointer)
				out = append(out, g)
			}
			continue
		}
		f.Value, f.HasValue = spec.Lookup(instance, f.Pointer)
		out = append(out, f)
	}
	return out
}

// limits reads a keyword's limit and expectation from its error kind.
func limits(k jsonschema.ErrorKind) (limit, want any) {
	switch k := k.(type) {
	case *kind.MaxLength:
		return json.Number(strconv.Itoa(k.Want)), nil
	case *kind.MinLength:
		return json.Number(strconv.Itoa(k.Want)), nil
	case *kind.MaxItems:
		return json.Number(strconv.Itoa(k.Want)), nil
	case *kind.MinItems:
		return json.Number(strconv.Itoa(k.Want)), nil
	case *spec.MaxBytes:
		return json.Number(strconv.Itoa(k.Want)), nil
	case *kind.Type:
		return nil, strings.Join(k.Want, " or ")
	case *kind.Enum:
		return nil, k.Want
	case *kind.Const:
		return nil, k.Want
	case *kind.Pattern:
		return nil, k.Want
	case *kind.Format:
		return nil, formatNoun(k.Want)
	case *kind.Minimum:
		return ratNumber(k.Want), nil
	case *kind.Maximum:
		return ratNumber(k.Want), nil
	}
	return nil, nil
}

// formatNoun names what a format asks for, as error texts say it ("is not
// a valid {{want}}").
func formatNoun(format string) string {
	switch format {
	case "date-time", "date":
		return "date"
	case "int32", "int64":
		return "integer"
	case "email":
		return "email address"
	case "uri", "uri-reference":
		return "URL"
	}
	return format
}

func ratNumber(r interface{ FloatString(int) string }) any {
	s := r.FloatString(6)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return json.Number(s)
}

// Get reads the request for conditions and templates: body gjson paths,
// query parameters and headers.
func (ex *exchange) Get(source, path string) (any, bool) {
	switch source {
	case "query":
		vs, ok := ex.query[path]
		if !ok || len(vs) == 0 {
			return nil, false
		}
		return vs[0], true
	case "header":
		v := ex.r.Header.Get(path)
		return v, v != ""
	case "path":
		v, ok := mux.Vars(ex.r)[path]
		return v, ok
	case "body":
		if !ex.hasValue {
			return nil, false
		}
		if ex.bodyJSON == nil {
			ex.bodyJSON, _ = json.Marshal(ex.value)
		}
		r := gjson.GetBytes(ex.bodyJSON, path)
		if !r.Exists() {
			return nil, false
		}
		return live.GJSONValue(r), true
	}
	return nil, false
}
