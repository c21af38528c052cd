package contracts

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// maxCurlBody is the largest body a curl command carries inline.
const maxCurlBody = 16 << 10

// Curl is a shell command that sends the request again: its method, URL,
// headers (as redacted as the Sent is) and body, each single-quoted.
func (s *Sent) Curl() string {
	q := func(v string) string { return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'" }
	var b strings.Builder
	b.WriteString("curl -sS -i -X " + s.Method + " " + q(s.URL))
	names := make([]string, 0, len(s.Header))
	for k := range s.Header {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		switch http.CanonicalHeaderKey(k) {
		case "Content-Length", "User-Agent", "Accept-Encoding", "Host":
			continue
		}
		for _, v := range s.Header[k] {
			b.WriteString(" -H " + q(k+": "+v))
		}
	}
	switch {
	case len(s.Body) > maxCurlBody:
		fmt.Fprintf(&b, " --data-binary @body  # the %d-byte body above", len(s.Body))
	case s.Body != "":
		b.WriteString(" --data-binary " + q(s.Body))
	}
	return b.String()
}
