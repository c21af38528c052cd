package contracts

import (
	"context"
	"io"
	"os"
	"testing"
	"testing/fstest"

	"github.com/chatmock/chatmock/internal/resource"
	"github.com/chatmock/chatmock/spec"
)

// FuzzDerive loads mutated documents and, when one loads, derives its
// cases and infers its resources: no document may make either panic
// (optional security `[{}, {...}]`, items without a schema, paths of one
// parameter, links to nowhere). The seeds are small documents of each
// shape the loader knows.
//
//	go test -run '^$' -fuzz '^FuzzDerive$' -fuzztime 5m ./contracts
func FuzzDerive(f *testing.F) {
	for _, p := range []string{"../mockserver/testdata/rooms.yaml", "../mockserver/testdata/fifth.yaml",
		"../mockserver/testdata/styles.yaml", "../openapi/admin/chatmock-admin.yaml"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"swagger":"2.0","info":{"title":"t","version":"1"},"paths":{"/a/{id}":{"get":{"parameters":[{"name":"id","in":"path","required":true,"type":"integer"}],"responses":{"200":{"description":"ok","schema":{"type":"array"}}}}}}}`))
	f.Add([]byte("openapi: 3.0.3\ninfo: {title: t, version: '1'}\nsecurity: [{}, {k: []}]\ncomponents: {securitySchemes: {k: {type: apiKey, in: query, name: key}}}\n" +
		"paths:\n  /r:\n    post:\n      responses: {'201': {description: c, content: {application/json: {schema: {type: object, properties: {id: {type: integer}}}}}, links: {x: {operationId: nope}}}}\n" +
		"    get:\n      responses: {'200': {description: l, content: {application/json: {schema: {type: array, items: {nullable: true}}}}}}\n" +
		"  /r/{id}:\n    delete: {parameters: [{name: id, in: path, required: true}], responses: {'204': {description: d}}}\n"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		if len(doc) > 1<<16 {
			return
		}
		src := spec.Source{FS: fstest.MapFS{"api.yaml": {Data: doc}}, Path: "api.yaml", Name: "api.yaml"}
		set, err := spec.Load(context.Background(), []spec.Source{src})
		if err != nil {
			return // refused is fine; a panic is not
		}
		if _, err := Derive(set, Credentials{Bearer: "t", Basic: "u:p"}); err != nil {
			return
		}
		if m, err := resource.Infer(set); err == nil {
			_ = m.Explain(io.Discard)
		}
	})
}
