package envelope

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/chatmock/chatmock/internal/tmpl"
)

// Failure is one thing wrong with a request.
type Failure struct {
	Class    Class
	In       string // "query", "header", "path", "cookie" for parameters and security
	Name     string // the parameter or security scheme
	Pointer  string // JSON pointer into the body; a missing property's own pointer
	Keyword  string // the failing schema keyword ("required", "x-max-bytes", ...)
	Value    any    // the value sent, when HasValue
	HasValue bool
	Detail   string // the validator's or the parser's own words
	Limit    any    // the keyword's limit, if it has one (maxItems: 100)
	Want     any    // what was expected (a type, the enum values)
}

// Request is what an answer may quote of the request.
type Request struct {
	Method      string
	URL         string // path and query as sent
	Path        string
	ContentType string
	Accept      string
}

// Tokens splits the failure's pointer into its unescaped tokens.
func (f *Failure) Tokens() []string {
	if f.Pointer == "" || f.Pointer == "/" {
		return nil
	}
	toks := strings.Split(strings.TrimPrefix(f.Pointer, "/"), "/")
	for i, t := range toks {
		toks[i] = strings.NewReplacer("~1", "/", "~0", "~").Replace(t)
	}
	return toks
}

// Field is the last name of the pointer (array indexes skipped), or the
// parameter's name.
func (f *Failure) Field() string {
	toks := f.Tokens()
	for i := len(toks) - 1; i >= 0; i-- {
		if _, err := strconv.Atoi(toks[i]); err != nil {
			return toks[i]
		}
	}
	return f.Name
}

// Path is the pointer as a dotted path with indexes in brackets
// (members[0].date), or the parameter's name.
func (f *Failure) Path() string {
	toks := f.Tokens()
	if len(toks) == 0 {
		return f.Name
	}
	var sb strings.Builder
	for _, t := range toks {
		if _, err := strconv.Atoi(t); err == nil {
			sb.WriteString("[" + t + "]")
			continue
		}
		if sb.Len() > 0 {
			sb.WriteByte('.')
		}
		sb.WriteString(t)
	}
	return sb.String()
}

// failureScope renders templates for one failure.
type failureScope struct {
	f     *Failure
	req   *Request
	texts map[string]map[string]*tmpl.Template
	items []tmpl.Scope
	depth int
}

func (s *failureScope) Items() []tmpl.Scope { return s.items }

func (s *failureScope) Call(string, []any) (any, bool, error) { return nil, false, nil }

func (s *failureScope) Lookup(name string) (any, bool) {
	f := s.f
	switch name {
	case "class":
		return string(f.Class), true
	case "in":
		return f.In, true
	case "name":
		return f.Name, true
	case "pointer":
		return f.Pointer, true
	case "keyword":
		return f.Keyword, true
	case "value":
		if big, ok := bigValue(f.Value); ok {
			return big, f.HasValue // echoed as clipped text, not 100,000 items
		}
		return f.Value, f.HasValue
	case "text":
		if !f.HasValue {
			return "", true
		}
		return valueText(f.Value), true
	case "quoted":
		return quoted(f), true
	case "detail":
		return f.Detail, true
	case "limit":
		return f.Limit, f.Limit != nil
	case "want":
		return f.Want, f.Want != nil
	case "field":
		return f.Field(), true
	case "path":
		return f.Path(), true
	case "subpath":
		p := f.Path()
		if p == "" || strings.HasPrefix(p, "[") {
			return p, true
		}
		return "." + p, true
	case "bracketpath":
		toks := f.Tokens()
		if len(toks) == 0 {
			return f.Name, true
		}
		var sb strings.Builder
		sb.WriteString(toks[0])
		for _, t := range toks[1:] {
			if _, err := strconv.Atoi(t); err == nil {
				continue // apipie names nested array members without their index
			}
			sb.WriteString("[" + t + "]")
		}
		return sb.String(), true
	case "method":
		return s.req.Method, true
	case "url":
		return s.req.URL, true
	case "contentType":
		return s.req.ContentType, true
	case "mediaType": // the Content-Type without its parameters
		mt, _, _ := strings.Cut(s.req.ContentType, ";")
		return strings.TrimSpace(mt), true
	case "accept":
		return s.req.Accept, true
	}
	return s.text(name)
}

// text renders the named text for the failure's keyword, else its class,
// else the name's default.
func (s *failureScope) text(name string) (any, bool) {
	byKey, ok := s.texts[name]
	if !ok || s.depth > 2 {
		return nil, false
	}
	for _, k := range []string{s.f.Keyword, string(s.f.Class), "default"} {
		if t, ok := byKey[k]; ok && k != "" {
			inner := *s
			inner.depth++
			v, err := t.Render(&inner)
			if err != nil {
				return nil, false
			}
			return v, true
		}
	}
	return nil, false
}

// maxValueText is how much of a value an error message quotes: a body of
// 100,000 items is not repeated in full inside a sentence.
const maxValueText = 256

// clipText keeps the first maxValueText bytes of t (whole characters) and
// marks the cut with "…".
func clipText(t string) string {
	if len(t) <= maxValueText {
		return t
	}
	cut := maxValueText
	for cut > 0 && !utf8.RuneStart(t[cut]) {
		cut--
	}
	return t[:cut] + "…"
}

// bigValue is an array or object value with more than maxValueItems
// members, as clipped text.
func bigValue(v any) (string, bool) {
	switch x := v.(type) {
	case []any:
		if len(x) > maxValueItems {
			return clipText(tmpl.Text(x[:maxValueItems+1])), true
		}
	case map[string]any:
		if len(x) > maxValueItems {
			return clipText(tmpl.Text(x)), true
		}
	}
	return "", false
}

// maxValueItems is how many members an echoed array or object may have.
const maxValueItems = 64

// valueText is a value as an error text quotes it: at most maxValueItems
// members and maxValueText bytes.
func valueText(v any) string {
	if big, ok := bigValue(v); ok {
		return big
	}
	return clipText(tmpl.Text(v))
}

// quoted is the value as a JSON literal (strings in quotes), "" when absent.
func quoted(f *Failure) string {
	if !f.HasValue {
		return ""
	}
	switch v := f.Value.(type) {
	case string:
		return clipText(strconv.Quote(v))
	case nil:
		return "null"
	}
	return valueText(f.Value)
}
