package spec

import (
	"encoding/json"
	"strings"

	"github.com/chatmock/chatmock/internal/codec/jsonbody"
)

// isInteger tells whether t is -?[0-9]+.
func isInteger(t string) bool {
	t = strings.TrimPrefix(t, "-")
	return t != "" && digits(t) == len(t)
}

// isNumber tells whether t is -?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?.
func isNumber(t string) bool {
	t = strings.TrimPrefix(t, "-")
	n := digits(t)
	if n == 0 {
		return false
	}
	t = t[n:]
	if rest, ok := strings.CutPrefix(t, "."); ok {
		if n = digits(rest); n == 0 {
			return false
		}
		t = rest[n:]
	}
	if len(t) > 0 && (t[0] == 'e' || t[0] == 'E') {
		t = t[1:]
		if len(t) > 0 && (t[0] == '+' || t[0] == '-') {
			t = t[1:]
		}
		if n = digits(t); n == 0 {
			return false
		}
		t = t[n:]
	}
	return t == ""
}

// digits counts the ASCII digits t starts with.
func digits(t string) int {
	i := 0
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	return i
}

// TextValue is a parameter's or header's text as the JSON value its
// schema's types read it as: a number, a boolean, else the text.
func TextValue(t string, types []string) any {
	for _, typ := range types {
		switch typ {
		case "integer":
			if isInteger(t) && jsonbody.NumberInRange(t) {
				return json.Number(t)
			}
		case "number":
			if isNumber(t) && jsonbody.NumberInRange(t) {
				return json.Number(t)
			}
		case "boolean":
			if t == "true" || t == "false" {
				return t == "true"
			}
		case "string":
			return t
		}
	}
	return t
}
