package tmpl

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// stringNode is a string with placeholders: literal text and expressions in
// turn. A string that is one placeholder renders to the value itself.
type stringNode struct {
	parts []part
}

type part struct {
	text string
	expr *expr // nil for literal text
}

func compileString(s string) (node, error) {
	if !strings.Contains(s, "{{") {
		return literal{s}, nil
	}
	var parts []part
	rest := s
	for {
		i := strings.Index(rest, "{{")
		if i < 0 {
			if rest != "" {
				parts = append(parts, part{text: rest})
			}
			break
		}
		if i > 0 {
			parts = append(parts, part{text: rest[:i]})
		}
		j := strings.Index(rest[i:], "}}")
		if j < 0 {
			return nil, fmt.Errorf("%q: {{ without }}", s)
		}
		for i+j+2 < len(rest) && rest[i+j+2] == '}' { // "{{x ?? {}}}" ends at the last pair
			j++
		}
		e, err := parseExpr(rest[i+2 : i+j])
		if err != nil {
			return nil, fmt.Errorf("%q: %w", s, err)
		}
		parts = append(parts, part{expr: e})
		rest = rest[i+j+2:]
	}
	return stringNode{parts}, nil
}

func (n stringNode) render(s Scope) (any, error) {
	if len(n.parts) == 1 && n.parts[0].expr != nil {
		v, _, err := n.parts[0].expr.eval(s)
		return v, err
	}
	var sb strings.Builder
	for _, p := range n.parts {
		if p.expr == nil {
			sb.WriteString(p.text)
			continue
		}
		v, _, err := p.expr.eval(s)
		if err != nil {
			return nil, err
		}
		sb.WriteString(Text(v))
	}
	return sb.String(), nil
}

// expr is `term ?? term ?? ... [| filter]...`: the first term that is
// defined, passed through the filters: string (as text), number (text that
// is a number as a number), optional (undefined leaves the key out).
type expr struct {
	terms   []term
	filters []string
}

var knownFilters = []string{"string", "number", "optional"}

type term struct {
	name    string // a name with its path, or a function's name
	call    bool
	args    []term // constants or names
	literal any
	isConst bool
}

func (e *expr) eval(s Scope) (any, bool, error) {
	for _, t := range e.terms {
		var v any
		var ok bool
		var err error
		switch {
		case t.isConst:
			v, ok = t.literal, true
		case t.call:
			args := make([]any, len(t.args))
			for i, a := range t.args {
				if a.isConst {
					args[i] = a.literal
				} else {
					args[i], _ = s.Lookup(a.name)
				}
			}
			v, ok, err = s.Call(t.name, args)
		default:
			v, ok = s.Lookup(t.name)
		}
		if err != nil {
			return nil, false, err
		}
		if ok && v != nil {
			for _, f := range e.filters {
				switch f {
				case "string":
					v = Text(v)
				case "number":
					if n := json.Number(Text(v)); isNumber(n) {
						v = n
					}
				}
			}
			return v, true, nil
		}
	}
	if slices.Contains(e.filters, "optional") {
		return Omitted, false, nil
	}
	return nil, false, nil
}

func isNumber(n json.Number) bool {
	_, err := n.Float64()
	return err == nil && n != ""
}

func parseExpr(src string) (*expr, error) {
	e := &expr{}
	for i := lastOutsideQuotes(src, '|'); i >= 0; i = lastOutsideQuotes(src, '|') {
		filter := strings.TrimSpace(src[i+1:])
		if !slices.Contains(knownFilters, filter) {
			return nil, fmt.Errorf("unknown filter %q (known: %s)", filter, strings.Join(knownFilters, ", "))
		}
		e.filters, src = append([]string{filter}, e.filters...), src[:i]
	}
	for _, alt := range strings.Split(src, "??") {
		t, err := parseTerm(strings.TrimSpace(alt))
		if err != nil {
			return nil, err
		}
		e.terms = append(e.terms, t)
	}
	return e, nil
}

func parseTerm(src string) (term, error) {
	if src == "" {
		return term{}, fmt.Errorf("empty placeholder")
	}
	if c, ok, err := parseConst(src); ok || err != nil {
		return term{literal: c, isConst: true}, err
	}
	open := strings.IndexByte(src, '(')
	if open < 0 {
		if strings.ContainsAny(src, " ,()'\"") {
			return term{}, fmt.Errorf("%q is not a name", src)
		}
		return term{name: src}, nil
	}
	if !strings.HasSuffix(src, ")") {
		return term{}, fmt.Errorf("%q: a call ends with )", src)
	}
	t := term{name: strings.TrimSpace(src[:open]), call: true}
	inner := strings.TrimSpace(src[open+1 : len(src)-1])
	if inner == "" {
		return t, nil
	}
	for _, a := range splitArgs(inner) {
		arg, err := parseTerm(strings.TrimSpace(a))
		if err != nil {
			return term{}, err
		}
		if arg.call {
			return term{}, fmt.Errorf("%q: arguments are names, quoted strings or numbers", src)
		}
		t.args = append(t.args, arg)
	}
	return t, nil
}

// parseConst reads a quoted string ('x' or "x"), a number, true, false,
// null, [] or {}.
func parseConst(src string) (any, bool, error) {
	switch src {
	case "[]":
		return []any{}, true, nil
	case "{}":
		return map[string]any{}, true, nil
	case "true":
		return true, true, nil
	case "false":
		return false, true, nil
	case "null":
		return nil, true, nil
	}
	if len(src) >= 2 && (src[0] == '\'' || src[0] == '"') {
		if src[len(src)-1] != src[0] {
			return nil, false, fmt.Errorf("%s: unterminated string", src)
		}
		return src[1 : len(src)-1], true, nil
	}
	if src[0] == '-' || (src[0] >= '0' && src[0] <= '9') {
		n := json.Number(src)
		if _, err := n.Float64(); err != nil {
			return nil, false, fmt.Errorf("%s: not a number", src)
		}
		return n, true, nil
	}
	return nil, false, nil
}

// splitArgs splits on commas outside quotes.
func splitArgs(s string) []string {
	var out []string
	var quote byte
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == ',':
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// lastOutsideQuotes is the index of the last c outside quotes, or -1.
func lastOutsideQuotes(s string, c byte) int {
	at := -1
	var quote byte
	for i := 0; i < len(s); i++ {
		switch {
		case quote != 0:
			if s[i] == quote {
				quote = 0
			}
		case s[i] == '\'' || s[i] == '"':
			quote = s[i]
		case s[i] == c:
			at = i
		}
	}
	return at
}
