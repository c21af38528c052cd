package tmpl

import (
	"encoding/json"
	"strconv"
	"strings"
)

// gjsonSyntax are the bytes that make a gjson path more than keys and
// indexes.
var gjsonSyntax = func() (t [256]bool) {
	for _, c := range []byte("*?@|!()=<>{}[]\\\"`") {
		t[c] = true
	}
	return t
}()

// walkPath reads a gjson path of the simplest kind — keys and array
// indexes joined by dots, perhaps ending in "#" (an array's length) —
// in a decoded JSON value (map[string]any, []any, json.Number, string,
// bool, nil: what the body decoders give), without encoding it for gjson.
// simple is false for any other path (wildcards, queries, modifiers,
// escapes, "#." projections), which gjson reads instead; found and the
// value are then meaningless. What it finds is what gjson finds in the
// value's JSON text; an object or array is v's own, not a copy.
func walkPath(v any, path string) (value any, found, simple bool) {
	if path == "" {
		return nil, false, false
	}
	for i := 0; i < len(path); i++ {
		if gjsonSyntax[path[i]] {
			return nil, false, false
		}
	}
	cur := v
	for seg := range strings.SplitSeq(path, ".") {
		if seg == "" {
			return nil, false, false
		}
		if seg == "#" {
			arr, ok := cur.([]any)
			if !ok || !strings.HasSuffix(path, "#") || strings.Count(path, "#") != 1 {
				return nil, false, false // "#" on an object, or a projection: gjson's
			}
			return json.Number(strconv.Itoa(len(arr))), true, true
		}
		if strings.Contains(seg, "#") {
			return nil, false, false
		}
		switch x := cur.(type) {
		case map[string]any:
			next, ok := x[seg]
			if !ok {
				return nil, false, true
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || seg[0] == '+' || (len(seg) > 1 && seg[0] == '0') {
				return nil, false, false // gjson's reading of such a key on an array is its own
			}
			if i >= len(x) {
				return nil, false, true
			}
			cur = x[i]
		default:
			return nil, false, false // a scalar's members are gjson's to say (it finds some in text)
		}
	}
	return cur, true, true
}
