package spec

import (
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// documentMeta checks, in one pass, that every schema at the places
// documentSchemas lists is a valid JSON Schema 2020-12 schema.
const documentMeta = `{
 "$defs": {
  "s": {"$ref": "https://json-schema.org/draft/2020-12/schema"},
  "content": {"type": "object", "additionalProperties": {"type": "object", "properties": {"schema": {"$ref": "#/$defs/s"}}}},
  "param": {"type": "object", "properties": {"schema": {"$ref": "#/$defs/s"}, "content": {"$ref": "#/$defs/content"}}},
  "params": {"type": "array", "items": {"$ref": "#/$defs/param"}},
  "response": {"type": "object", "properties": {"content": {"$ref": "#/$defs/content"}, "headers": {"type": "object", "additionalProperties": {"$ref": "#/$defs/param"}}}},
  "op": {"type": "object", "properties": {"parameters": {"$ref": "#/$defs/params"},
   "requestBody": {"type": "object", "properties": {"content": {"$ref": "#/$defs/content"}}},
   "responses": {"type": "object", "additionalProperties": {"$ref": "#/$defs/response"}}}},
  "item": {"type": "object", "properties": {"parameters": {"$ref": "#/$defs/params"},
   "get": {"$ref": "#/$defs/op"}, "put": {"$ref": "#/$defs/op"}, "post": {"$ref": "#/$defs/op"}, "delete": {"$ref": "#/$defs/op"},
   "options": {"$ref": "#/$defs/op"}, "head": {"$ref": "#/$defs/op"}, "patch": {"$ref": "#/$defs/op"}, "trace": {"$ref": "#/$defs/op"}}}
 },
 "properties": {
  "components": {"type": "object", "properties": {
   "schemas": {"type": "object", "additionalProperties": {"$ref": "#/$defs/s"}},
   "parameters": {"type": "object", "additionalProperties": {"$ref": "#/$defs/param"}},
   "headers": {"type": "object", "additionalProperties": {"$ref": "#/$defs/param"}},
   "requestBodies": {"type": "object", "additionalProperties": {"type": "object", "properties": {"content": {"$ref": "#/$defs/content"}}}},
   "responses": {"type": "object", "additionalProperties": {"$ref": "#/$defs/response"}}}},
  "paths": {"type": "object", "additionalProperties": {"$ref": "#/$defs/item"}}
 }
}`

var documentMetaSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(documentMeta))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource("chatmock-openapi-schemas.json", doc); err != nil {
		return nil, err
	}
	return c.Compile("chatmock-openapi-schemas.json")
})

// prepare lets the compiler take in every schema of the document at once
// (see documentSchemas): then compiling one is no longer a copy of what the
// compiler knows of the document. Beside it, on the other core, every
// schema is checked against JSON Schema 2020-12 (the compiler checks none
// below a document's root): a schema that is no schema is a problem at its
// place, which leaves its operation out.
func (d *Document) prepare() ([]Problem, error) {
	meta, err := documentMetaSchema()
	if err != nil {
		return nil, err
	}
	checked := make(chan error, 1)
	go func() { checked <- meta.Validate(any(d.Raw)) }()
	_, _ = d.compiler.Compile(d.url) // the root, whose subschemas are every schema
	for _, v := range []*view{d.request, d.response} {
		if v.url != d.url {
			_, _ = d.compiler.Compile(v.url)
		}
	}
	err = <-checked
	if err == nil {
		return nil, nil
	}
	var problems []Problem
	for _, v := range Violations(err) {
		problems = append(problems, d.problem(v.Pointer, "not a valid JSON Schema: %s", v.Message))
	}
	return problems, nil
}

// setCompiler gives the document a new compiler holding it and its views.
func (d *Document) setCompiler() error {
	c, err := newCompiler()
	if err != nil {
		return err
	}
	if err := c.AddResource(d.url, any(d.Raw)); err != nil {
		return err
	}
	for _, v := range []*view{d.request, d.response} {
		if v.url != d.url {
			if err := c.AddResource(v.url, any(v.raw)); err != nil {
				return err
			}
		}
	}
	d.compiler = c
	return nil
}
