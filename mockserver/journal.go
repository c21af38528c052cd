package mockserver

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/chatmock/chatmock/internal/envelope"
)

// maxJournalBody is how much of each body, of the request's headers, of
// its query and of its path the journal keeps.
const maxJournalBody = 64 << 10

// Journal keeps the last exchanges, bounded in number and in bytes, safe
// for concurrent use.
//
// Recording is on every request's path, so it keeps what the exchange
// already holds (the request's headers and body, the answer) without
// copying, unless a part is larger than the journal keeps of it; redaction
// and the JSON view are made when the journal is read. Neither the request
// nor the answer may change after it is recorded.
type Journal struct {
	mu       sync.Mutex
	entries  []*kept // a ring of cap entries: n of them from head on
	head     int
	n        int
	bytes    int64 // the cost of the entries held
	maxBytes int64 // <= 0: bounded by the count only
	seq      int64
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
	failures []FailureView
	took     time.Duration
	cost     int64 // bytes the entry holds, as the journal's bound counts them
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

// NewJournal keeps the last size exchanges, as many of them as fit in
// maxBytes (<= 0: no bound in bytes).
func NewJournal(size int, maxBytes int64) *Journal {
	return &Journal{entries: make([]*kept, max(size, 0)), maxBytes: maxBytes}
}

// record keeps an exchange, dropping the oldest entries to stay within the
// journal's bounds.
func (j *Journal) record(ex *exchange, ans *answer, took time.Duration) {
	k := &kept{
		time: time.Now().UTC(), rt: ex.rt, method: ex.r.Method, header: clipHeader(ex.r.Header), body: clipBody(ex.body),
		ans: clipAnswer(ans), rule: ex.rule, scenario: ex.scenario, fault: ex.fault, failures: failureViews(ex.failures), took: took,
	}
	k.path, k.uri, k.query = clipURL(ex)
	k.cost = k.size()
	j.mu.Lock()
	defer j.mu.Unlock()
	j.seq++
	k.id = j.seq
	if len(j.entries) == 0 || j.maxBytes > 0 && k.cost > j.maxBytes {
		return
	}
	for j.n == len(j.entries) || j.maxBytes > 0 && j.bytes+k.cost > j.maxBytes {
		j.drop()
	}
	j.entries[(j.head+j.n)%len(j.entries)] = k
	j.n++
	j.bytes += k.cost
}

// drop forgets the oldest entry.
func (j *Journal) drop() {
	j.bytes -= j.entries[j.head].cost
	j.entries[j.head] = nil
	j.head = (j.head + 1) % len(j.entries)
	j.n--
}

// held is what the journal holds: entries, and their cost in bytes.
func (j *Journal) held() (int, int64) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.n, j.bytes
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
	e.Failures = append(e.Failures, k.failures...)
	return e
}

// Entries returns the recorded exchanges, oldest first.
func (j *Journal) Entries() []*Entry { return j.After(0) }

// After returns the exchanges recorded after the entry with this id, oldest
// first. Only those are rendered, so polling for new entries costs what is
// new, not the whole journal.
func (j *Journal) After(id int64) []*Entry {
	j.mu.Lock()
	list := make([]*kept, j.n)
	for i := range list {
		list[i] = j.entries[(j.head+i)%len(j.entries)]
	}
	j.mu.Unlock()
	// ids count up in ring order.
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
	j.head, j.n, j.bytes = 0, 0, 0
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
	if !changed && !k.clippedURL() {
		return k.uri
	}
	return k.path + "?" + q.Encode()
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
