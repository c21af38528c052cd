package mockserver

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/chatmock/chatmock/internal/envelope"
)

// What the journal keeps of each part of an exchange is clipped to a bound
// and copied out of anything larger, so that an entry pins only the bytes
// its cost counts.

// Costs the journal counts beyond the bytes of what it keeps.
const (
	keptOverhead    = 512 // an entry: its structs, times, pointers
	valueOverhead   = 32  // a header or query value: its string and slice headers
	failureOverhead = 128 // a failure's view
	// maxFailureText is how much of each string of a failure is kept: the
	// journal shows no failing value, but a validator's detail may quote one.
	maxFailureText = 1 << 10
)

// size is the entry's cost: every byte it holds, with fixed overheads.
func (k *kept) size() int64 {
	n := keptOverhead + len(k.method) + len(k.path) + len(k.uri) + cap(k.body) +
		len(k.rule) + len(k.scenario) + len(k.fault)
	n += valuesSize(k.header) + valuesSize(k.query)
	n += len(k.ans.mediaType) + cap(k.ans.body)
	for name, v := range k.ans.headers {
		n += valueOverhead + len(name) + len(v)
	}
	for _, f := range k.failures {
		n += failureOverhead + len(f.Class) + len(f.In) + len(f.Name) + len(f.Pointer) + len(f.Keyword) + len(f.Detail)
	}
	return int64(n)
}

func valuesSize(m map[string][]string) int {
	n := 0
	for name, vs := range m {
		for _, v := range vs {
			n += valueOverhead + len(name) + len(v)
		}
	}
	return n
}

// clipBody keeps at most maxJournalBody bytes of a body (and one more, to
// show it was clipped). A body that fits is kept as it is when its array
// is hardly larger than it, and copied otherwise, so the journal never
// pins a larger buffer than it counts.
func clipBody(b []byte) []byte {
	switch {
	case len(b) > maxJournalBody:
		return append([]byte(nil), b[:maxJournalBody+1]...)
	case cap(b)-len(b) > 64:
		return append([]byte(nil), b...)
	}
	return b
}

// clipAnswer is the answer, or a copy with its body clipped when the body
// is larger than the journal keeps.
func clipAnswer(ans *answer) *answer {
	if cap(ans.body) <= maxJournalBody {
		return ans
	}
	c := *ans
	c.body = clipBody(ans.body)
	return &c
}

// clipText keeps at most n bytes of s, copied out of a longer s.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.Clone(s[:n]) + "…"
}

// failureViews are the failures as the journal shows them: without their
// values, their strings clipped.
func failureViews(fs []envelope.Failure) []FailureView {
	if len(fs) == 0 {
		return nil
	}
	out := make([]FailureView, len(fs))
	for i, f := range fs {
		out[i] = FailureView{
			Class: f.Class, In: clipText(f.In, maxFailureText), Name: clipText(f.Name, maxFailureText),
			Pointer: clipText(f.Pointer, maxFailureText), Keyword: clipText(f.Keyword, maxFailureText),
			Detail: clipText(f.Detail, maxFailureText),
		}
	}
	return out
}

// clipURL is the request's path, URI and query as the journal keeps them:
// as they are when the URI fits in maxJournalBody bytes, else clipped
// copies (query values past the bound become "[clipped]").
func clipURL(ex *exchange) (path, uri string, query url.Values) {
	path, uri = ex.r.URL.Path, ex.r.URL.RequestURI()
	if len(uri) <= maxJournalBody {
		return path, uri, ex.req.Query
	}
	query = url.Values{}
	n := 0
	for name, vs := range ex.req.Query {
		name := clipText(name, maxFailureText)
		for _, v := range vs {
			if n += len(name) + len(v); n > maxJournalBody {
				v = "[clipped]"
			}
			query[name] = append(query[name], strings.Clone(v))
		}
	}
	return clipText(path, maxJournalBody), clipText(uri, maxJournalBody), query
}

// clippedURL tells whether the entry's URI was clipped.
func (k *kept) clippedURL() bool { return len(k.uri) > maxJournalBody }

// clipHeader keeps the request's headers, or a copy holding at most
// maxJournalBody bytes of them when they are larger.
func clipHeader(h http.Header) http.Header {
	n := 0
	for k, vs := range h {
		for _, v := range vs {
			n += len(k) + len(v)
		}
	}
	if n <= maxJournalBody {
		return h
	}
	out := http.Header{}
	n = 0
	for k, vs := range h {
		for _, v := range vs {
			if n += len(k) + len(v); n > maxJournalBody {
				out[k] = append(out[k], "[clipped]")
				continue
			}
			out[k] = append(out[k], v)
		}
	}
	return out
}

func clip(b []byte) string {
	if len(b) > maxJournalBody {
		return string(b[:maxJournalBody]) + "…"
	}
	return string(b)
}
