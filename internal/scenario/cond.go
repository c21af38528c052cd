package scenario

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/chatmock/chatmock/internal/tmpl"
)

// Request is what conditions read of a request: body gjson paths, query
// parameter names and header names.
type Request interface {
	Get(source, path string) (any, bool)
}

var (
	condSources = []string{"body", "query", "header"}
	condTests   = []string{"exists", "equals", "matches"}
)

// cond is one compiled condition on the request. Every test it names must
// hold.
type cond struct {
	source, path string
	exists       *bool
	equals       any
	hasEquals    bool
	matches      *regexp.Regexp
}

func compileCond(m map[string]any, field string) (cond, error) {
	var c cond
	for k := range m {
		if !slices.Contains(condSources, k) && !slices.Contains(condTests, k) {
			return c, bad(field+"."+k, "unknown key %q (a condition takes one of %s, and %s)", k, strings.Join(condSources, ", "), strings.Join(condTests, ", "))
		}
	}
	n := 0
	for _, src := range condSources {
		v, ok := m[src]
		if !ok {
			continue
		}
		p, isString := v.(string)
		if !isString || p == "" {
			return c, bad(field+"."+src, "want the %s path as a non-empty string", src)
		}
		c.source, c.path = src, p
		n++
	}
	if n != 1 {
		return c, bad(field, "a condition names one of %s", strings.Join(condSources, ", "))
	}
	if v, ok := m["exists"]; ok {
		b, isBool := v.(bool)
		if !isBool {
			return c, bad(field+".exists", "want true or false")
		}
		c.exists = &b
	}
	if v, ok := m["equals"]; ok {
		switch v.(type) {
		case map[string]any, []any:
			return c, bad(field+".equals", "compare with a string, number, boolean or null")
		}
		c.equals, c.hasEquals = v, true
	}
	if v, ok := m["matches"]; ok {
		s, isString := v.(string)
		if !isString {
			return c, bad(field+".matches", "want a regular expression as a string")
		}
		re, err := regexp.Compile(s)
		if err != nil {
			return c, bad(field+".matches", "not a regular expression: %v", err)
		}
		c.matches = re
	}
	if c.exists == nil && !c.hasEquals && c.matches == nil {
		return c, bad(field, "the condition on %s %q tests nothing (add exists, equals or matches)", c.source, c.path)
	}
	return c, nil
}

func (c *cond) holds(req Request) bool {
	v, ok := req.Get(c.source, c.path)
	if c.exists != nil && ok != *c.exists {
		return false
	}
	if c.hasEquals && (!ok || !same(v, c.equals)) {
		return false
	}
	if c.matches != nil {
		s, isString := v.(string)
		if !ok || !isString || !c.matches.MatchString(s) {
			return false
		}
	}
	return true
}

// same compares as text, and numbers as numbers (1 equals 1.0).
func same(v, w any) bool {
	a, b := tmpl.Text(v), tmpl.Text(w)
	if a == b {
		return true
	}
	_, vs := v.(string)
	_, ws := w.(string)
	if vs || ws {
		return false
	}
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(b, 64)
	return err1 == nil && err2 == nil && x == y
}
