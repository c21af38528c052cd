package spec

import (
	"fmt"
	"strconv"
	"strings"
)

// Problem is one thing wrong with a document, at a JSON pointer into it.
type Problem struct {
	File    string
	Pointer string // "" is the whole document
	Message string
	// Warning marks a defect the loader worked around: a repair (a
	// missing operationId named after its method and path), or, loaded
	// leniently, an operation left out. Strict loading refuses warnings too.
	Warning bool

	overlayMiss bool // an overlay action that selected nothing in this document
}

func (p Problem) String() string {
	ptr := p.Pointer
	if ptr == "" {
		ptr = "/"
	}
	if p.Warning {
		return fmt.Sprintf("%s: %s: warning: %s", p.File, ptr, p.Message)
	}
	return fmt.Sprintf("%s: %s: %s", p.File, ptr, p.Message)
}

// LoadError carries every problem that kept documents from loading.
type LoadError struct {
	Problems []Problem
}

func (e *LoadError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

var (
	escaper   = strings.NewReplacer("~", "~0", "/", "~1")
	unescaper = strings.NewReplacer("~1", "/", "~0", "~")
)

// Pointer joins JSON pointer tokens, escaping each.
func Pointer(tokens ...string) string {
	var sb strings.Builder
	for _, t := range tokens {
		sb.WriteByte('/')
		sb.WriteString(escaper.Replace(t))
	}
	return sb.String()
}

// Tokens splits a JSON pointer into its unescaped tokens ("" has none).
func Tokens(ptr string) []string {
	if ptr == "" {
		return nil
	}
	toks := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	for i, t := range toks {
		toks[i] = unescaper.Replace(t)
	}
	return toks
}

// Lookup returns the node a JSON pointer designates in v.
func Lookup(v any, ptr string) (any, bool) {
	if ptr == "" {
		return v, true
	}
	if !strings.HasPrefix(ptr, "/") {
		return nil, false
	}
	for _, tok := range Tokens(ptr) {
		switch node := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = node[tok]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(node) {
				return nil, false
			}
			v = node[i]
		default:
			return nil, false
		}
	}
	return v, true
}
