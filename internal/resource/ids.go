package resource

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"time"

	"github.com/chatmock/chatmock/internal/schema/schemagen"
	"github.com/chatmock/chatmock/internal/tmpl"
)

// exampleID is the id of the resource's documented create answer (or its
// schema's example), for new ids of the same shape.
func (r *Resource) exampleID() any {
	if r.idSchema != nil {
		if ex, ok := r.idSchema["example"]; ok {
			return ex
		}
		if exs, ok := r.idSchema["examples"].([]any); ok && len(exs) > 0 {
			return exs[0]
		}
	}
	create := r.Find(Create)
	if create == nil || create.answer == nil || r.IDField == "" {
		return nil
	}
	for _, e := range create.answer.Examples {
		if !e.HasValue || e.Breaks != "" {
			continue
		}
		obj, _ := at(e.Value, create.Object).(map[string]any)
		if v, ok := obj[r.IDField]; ok && v != nil {
			return v
		}
	}
	return nil
}

// maxIDTries bounds how often a new id is drawn when the one drawn is
// taken.
const maxIDTries = 64

// NewID draws an id for a new record that taken does not know: integers
// count up from n (the records ever made, plus one), a uuid, a string matching
// the id's pattern, or one of the documented example's shape.
func (r *Resource) NewID(rnd *rand.Rand, n int, taken func(key string) bool) (any, error) {
	kind := ""
	if r.idSchema != nil {
		if ts := (reader{}).types(r.idSchema); len(ts) > 0 {
			kind = ts[0]
			for _, t := range ts {
				if t == "integer" || t == "number" {
					kind = t
				}
			}
		}
	}
	if kind == "" {
		switch r.example.(type) {
		case json.Number, float64, int64:
			kind = "integer"
		default:
			kind = "string"
		}
	}
	for try := 0; try < maxIDTries; try++ {
		var id any
		switch kind {
		case "integer", "number":
			id = int64(n + try)
		default:
			s, err := r.newString(rnd)
			if err != nil {
				return nil, err
			}
			id = s
		}
		if !taken(tmpl.Text(id)) {
			return id, nil
		}
	}
	return nil, fmt.Errorf("%s: no free id after %d tries", r.Name, maxIDTries)
}

// newString is a string id: a uuid for format uuid, one the pattern
// matches, else one shaped like the example (letters for letters, digits
// for digits, the rest kept), else 24 hexadecimal digits.
func (r *Resource) newString(rnd *rand.Rand) (string, error) {
	s := r.idSchema
	format, _ := s["format"].(string)
	pattern, _ := s["pattern"].(string)
	switch {
	case r.digits:
		b := make([]byte, 9)
		for i := range b {
			b[i] = byte('0' + rnd.IntN(10))
		}
		b[0] = byte('1' + rnd.IntN(9))
		return string(b), nil
	case format == "uuid":
		return uuid(rnd), nil
	case pattern != "":
		v, err := schemagen.New(nil, rnd, time.Now).Generate(map[string]any{"type": "string", "pattern": pattern,
			"minLength": s["minLength"], "maxLength": s["maxLength"]})
		if err != nil {
			return "", err
		}
		str, _ := v.(string)
		if re, err := schemagen.Pattern(pattern); err == nil && !re.MatchString(str) {
			return "", fmt.Errorf("%s: no id matches the pattern %q", r.Name, pattern)
		}
		return str, nil
	}
	if ex, ok := r.example.(string); ok && idLike.MatchString(ex) {
		return shaped(ex, rnd), nil
	}
	const hex = "0123456789abcdef"
	b := make([]byte, 24)
	for i := range b {
		b[i] = hex[rnd.IntN(len(hex))]
	}
	return string(b), nil
}

// idLike is an example id worth imitating: letters, digits and a few
// separators, not a placeholder such as {roomId}.
var idLike = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{3,127}$`)

// shaped is a string like ex: each letter a random letter of the same
// case (hexadecimal where ex's letters all are), each digit a digit, the
// rest kept; a leading run of upper-case letters (a type prefix such as
// Twilio's CH) is kept too.
func shaped(ex string, rnd *rand.Rand) string {
	prefix := 0
	for prefix < len(ex) && ex[prefix] >= 'A' && ex[prefix] <= 'Z' && prefix < 4 {
		prefix++
	}
	if prefix == len(ex) {
		prefix = 0
	}
	hexOnly := strings.IndexFunc(ex[prefix:], func(c rune) bool {
		return c >= 'g' && c <= 'z' || c >= 'G' && c <= 'Z'
	}) < 0
	b := []byte(ex)
	for i := prefix; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= '0' && c <= '9':
			b[i] = byte('0' + rnd.IntN(10))
		case c >= 'a' && c <= 'z' && hexOnly:
			b[i] = "0123456789abcdef"[rnd.IntN(16)]
		case c >= 'A' && c <= 'Z' && hexOnly:
			b[i] = "0123456789ABCDEF"[rnd.IntN(16)]
		case c >= 'a' && c <= 'z':
			b[i] = byte('a' + rnd.IntN(26))
		case c >= 'A' && c <= 'Z':
			b[i] = byte('A' + rnd.IntN(26))
		}
	}
	return string(b)
}

func uuid(rnd *rand.Rand) string {
	var b [16]byte
	for i := range b {
		b[i] = byte(rnd.UintN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := fmt.Sprintf("%x", b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
