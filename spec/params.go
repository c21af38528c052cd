package spec

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/chatmock/chatmock/internal/envelope"
	"github.com/chatmock/chatmock/internal/schema/schemagen"
	"github.com/chatmock/chatmock/internal/schema/schemanode"
)

// Parameter is a path, query, header or cookie parameter, its schema
// compiled.
type Parameter struct {
	Name     string
	In       string
	Required bool
	Schema   *Schema        // nil when the parameter has none
	Types    []string       // the schema's JSON types, for converting text
	Node     map[string]any // the schema, its $ref and allOf merged; nil when it has none
	Array    bool
	Object   bool                // the schema is an object (deepObject, or a simple k,v list)
	Props    map[string][]string // an object's properties' JSON types, for converting text
	Style    string              // form, spaceDelimited, pipeDelimited, deepObject, simple, label or matrix: as written, else the location's default
	Explode  bool                // as written, else true for form and false otherwise
	Sample   string              // a valid value as text: the example, default, first enum value or minimum
	// SampleFields is a valid value of an exploded form object, field by
	// field: the query parameters it is sent as.
	SampleFields map[string]string
}

// SecurityScheme is one scheme of a security requirement.
type SecurityScheme struct {
	Key    string // its name under components.securitySchemes
	Type   string // apiKey, http, oauth2, openIdConnect, mutualTLS
	In     string // apiKey: query, header or cookie
	Param  string // apiKey: the parameter's name
	Scheme string // http: basic, bearer, ...
}

// ExplodedObject tells whether the parameter is an object sent as a form
// exploded: a query parameter per field (?room=R1&limit=5), its own name
// nowhere.
func (p *Parameter) ExplodedObject() bool {
	return p.Object && p.Style == "form" && p.Explode
}

// collectParameters compiles the path item's and the operation's
// parameters; the operation's win by name and location.
func (o *Operation) collectParameters(item map[string]any) []Problem {
	d := o.Doc
	var problems []Problem
	seen := map[string]bool{}
	add := func(base string, list []any) {
		for i, p := range list {
			ptr, node, err := d.resolve(fmt.Sprintf("%s/%d", base, i), p)
			if err != nil {
				problems = append(problems, d.problem(fmt.Sprintf("%s/%d", base, i), "%v", err))
				continue
			}
			param := &Parameter{}
			param.Name, _ = node["name"].(string)
			param.In, _ = node["in"].(string)
			param.Required, _ = node["required"].(bool)
			param.Style, _ = node["style"].(string)
			if param.Style == "" {
				param.Style = "simple" // path and header
				if param.In == "query" || param.In == "cookie" {
					param.Style = "form"
				}
			}
			param.Explode = param.Style == "form"
			if e, ok := node["explode"].(bool); ok {
				param.Explode = e
			}
			if seen[param.In+" "+param.Name] {
				continue
			}
			seen[param.In+" "+param.Name] = true
			if sn, ok := node["schema"].(map[string]any); ok {
				if param.Schema, err = d.compile(ptr + "/schema"); err != nil {
					problems = append(problems, d.problem(ptr+"/schema", "schema does not compile: %v", err))
				}
				if merged, err := schemanode.Merged(sn, d.ResolveSchema); err == nil {
					param.Node = merged
					param.Sample = d.sample(node, merged)
					param.Types = schemanode.Types(merged)
					param.Array = slices.Contains(param.Types, "array")
					param.Object = !param.Array && slices.Contains(param.Types, "object")
					if param.ExplodedObject() {
						param.SampleFields = d.sampleFields(sn)
					}
					if props, ok := merged["properties"].(map[string]any); ok && param.Object {
						param.Props = map[string][]string{}
						for k, ps := range props {
							if pm, ok := ps.(map[string]any); ok {
								if mp, err := schemanode.Merged(pm, d.ResolveSchema); err == nil {
									param.Props[k] = schemanode.Types(mp)
								}
							}
						}
					}
					if items, ok := merged["items"].(map[string]any); ok && param.Array {
						if mi, err := schemanode.Merged(items, d.ResolveSchema); err == nil {
							param.Types = schemanode.Types(mi)
						}
					}
				}
			}
			o.Parameters = append(o.Parameters, param)
		}
	}
	ops, _ := o.Raw["parameters"].([]any)
	add(o.Pointer+"/parameters", ops)
	shared, _ := item["parameters"].([]any)
	add(Pointer("paths", o.Path, "parameters"), shared)
	return problems
}

// collectSecurity reads the operation's security requirements, or the
// document's when the operation has none.
func (o *Operation) collectSecurity() []Problem {
	d := o.Doc
	reqs, ok := o.Raw["security"].([]any)
	ptr := o.Pointer + "/security"
	if !ok {
		reqs, _ = d.Raw["security"].([]any)
		ptr = "/security"
	}
	found, _ := Lookup(d.Raw, "/components/securitySchemes")
	schemes, _ := found.(map[string]any) // none: every scheme named is undefined
	var problems []Problem
	for i, r := range reqs {
		req, _ := r.(map[string]any)
		keys := make([]string, 0, len(req))
		for k := range req {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var all []SecurityScheme
		for _, k := range keys {
			node, _ := schemes[k].(map[string]any)
			if node == nil {
				problems = append(problems, d.problem(fmt.Sprintf("%s/%d", ptr, i), "security scheme %q is not defined", k))
				continue
			}
			s := SecurityScheme{Key: k}
			s.Type, _ = node["type"].(string)
			s.In, _ = node["in"].(string)
			s.Param, _ = node["name"].(string)
			s.Scheme, _ = node["scheme"].(string)
			s.Scheme = strings.ToLower(s.Scheme)
			all = append(all, s)
		}
		o.Security = append(o.Security, all)
	}
	return problems
}

// ResponseExample is a documented response example found by name.
type ResponseExample struct {
	Status  string
	Media   *Media
	Example *Example
}

// FindExample finds a response example by name, preferring JSON media.
func (o *Operation) FindExample(name string) *ResponseExample {
	var found *ResponseExample
	for _, status := range o.Statuses() {
		for _, m := range o.Responses[status] {
			for _, e := range m.Examples {
				if e.Name != name {
					continue
				}
				if found == nil || (found.Media.Kind != KindJSON && m.Kind == KindJSON) {
					found = &ResponseExample{Status: status, Media: m, Example: e}
				}
			}
		}
		if found != nil {
			return found
		}
	}
	return nil
}

// ExampleNames lists the operation's response example names, sorted.
func (o *Operation) ExampleNames() []string {
	var out []string
	for _, list := range o.Responses {
		for _, m := range list {
			for _, e := range m.Examples {
				if e.Name != "" && !slices.Contains(out, e.Name) {
					out = append(out, e.Name)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// Statuses lists the documented response statuses, sorted.
func (o *Operation) Statuses() []string {
	out := make([]string, 0, len(o.Responses))
	for s := range o.Responses {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// sample is a valid value of a parameter as text.
// sampleFields is a value the schema takes, made from it, as the fields of
// an object: text each.
func (d *Document) sampleFields(schema map[string]any) map[string]string {
	v, err := schemagen.New(d.ResolveSchema, nil, fixedNow).Generate(schema)
	obj, ok := v.(map[string]any)
	if err != nil || !ok {
		return nil
	}
	out := make(map[string]string, len(obj))
	for k, x := range obj {
		out[k] = fmt.Sprint(x)
	}
	return out
}

func (d *Document) sample(param, schema map[string]any) string {
	if v, ok := param["example"]; ok {
		return fmt.Sprint(v)
	}
	for _, k := range []string{"default", "const"} {
		if v, ok := schema[k]; ok {
			return fmt.Sprint(v)
		}
	}
	if enum, ok := schema["enum"].([]any); ok && len(enum) > 0 {
		return fmt.Sprint(enum[0])
	}
	if v, ok := schema["minimum"]; ok {
		return fmt.Sprint(v)
	}
	// A value made from the schema honours its pattern, format and lengths.
	if v, err := schemagen.New(d.ResolveSchema, nil, fixedNow).Generate(schema); err == nil && v != nil {
		if _, scalar := v.(map[string]any); !scalar {
			if _, list := v.([]any); !list {
				return fmt.Sprint(v)
			}
		}
	}
	switch t := schemanode.Types(schema); {
	case slices.Contains(t, "integer"), slices.Contains(t, "number"):
		return "1"
	case slices.Contains(t, "boolean"):
		return "true"
	}
	return "x"
}

// resolveExamples reads every response example given by externalValue
// once, at load, and builds the tables the envelope renders from
// (Document.Examples, Operation.Examples): the request path reads no
// file. An example that cannot be read or decoded stays unresolved and
// out of the tables, as lint reports it.
func (d *Document) resolveExamples() {
	for _, op := range d.Operations {
		for _, ms := range op.Responses {
			for _, m := range ms {
				for _, e := range m.Examples {
					if !e.HasValue && e.External != "" {
						if v, err := m.Instance(d, e); err == nil {
							e.Value, e.HasValue = v, true
						}
					}
					if e.HasValue && m.Kind == KindJSON && m.Schema != nil {
						if err := m.Schema.Validate(e.Value); err != nil {
							v := Violations(err)[0]
							e.Breaks = fmt.Sprintf("at %s: %s", cmp.Or(v.Pointer, "/"), v.Message)
						}
					}
				}
			}
		}
	}
	entry := func(found *ResponseExample) (envelope.Example, bool) {
		if found.Example.Breaks != "" {
			return envelope.Example{}, false
		}
		if !found.Example.HasValue {
			return envelope.Example{}, false
		}
		return envelope.Example{Status: StatusCode(found.Status), MediaType: found.Media.Type, Value: found.Example.Value}, true
	}
	d.Examples = envelope.Examples{}
	for _, op := range d.Operations {
		for _, name := range op.ExampleNames() {
			if _, seen := d.Examples[name]; seen {
				continue
			}
			if e, ok := entry(d.FindExample(name)); ok {
				d.Examples[name] = e
			}
		}
	}
	for _, op := range d.Operations {
		op.Examples = maps.Clone(d.Examples)
		for _, name := range op.ExampleNames() {
			if e, ok := entry(op.FindExample(name)); ok {
				op.Examples[name] = e
			} else {
				delete(op.Examples, name) // its own, unreadable or broken, hides the document's
			}
		}
	}
}

// brokenExamples is a warning per response example that breaks its own
// schema, for the mock, which answers without it (lint names each
// violation itself).
func (d *Document) brokenExamples() []Problem {
	var warnings []Problem
	for _, op := range d.Operations {
		for _, ms := range op.Responses {
			for _, m := range ms {
				for _, e := range m.Examples {
					if e.Breaks != "" {
						w := d.problem(e.Pointer, "the example breaks its schema %s: the mock answers with a body made from the schema instead", e.Breaks)
						w.Warning = true
						warnings = append(warnings, w)
					}
				}
			}
		}
	}
	return warnings
}

// StatusCode turns a documented status ("201", "4XX", "default") into a
// code: a class gives its first code, default gives 200.
func StatusCode(s string) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	if len(s) == 3 && strings.HasSuffix(strings.ToUpper(s), "XX") {
		n, _ := strconv.Atoi(s[:1])
		return n * 100
	}
	return 200
}
