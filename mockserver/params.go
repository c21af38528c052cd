package mockserver

import (
	"net/url"
	"slices"
	"strings"

	"github.com/chatmock/chatmock/internal/envelope"
	"github.com/chatmock/chatmock/spec"
	"github.com/gorilla/mux"
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
	query := ex.req.Query
	for _, p := range rt.op.Parameters {
		var texts []string
		switch p.In {
		case "query":
			texts = query[p.Name]
			switch {
			case p.Style == "deepObject":
				texts = deepObjectTexts(query, p.Name)
			case p.ExplodedObject():
				texts = explodedObjectTexts(query, p, rt.op.Parameters)
			}
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
	if p.Style == "deepObject" || p.ExplodedObject() {
		obj := map[string]any{}
		for _, kv := range texts { // key=value, as deepObjectTexts and explodedObjectTexts give them
			k, v, _ := strings.Cut(kv, "=")
			obj[k] = spec.TextValue(v, p.Props[k])
		}
		return obj
	}
	prefix := ""
	switch p.Style {
	case "label":
		prefix = "."
	case "matrix":
		prefix = ";" + p.Name + "="
	}
	if p.Array {
		sep := ","
		switch {
		case p.Style == "spaceDelimited":
			sep = " "
		case p.Style == "pipeDelimited":
			sep = "|"
		case p.Explode && (p.Style == "label" || p.Style == "matrix"):
			sep = prefix
		}
		var parts []string
		for _, t := range texts {
			t = strings.TrimPrefix(t, prefix)
			if p.Style == "form" && p.Explode {
				parts = append(parts, t) // ?id=1&id=2: each value whole
				continue
			}
			parts = append(parts, strings.Split(t, sep)...)
		}
		out := make([]any, len(parts))
		for i, t := range parts {
			out[i] = spec.TextValue(t, p.Types)
		}
		return out
	}
	t := strings.TrimPrefix(texts[0], prefix)
	if p.Object {
		return objectValue(p, t)
	}
	return spec.TextValue(t, p.Types)
}

// objectValue reads an object parameter written as k,v,k2,v2 (or, exploded,
// k=v,k2=v2), each value converted by its property's types.
func objectValue(p *spec.Parameter, t string) map[string]any {
	obj := map[string]any{}
	sep := ","
	if p.Style == "label" && p.Explode {
		sep = "."
	}
	parts := strings.Split(t, sep)
	if p.Explode {
		for _, kv := range parts {
			k, v, _ := strings.Cut(kv, "=")
			obj[k] = spec.TextValue(v, p.Props[k])
		}
		return obj
	}
	for i := 0; i+1 < len(parts); i += 2 {
		obj[parts[i]] = spec.TextValue(parts[i+1], p.Props[parts[i]])
	}
	return obj
}

// explodedObjectTexts finds the fields of an exploded form object in the
// query, where each is a parameter of its own (?user_id=1): its declared
// properties, or, when it declares none (a oneOf of objects), every query
// parameter the operation does not name otherwise; key=value texts, in key
// order.
func explodedObjectTexts(query url.Values, p *spec.Parameter, all []*spec.Parameter) []string {
	var out []string
	for k, vs := range query {
		if len(vs) == 0 {
			continue
		}
		_, declared := p.Props[k]
		other := slices.ContainsFunc(all, func(q *spec.Parameter) bool { return q != p && q.In == "query" && q.Name == k })
		if declared || len(p.Props) == 0 && !other {
			out = append(out, k+"="+vs[0])
		}
	}
	slices.Sort(out)
	return out
}

// deepObjectTexts finds a deepObject parameter's keys in the query
// (name[key]=value) and returns them as key=value texts, in key order.
func deepObjectTexts(query url.Values, name string) []string {
	var out []string
	for k, vs := range query {
		inner, ok := strings.CutPrefix(k, name+"[")
		if !ok || !strings.HasSuffix(inner, "]") || len(vs) == 0 {
			continue
		}
		out = append(out, strings.TrimSuffix(inner, "]")+"="+vs[0])
	}
	slices.Sort(out)
	return out
}
