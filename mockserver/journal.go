package mockserver

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/chatmock/chatmock/envelope"
)

// maxJournalBody is how much of each body the journal keeps.
const maxJournalBody = 64 << 10

// Journal keeps the last exchanges, bounded, safe for concurrent use.
//
// Recording is on every request's path, so it keeps what the exchange
// already holds (the request's headers and body, the answer) without
// copying; redaction and the JSON view are made when the journal is read.
// Neither the request nor the answer may change after it is recorded.
type Journal struct {
	mu      sync.Mutex
	entries []*kept // a ring of cap entries
	next    int
	full    bool
	seq     int64
}

// kept is one exchange as recorded.
type kept struct {
	id       int64
	time     time.Time
	rt       *route // nil for a path no operation has
	method   string
	path     string
	uri      string
	query    url.Values
	header   http.Header
	body     []byte
	ans      *answer
	rule     string
	scenario string
	fault    string
	failures []envelope.Failure
	took     time.Duration
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
	return &Journal{entries: make([]*kept, max(size, 0))}
}

// record keeps an exchange.
func (j *Journal) record(ex *exchange, ans *answer, took time.Duration) {
	k := &kept{
		time: time.Now().UTC(), rt: ex.rt, method: ex.r.Method, path: ex.r.URL.Path, uri: ex.r.URL.RequestURI(),
		query: ex.query, header: clipHeader(ex.r.Header), body: clipBody(ex.body), ans: ans,
		rule: ex.rule, scenario: ex.scenario, fault: ex.fault, failures: ex.failures, took: took,
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.seq++
	k.id = j.seq
	if len(j.entries) == 0 {
		return
	}
	j.entries[j.next] = k
	j.next = (j.next + 1) % len(j.entries)
	j.full = j.full || j.next == 0
}

// view is the entry as the admin API shows it: credentials redacted.
func (k *kept) view() *Entry {
	e := &Entry{
		ID:              k.id,
		Time:            k.time,
		Method:          k.method,
		Path:            k.path,
		URL:             redactQuery(k),
		RequestHeaders:  redact(k.header),
		RequestBody:     clip(k.body),
		Status:          k.ans.status,
		ResponseHeaders: map[string][]string{},
		ResponseBody:    clip(k.ans.body),
		Valid:           len(k.failures) == 0,
		Rule:            k.rule,
		Scenario:        k.scenario,
		Fault:           k.fault,
		Failures:        make([]FailureView, 0, len(k.failures)),
		Took:            k.took,
	}
	if k.rt != nil {
		e.API, e.Operation = k.rt.op.Doc.API, k.rt.op.ID
	}
	if k.ans.mediaType != "" {
		e.ResponseHeaders["Content-Type"] = []string{k.ans.mediaType}
	}
	for k, v := range k.ans.headers {
		e.ResponseHeaders[k] = []string{v}
	}
	for _, f := range k.failures {
		e.Failures = append(e.Failures, FailureView{f.Class, f.In, f.Name, f.Pointer, f.Keyword, f.Detail})
	}
	return e
}

// Entries returns the recorded exchanges, oldest first.
func (j *Journal) Entries() []*Entry { return j.After(0) }

// After returns the exchanges recorded after the entry with this id, oldest
// first. Only those are rendered, so polling for new entries costs what is
// new, not the whole journal.
func (j *Journal) After(id int64) []*Entry {
	j.mu.Lock()
	var list []*kept
	if !j.full {
		list = append(list, j.entries[:j.next]...)
	} else {
		list = append(append(list, j.entries[j.next:]...), j.entries[:j.next]...)
	}
	j.mu.Unlock()
	// ids count up in ring order, and Reset clears the ring from the front.
	list = list[sort.Search(len(list), func(i int) bool { return list[i].id > id }):]
	out := make([]*Entry, len(list))
	for i, k := range list {
		out[i] = k.view()
	}
	return out
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
func redactQuery(k *kept) string {
	if k.rt == nil || len(k.query) == 0 {
		return k.uri
	}
	q := url.Values{}
	for name, v := range k.query {
		q[name] = v // a copy: the values set below must not reach the exchange
	}
	changed := false
	for _, req := range k.rt.op.Security {
		for _, sch := range req {
			if sch.Type == "apiKey" && sch.In == "query" && q.Has(sch.Param) {
				q.Set(sch.Param, "[redacted]")
				changed = true
			}
		}
	}
	if !changed {
		return k.uri
	}
	return k.path + "?" + q.Encode()
}

// clipBody keeps at most maxJournalBody bytes of a body (and one more, to
// show it was clipped), copying only a body that is longer.
func clipBody(b []byte) []byte {
	if len(b) <= maxJournalBody {
		return b
	}
	return append([]byte(nil), b[:maxJournalBody+1]...)
}

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
