package spec

import (
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// dateTime is dateTimeFormat, made once.
var dateTime = sync.OnceValues(dateTimeFormat)

// dateTimeFormat is JSON Schema's date-time format with a fast accept in
// front of jsonschema's own check: a value of the usual shape
// (2025-12-06T04:31:11.4441398+00:00, 2026-01-01T00:00:00Z) whose fields
// are in range is valid by that check too; any other value, a leap second
// included, is left to it, so the two never disagree.
func dateTimeFormat() (*jsonschema.Format, error) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("date-time.json", map[string]any{"format": "date-time"}); err != nil {
		return nil, err
	}
	s, err := c.Compile("date-time.json")
	if err != nil {
		return nil, err
	}
	slow := s.Format.Validate
	return &jsonschema.Format{Name: "date-time", Validate: func(v any) error {
		if t, ok := v.(string); ok && plainDateTime(t) {
			return nil
		}
		return slow(v)
	}}, nil
}

// plainDateTime tells whether s is YYYY-MM-DDTHH:MM:SS, an optional
// fraction of digits, then Z or ±HH:MM, every field in range and the
// second below 60.
func plainDateTime(s string) bool {
	if len(s) < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':' {
		return false
	}
	year, ok1 := digitsAt(s, 0, 4)
	month, ok2 := digitsAt(s, 5, 2)
	day, ok3 := digitsAt(s, 8, 2)
	hour, ok4 := digitsAt(s, 11, 2)
	minute, ok5 := digitsAt(s, 14, 2)
	second, ok6 := digitsAt(s, 17, 2)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 ||
		month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour > 23 || minute > 59 || second > 59 {
		return false
	}
	rest := s[19:]
	if frac, ok := strings.CutPrefix(rest, "."); ok {
		n := 0
		for n < len(frac) && frac[n] >= '0' && frac[n] <= '9' {
			n++
		}
		if n == 0 {
			return false
		}
		rest = frac[n:]
	}
	if rest == "Z" || rest == "z" {
		return true
	}
	if len(rest) != 6 || (rest[0] != '+' && rest[0] != '-') || rest[3] != ':' {
		return false
	}
	zh, ok1 := digitsAt(rest, 1, 2)
	zm, ok2 := digitsAt(rest, 4, 2)
	return ok1 && ok2 && zh <= 23 && zm <= 59
}

// digitsAt is the number the n ASCII digits of s at i spell.
func digitsAt(s string, i, n int) (int, bool) {
	v := 0
	for _, c := range []byte(s[i : i+n]) {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// daysIn is the number of days of a month of the proleptic Gregorian
// calendar, as time.Parse counts them.
func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
