package mockserver

import (
	"mime"
	"slices"
	"strconv"
	"strings"
)

// negotiate picks the offer the Accept header likes best; an empty Accept
// takes the first offer. ok is false when Accept allows none.
func negotiate(accept string, offers []string) (string, bool) {
	if len(offers) == 0 {
		return "", false
	}
	if strings.TrimSpace(accept) == "" {
		return offers[0], true
	}
	type want struct {
		typ string
		q   float64
		pos int
	}
	var wants []want
	for i, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if qs, ok := params["q"]; ok {
			if v, err := strconv.ParseFloat(qs, 64); err == nil {
				q = v
			}
		}
		if q > 0 {
			wants = append(wants, want{mt, q, i})
		}
	}
	slices.SortStableFunc(wants, func(a, b want) int {
		switch {
		case a.q > b.q:
			return -1
		case a.q < b.q:
			return 1
		}
		return 0
	})
	for _, w := range wants {
		for _, o := range offers {
			if mediaMatch(w.typ, o) {
				return o, true
			}
		}
	}
	return "", false
}

func mediaMatch(pattern, offer string) bool {
	if pattern == "*/*" || strings.EqualFold(pattern, offer) {
		return true
	}
	if p, ok := strings.CutSuffix(pattern, "/*"); ok {
		return strings.HasPrefix(strings.ToLower(offer), strings.ToLower(p)+"/")
	}
	return false
}
