package mockserver

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/chatmock/chatmock/envelope"
)

// maxJournalBody is how much of each body the journal keeps.
const maxJournalBody = 64 << 10

// Journal keeps the last exchanges, bounded, safe for concurrent use.
type Journal struct {
	mu      sync.Mutex
	entries []*Entry // a ring of cap entries
	next    int
	full    bool
	seq     int64
}

// Entry is one recorded exchange.
type Entry struct {
	ID              int64               `json:"id"`
	Time            time.Time           `json:"time"`
	API             string              `json:"api,omitempty"`
	Operation       string              `json:"operation,omitempty"`
	Method          string              `json:"method"`
	Path            string              `json:"path"`
	URL             string              `json:"url"`
	RequestHeaders  map[string][]string `json:"requestHeaders"`
	RequestBody     string              `json:"requestBody"`
	Status          int                 `json:"status"`
	ResponseHeaders map[string][]string `json:"responseHeaders"`
	ResponseBody    string              `json:"responseBody"`
	Valid           bool                `json:"valid"`
	Rule            string              `json:"rule,omitempty"`
	Scenario        string              `json:"scenario,omitempty"`
	Fault           string              `json:"fault,omitempty"`
	Failures        []FailureView       `json:"failures"`
	Took            time.Duration       `json:"tookNs"`
}

// FailureView is a validation failure as the journal shows it.
type FailureView struct {
	Class   envelope.Class `json:"class"`
	In      string         `json:"in,omitempty"`
	Name    string         `json:"name,omitempty"`
	Pointer string         `json:"pointer,omitempty"`
	Keyword string         `json:"keyword,omitempty"`
	Detail  string         `json:"detail"`
}

// NewJournal keeps the last size exchanges.
func NewJournal(size int) *Journal {
	return &Journal{entries: make([]*Entry, max(size, 0))}
}

func (j *Journal) record(ex *exchange, ans *answer, took time.Duration) *Entry {
	e := &Entry{
		Time:            time.Now().UTC(),
		Method:          ex.r.Method,
		Path:            ex.r.URL.Path,
		URL:             redactQuery(ex),
		RequestHeaders:  redact(ex.r.Header),
		RequestBody:     clip(ex.body),
		Status:          ans.status,
		ResponseHeaders: map[string][]string{},
		ResponseBody:    clip(ans.body),
		Valid:           len(ex.failures) == 0,
		Rule:            ex.rule,
		Scenario:        ex.scenario,
		Fault:           ex.fault,
		Failures:        []FailureView{},
		Took:            took,
	}
	if ex.rt != nil {
		e.API, e.Operation = ex.rt.op.Doc.API, ex.rt.op.ID
	}
	if ans.mediaType != "" {
		e.ResponseHeaders["Content-Type"] = []string{ans.mediaType}
	}
	for k, v := range ans.headers {
		e.ResponseHeaders[k] = []string{v}
	}
	for _, f := range ex.failures {
		e.Failures = append(e.Failures, FailureView{f.Class, f.In, f.Name, f.Pointer, f.Keyword, f.Detail})
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.seq++
	e.ID = j.seq
	if len(j.entries) == 0 {
		return e
	}
	j.entries[j.next] = e
	j.next = (j.next + 1) % len(j.entries)
	j.full = j.full || j.next == 0
	return e
}

// Entries returns the recorded exchanges, oldest first.
func (j *Journal) Entries() []*Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	if !j.full {
		return append([]*Entry(nil), j.entries[:j.next]...)
	}
	return append(append([]*Entry(nil), j.entries[j.next:]...), j.entries[:j.next]...)
}

// Reset empties the journal.
func (j *Journal) Reset() {
	j.mu.Lock()
	defer j.mu.Unlock()
	clear(j.entries)
	j.next, j.full = 0, false
}

// redactQuery hides the values of query parameters that carry credentials
// (apiKey security schemes in the query, such as Tencent's usersig).
func redactQuery(ex *exchange) string {
	if ex.rt == nil || ex.r.URL.RawQuery == "" {
		return ex.r.URL.RequestURI()
	}
	q := url.Values{}
	for k, v := range ex.query {
		q[k] = v // a copy: the values set below must not reach the exchange
	}
	changed := false
	for _, req := range ex.rt.op.Security {
		for _, sch := range req {
			if sch.Type == "apiKey" && sch.In == "query" && q.Has(sch.Param) {
				q.Set(sch.Param, "[redacted]")
				changed = true
			}
		}
	}
	if !changed {
		return ex.r.URL.RequestURI()
	}
	return ex.r.URL.Path + "?" + q.Encode()
}

func clip(b []byte) string {
	if len(b) > maxJournalBody {
		return string(b[:maxJournalBody]) + "…"
	}
	return string(b)
}

// redact keeps the scheme of credentials and hides the rest.
func redact(h http.Header) map[string][]string {
	out := make(map[string][]string, len(h))
	for k, v := range h {
		if strings.EqualFold(k, "Authorization") || strings.EqualFold(k, "Cookie") {
			red := make([]string, len(v))
			for i, s := range v {
				scheme, _, _ := strings.Cut(s, " ")
				red[i] = scheme + " [redacted]"
			}
			out[k] = red
			continue
		}
		out[k] = v
	}
	return out
}
