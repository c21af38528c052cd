// Package yamldoc reads the project's own YAML files (rule and scenario
// files) as JSON values, keeping the line each JSON pointer starts on, and
// checks them against a JSON Schema, so every problem names its file, line
// and pointer.
//
// It may import: internal/inputfile, spec.
package yamldoc

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/chatmock/chatmock/spec"
	yaml "github.com/oasdiff/yaml3"
)

// Doc is a YAML document as JSON values (numbers as json.Number), with the
// line each JSON pointer starts on.
type Doc struct {
	Value any
	lines map[string]int
}

// Parse reads a YAML document. Aliases and repeated keys are refused.
func Parse(b []byte) (*Doc, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	p := &Doc{lines: map[string]int{}}
	if len(doc.Content) == 0 {
		return p, nil
	}
	v, err := p.convert(doc.Content[0], "", 0)
	if err != nil {
		return nil, err
	}
	p.Value = v
	return p, nil
}

func (p *Doc) convert(n *yaml.Node, ptr string, depth int) (any, error) {
	if depth > 64 {
		return nil, fmt.Errorf("line %d: nested too deeply", n.Line)
	}
	p.lines[ptr] = n.Line
	switch n.Kind {
	case yaml.AliasNode:
		return nil, fmt.Errorf("line %d: aliases are not supported", n.Line)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if _, dup := m[k]; dup {
				return nil, fmt.Errorf("line %d: key %q appears twice", n.Content[i].Line, k)
			}
			v, err := p.convert(n.Content[i+1], ptr+spec.Pointer(k), depth+1)
			if err != nil {
				return nil, err
			}
			m[k] = v
		}
		return m, nil
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		for i, c := range n.Content {
			v, err := p.convert(c, ptr+"/"+strconv.Itoa(i), depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	}
	return scalar(n)
}

func scalar(n *yaml.Node) (any, error) {
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		err := n.Decode(&b)
		return b, err
	case "!!int", "!!float":
		var f float64
		if err := n.Decode(&f); err != nil {
			return nil, err
		}
		if _, err := strconv.ParseFloat(n.Value, 64); err != nil {
			// YAML spellings JSON lacks (0x1F, 1_000, .inf): keep the value.
			b, err := json.Marshal(f)
			if err != nil {
				return nil, fmt.Errorf("line %d: %s is not a JSON number", n.Line, n.Value)
			}
			return json.Number(b), nil
		}
		return json.Number(n.Value), nil
	}
	return n.Value, nil
}

// Line is the line of the nearest node at or above ptr.
func (p *Doc) Line(ptr string) int {
	for {
		if l, ok := p.lines[ptr]; ok {
			return l
		}
		i := strings.LastIndexByte(ptr, '/')
		if i < 0 {
			return 0
		}
		ptr = ptr[:i]
	}
}
