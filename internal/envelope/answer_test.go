package envelope

import (
	"encoding/json"
	"testing"

	"github.com/chatmock/chatmock/internal/tmpl"
)

// CompileSet orders the paths and names the one that does not compile;
// Apply sets each value and replaces the status only when one is given.
func TestCompileSetAndApply(t *testing.T) {
	set, _, err := tmpl.CompileSet(map[string]any{"b.c": "two", "a": json.Number("1")})
	if err != nil || len(set) != 2 || set[0].Path != "a" || set[1].Path != "b.c" {
		t.Fatalf("CompileSet: %v %v", set, err)
	}
	ex := Examples{"e": {Status: 400, Value: map[string]any{"a": json.Number("0")}}}
	status, body, _ := ex.Instance("e")
	resp := &Answer{Status: status, Body: body}
	if err := resp.Apply(0, set, nil); err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(resp.Body); resp.Status != 400 || string(b) != `{"a":1,"b":{"c":"two"}}` {
		t.Errorf("Apply: %d %s", resp.Status, b)
	}
	if b, _ := json.Marshal(ex["e"].Value); string(b) != `{"a":0}` {
		t.Errorf("the example changed: %s", b)
	}
	if err := resp.Apply(409, nil, nil); err != nil || resp.Status != 409 {
		t.Errorf("status: %d %v", resp.Status, err)
	}
	if _, bad, err := tmpl.CompileSet(map[string]any{"ok": "x", "broken": "{{"}); err == nil || bad != "broken" {
		t.Errorf("a broken template: %q %v", bad, err)
	}
}
