package spec

import (
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The fast accept never says valid where jsonschema's check says invalid,
// and takes the usual shapes.
func FuzzDateTimeAgrees(f *testing.F) {
	for _, s := range []string{"2025-12-06T04:31:11.4441398+00:00", "2026-01-01T00:00:00Z", "2024-02-29T23:59:59z",
		"2023-02-29T00:00:00Z", "1998-12-31T23:59:60Z", "2026-13-01T00:00:00Z", "2026-01-01T24:00:00Z",
		"2026-01-01T00:00:00+24:00", "2026-01-01T00:00:00.Z", "0000-02-29T00:00:00Z", "2026-01-01 00:00:00Z", "+026-01-01T00:00:00Z"} {
		f.Add(s)
	}
	format, err := dateTimeFormat()
	if err != nil {
		f.Fatal(err)
	}
	c := newTestCompiler(f)
	f.Fuzz(func(t *testing.T, s string) {
		slow := c(s)
		if plainDateTime(s) && slow != nil {
			t.Errorf("%q: the fast accept takes what jsonschema refuses: %v", s, slow)
		}
		if (format.Validate(s) == nil) != (slow == nil) {
			t.Errorf("%q: the format and jsonschema disagree", s)
		}
	})
	for _, s := range []string{"2025-12-06T04:31:11.4441398+00:00", "2026-01-01T00:00:00Z", "2024-02-29T23:59:59z"} {
		if !plainDateTime(s) {
			f.Errorf("%q: not taken by the fast accept", s)
		}
	}
}

// newTestCompiler is jsonschema's own date-time check, of a schema
// compiled without chatmock's formats.
func newTestCompiler(f *testing.F) func(string) error {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("dt.json", map[string]any{"format": "date-time"}); err != nil {
		f.Fatal(err)
	}
	s, err := c.Compile("dt.json")
	if err != nil {
		f.Fatal(err)
	}
	return func(v string) error { return s.Validate(v) }
}
