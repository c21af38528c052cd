package rules

import (
	"encoding/json"
	"fmt"
	"strconv"

	yaml "github.com/oasdiff/yaml3"
)

// positioned is a YAML document as JSON values, with the line each JSON
// pointer starts on, so problems can name a line.
type positioned struct {
	value any
	lines map[string]int
}

func parseYAML(b []byte) (*positioned, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	p := &positioned{lines: map[string]int{}}
	if len(doc.Content) == 0 {
		return p, nil
	}
	v, err := p.convert(doc.Content[0], "", 0)
	if err != nil {
		return nil, err
	}
	p.value = v
	return p, nil
}

func (p *positioned) convert(n *yaml.Node, ptr string, depth int) (any, error) {
	if depth > 64 {
		return nil, fmt.Errorf("line %d: nested too deeply", n.Line)
	}
	p.lines[ptr] = n.Line
	switch n.Kind {
	case yaml.AliasNode:
		return nil, fmt.Errorf("line %d: aliases are not supported in rule files", n.Line)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if _, dup := m[k]; dup {
				return nil, fmt.Errorf("line %d: key %q appears twice", n.Content[i].Line, k)
			}
			v, err := p.convert(n.Content[i+1], ptr+"/"+escape(k), depth+1)
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
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return nil, err
		}
		return b, nil
	case "!!int", "!!float":
		var f float64
		if err := n.Decode(&f); err != nil {
			return nil, err
		}
		return json.Number(n.Value), nil
	}
	return n.Value, nil
}

// line is the line of the nearest node at or above ptr.
func (p *positioned) line(ptr string) int {
	for {
		if l, ok := p.lines[ptr]; ok {
			return l
		}
		i := lastSlash(ptr)
		if i < 0 {
			return 0
		}
		ptr = ptr[:i]
	}
}

func lastSlash(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			return i
		}
	}
	return -1
}

func escape(tok string) string {
	out := make([]byte, 0, len(tok))
	for i := 0; i < len(tok); i++ {
		switch tok[i] {
		case '~':
			out = append(out, '~', '0')
		case '/':
			out = append(out, '~', '1')
		default:
			out = append(out, tok[i])
		}
	}
	return string(out)
}
