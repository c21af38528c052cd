package mockserver

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A response example given by externalValue is read once, when the
// document is loaded: with its file gone, Prefer and an error case that
// names it still answer it, and nothing is read on the request path.
func TestExternalExamplesAreReadAtLoad(t *testing.T) {
	dir := t.TempDir()
	doc := `openapi: 3.1.0
info: {title: rooms, version: "1"}
x-chatmock-errors:
  envelope:
    status: 400
    contentType: application/json
    body: {error: '{{message}}'}
  cases:
    - failure: route.not-found
      example: gone
paths:
  /rooms:
    post:
      operationId: createRoom
      requestBody:
        content:
          application/json:
            schema: {type: object}
      responses:
        '201':
          description: created
          content:
            application/json:
              examples:
                made: {externalValue: made.json}
        '404':
          description: no such path
          content:
            application/json:
              examples:
                gone: {externalValue: gone.json}
`
	for name, body := range map[string]string{"rooms.yaml": doc, "made.json": `{"id":"r1","name":"from the file"}`, "gone.json": `{"error":"no such path"}`} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := loadDocument(t, filepath.Join(dir, "rooms.yaml"))
	for _, name := range []string{"made.json", "gone.json"} {
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	req := httptest.NewRequest("POST", "/rooms", strings.NewReader(`{}`))
	req.Header.Set("Prefer", "example=made")
	req.Header.Set("Content-Type", "application/json")
	if resp := serve(s, req); resp.StatusCode != 201 {
		t.Errorf("Prefer: example=made: %d", resp.StatusCode)
	} else if body := bodyText(t, resp); body != `{"id":"r1","name":"from the file"}` {
		t.Errorf("Prefer: example=made: %s", body)
	}
	if resp := serve(s, httptest.NewRequest("GET", "/nowhere", nil)); resp.StatusCode != 404 {
		t.Errorf("the not-found case: %d", resp.StatusCode)
	} else if body := bodyText(t, resp); body != `{"error":"no such path"}` {
		t.Errorf("the not-found case: %s", body)
	}
}
