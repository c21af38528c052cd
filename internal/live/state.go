package live

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chatmock/chatmock/internal/record"
	"github.com/chatmock/chatmock/internal/tmpl"
	"github.com/tidwall/gjson"
)

// State is what generated values draw on: counters and a random source,
// shared by all requests and safe for concurrent use. A seed makes every
// generated value repeatable.
type State struct {
	mu       sync.Mutex
	rnd      *rand.Rand
	counters map[string]int64
	now      func() time.Time
}

// NewState returns a state whose random source is seeded with seed when
// seeded is true, and from the runtime's entropy otherwise.
func NewState(seed uint64, seeded bool, now func() time.Time) *State {
	if !seeded {
		seed = rand.Uint64()
	}
	if now == nil {
		now = time.Now
	}
	return &State{rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), counters: map[string]int64{}, now: now}
}

func (s *State) next(name string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counters[name]++
	return s.counters[name]
}

func (s *State) random(prefix string, n int, alphabet string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var sb strings.Builder
	sb.WriteString(prefix)
	for range n {
		sb.WriteByte(alphabet[s.rnd.IntN(len(alphabet))])
	}
	return sb.String()
}

func (s *State) randomInt(lo, hi int64) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return lo + s.rnd.Int64N(hi-lo+1)
}

// Rand runs f with the state's random source held, for generators that
// need one.
func (s *State) Rand(f func(r *rand.Rand)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.rnd)
}

// Now is the state's clock.
func (s *State) Now() time.Time { return s.now() }

// Answer holds what one answer's templates see.
type Answer struct {
	State   *State
	Request Request
	BaseURL string
	User    string // from Basic credentials, if any
	Counter string // the default counter name: the API and operation
	ids     map[string]int64
	elems   []tmpl.Element // the array elements '#' stands for while setting
	at      time.Time      // the answer's one "now", taken on first use
	current any            // the value at the path being set

	// What the store gave the answer: one record (record.*), or items
	// that $each, $group and $join repeat over (key, found, record.*).
	Record *record.Record
	List   []Item
	// Body is the answer once rendered, for store templates (answer.*);
	// it is set once.
	Body any

	bodyJSON []byte // Body as JSON, made on first use
}

// Apply renders the entry over body (the example's value, or the request's
// when the entry says base: request) and returns the body and headers.
func (e *Entry) Apply(body any, a *Answer) (any, map[string]string, error) {
	body = tmpl.DeepCopy(body)
	for _, s := range e.Set {
		var err error
		body, err = tmpl.SetPath(body, s.Path, func(current any, at []tmpl.Element) (any, error) {
			a.elems, a.current = at, current
			v, present, err := s.T.RenderOptional(a)
			if !present {
				return tmpl.Omitted, err
			}
			return v, err
		})
		if err != nil {
			return nil, nil, fmt.Errorf("set %s: %w", s.Path, err)
		}
	}
	a.elems, a.current = nil, nil
	headers := make(map[string]string, len(e.Headers))
	for k, t := range e.Headers {
		v, err := t.RenderString(a)
		if err != nil {
			return nil, nil, fmt.Errorf("header %s: %w", k, err)
		}
		headers[k] = v
	}
	return body, headers, nil
}

// Items are the store items the answer lists.
func (a *Answer) Items() []tmpl.Scope {
	out := make([]tmpl.Scope, len(a.List))
	for i, it := range a.List {
		out[i] = &itemScope{a: a, item: it}
	}
	return out
}

// Lookup resolves names.
func (a *Answer) Lookup(name string) (any, bool) {
	switch name {
	case "baseURL":
		return a.BaseURL, true
	case "current":
		return a.current, a.current != nil
	case "auth.user":
		return a.User, a.User != ""
	case "index":
		if len(a.elems) == 0 {
			return nil, false
		}
		return json.Number(strconv.Itoa(a.elems[len(a.elems)-1].Index)), true
	case "count":
		return json.Number(strconv.Itoa(len(a.List))), true
	}
	if rest, ok := strings.CutPrefix(name, "record"); ok && (rest == "" || rest[0] == '.') {
		if a.Record == nil {
			return nil, false
		}
		return a.recordValue(a.Record, strings.TrimPrefix(rest, "."))
	}
	src, path, _ := strings.Cut(name, ".")
	switch src {
	case "element":
		if len(a.elems) == 0 {
			return nil, false
		}
		b, err := json.Marshal(a.elems[len(a.elems)-1].Value)
		if err != nil {
			return nil, false
		}
		r := gjson.GetBytes(b, path)
		return GJSONValue(r), r.Exists()
	case "body", "query", "header", "path":
		return a.Request.Get(src, path)
	case "answer":
		b, err := a.BodyJSON()
		if err != nil {
			return nil, false
		}
		r := gjson.GetBytes(b, path)
		return GJSONValue(r), r.Exists()
	}
	return nil, false
}

// BodyJSON is Body as EncodeJSON writes it, encoded once: templates, the
// stored record and the written answer all use these bytes.
func (a *Answer) BodyJSON() ([]byte, error) {
	if a.bodyJSON == nil {
		b, err := EncodeJSON(a.Body)
		if err != nil {
			return nil, err
		}
		a.bodyJSON = b
	}
	return a.bodyJSON, nil
}

// EncodeJSON writes v as answers are written: without HTML escapes (an
// API echoes "<" as sent) and without a trailing newline.
func EncodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

const upperDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// Call runs functions.
func (a *Answer) Call(fn string, args []any) (any, bool, error) {
	str := func(i int, def string) string {
		if i < len(args) {
			return tmpl.Text(args[i])
		}
		return def
	}
	num := func(i int, def int64) (int64, error) {
		if i >= len(args) {
			return def, nil
		}
		return strconv.ParseInt(tmpl.Text(args[i]), 10, 64)
	}
	switch fn {
	case "now":
		if a.at.IsZero() {
			a.at = a.State.Now().UTC()
		}
		return a.at.Format(str(0, "2006-01-02T15:04:05.000Z07:00")), true, nil
	case "seq":
		return json.Number(strconv.FormatInt(a.State.next(str(0, a.Counter)), 10)), true, nil
	case "id":
		name := str(0, a.Counter)
		if a.ids == nil {
			a.ids = map[string]int64{}
		}
		if _, ok := a.ids[name]; !ok {
			a.ids[name] = a.State.next(name)
		}
		return json.Number(strconv.FormatInt(a.ids[name], 10)), true, nil
	case "random":
		n, err := num(1, 8)
		if err != nil || n < 0 || n > 1024 {
			return nil, false, fmt.Errorf("random: want a length from 0 to 1024")
		}
		alphabet := str(2, upperDigits)
		if alphabet == "" {
			return nil, false, fmt.Errorf("random: empty alphabet")
		}
		return a.State.random(str(0, ""), int(n), alphabet), true, nil
	case "uuid":
		if len(args) > 0 && args[0] != nil {
			return nameUUID(tmpl.Text(args[0])), true, nil
		}
		return nameUUID(a.State.random("", 32, upperDigits)), true, nil
	case "isoDate":
		return isoDate(args)
	case "randomInt":
		lo, err1 := num(0, 1)
		hi, err2 := num(1, 1<<31-1)
		if err1 != nil || err2 != nil || hi < lo {
			return nil, false, fmt.Errorf("randomInt: want min <= max")
		}
		return json.Number(strconv.FormatInt(a.State.randomInt(lo, hi), 10)), true, nil
	}
	return nil, false, fmt.Errorf("unknown function %s()", fn)
}

// msDate is Microsoft's JSON date: /Date(milliseconds[+-hhmm])/.
var msDate = regexp.MustCompile(`^/Date\((-?[0-9]+)([+-][0-9]{4})?\)/$`)

// isoDate writes a date the way .NET answers: ISO 8601 with seven
// fractional digits. It reads ISO 8601 (returned as it is) and Microsoft's
// /Date(...)/ form; anything else is undefined.
func isoDate(args []any) (any, bool, error) {
	if len(args) == 0 {
		return nil, false, nil
	}
	s, ok := args[0].(string)
	if !ok {
		return nil, false, nil
	}
	m := msDate.FindStringSubmatch(s)
	if m == nil {
		return s, true, nil
	}
	ms, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		return nil, false, nil
	}
	zone := time.UTC
	if m[2] != "" {
		h, _ := strconv.Atoi(m[2][1:3])
		mi, _ := strconv.Atoi(m[2][3:5])
		off := h*3600 + mi*60
		if m[2][0] == '-' {
			off = -off
		}
		zone = time.FixedZone("", off)
	}
	return time.UnixMilli(ms).In(zone).Format("2006-01-02T15:04:05.0000000-07:00"), true, nil
}

// nameUUID is a UUID (version 5 layout) derived from a name, so the same
// record always shows the same UniqueId.
func nameUUID(name string) string {
	h := sha1.Sum([]byte("chatmock:" + name))
	h[6] = (h[6] & 0x0f) | 0x50
	h[8] = (h[8] & 0x3f) | 0x80
	x := hex.EncodeToString(h[:16])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}
