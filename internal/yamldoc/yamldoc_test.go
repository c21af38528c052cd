package yamldoc

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	doc, err := Parse([]byte("a: 1\nlist:\n  - x: true\n    y: 0x1F\n  - ~\n'k/~': s\n"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(doc.Value)
	if string(b) != `{"a":1,"k/~":"s","list":[{"x":true,"y":31},null]}` {
		t.Errorf("value %s", b)
	}
	for ptr, want := range map[string]int{"": 1, "/a": 1, "/list/0/y": 4, "/list/1": 5, "/k~1~0": 6, "/list/0/y/deeper": 4} {
		if got := doc.Line(ptr); got != want {
			t.Errorf("Line(%q) = %d, want %d", ptr, got, want)
		}
	}
	for src, want := range map[string]string{
		"a: 1\na: 2\n":                 `line 2: key "a" appears twice`,
		"a: &x 1\nb: *x\n":             "aliases are not supported",
		"a: [\n":                       "did not find expected node content",
		strings.Repeat("- ", 70) + "x": "nested too deeply",
	} {
		if _, err := Parse([]byte(src)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want %q", src, err, want)
		}
	}
}
