package store

import (
	"cmp"
	"maps"
	"slices"
	"sync"
	"time"
)

// Store is the mock's in-memory state. The zero value is not usable; call New
// or Load.
type Store struct {
	mu      sync.RWMutex
	lim     Limits
	apis    map[string]*table // api → its records
	seq     uint64            // creation counter, orders List
	made    map[madeKey]int   // records created per kind since the API's last reset, deletes not subtracted
	changes chan struct{}     // buffered 1, see Changes
}

type madeKey struct{ api, kind string }

// table holds one API's records.
type table struct {
	kinds map[string]map[string]entry // kind → key → entry
	n     int                         // records over all kinds
	bytes int64                       // their Record.Size, summed
}

type entry struct {
	rec Record
	seq uint64
}

// Limits bound what one API may hold, all its kinds together. A limit
// <= 0 means unbounded.
type Limits struct {
	Records int   // records
	Bytes   int64 // bytes, counted by Record.Size
}

// New returns an empty Store that holds at most lim per API.
func New(lim Limits) *Store {
	return &Store{
		lim:     lim,
		apis:    make(map[string]*table),
		made:    make(map[madeKey]int),
		changes: make(chan struct{}, 1),
	}
}

// Create inserts r under (api, kind) atomically. It returns *ExistsError if
// r.Key is taken (checked first), and *FullError if the API would hold
// more than the Store's Limits with r. A zero r.Created is set to the
// current time.
func (s *Store) Create(api, kind string, r Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.create(api, kind, r)
	if err == nil {
		s.notify()
	}
	return err
}

// Get returns the record under (api, kind, key).
func (s *Store) Get(api, kind, key string) (Record, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.get(api, kind, key)
}

// Delete removes the record under (api, kind, key) and reports whether it
// was there.
func (s *Store) Delete(api, kind, key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	ok := s.delete(api, kind, key)
	if ok {
		s.notify()
	}
	return ok
}

// List returns the records of (api, kind) in creation order.
func (s *Store) List(api, kind string) []Record {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.list(api, kind)
}

// Count returns how many records of (api, kind) satisfy where; a nil where
// counts them all. where runs under the Store's lock and must not call the
// Store.
func (s *Store) Count(api, kind string, where func(Record) bool) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.count(api, kind, where)
}

// Reset removes every record of api, or of every API when api is "".
func (s *Store) Reset(api string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if api == "" {
		if len(s.apis) == 0 {
			return
		}
		s.apis = make(map[string]*table)
		clear(s.made)
	} else {
		maps.DeleteFunc(s.made, func(k madeKey, _ int) bool { return k.api == api })
		if _, ok := s.apis[api]; !ok {
			return
		}
		delete(s.apis, api)
	}
	s.notify()
}

// Snapshot returns a copy of every record, grouped by API and kind, each
// kind in creation order. Record.Data is shared and must not be mutated.
func (s *Store) Snapshot() Snapshot {
	s.mu.RLock()
	defer s.mu.RUnlock()
	snap := make(Snapshot, len(s.apis))
	for api, t := range s.apis {
		kinds := make(map[string][]Record, len(t.kinds))
		for kind := range t.kinds {
			kinds[kind] = s.list(api, kind)
		}
		snap[api] = kinds
	}
	return snap
}

// Changes returns a channel that receives after every mutation. Sends never
// block and coalesce: the channel is buffered 1, so a burst of mutations
// while nobody reads leaves one pending value. There is one channel per
// Store, meant for one reader (such as a Persister); two readers would share
// the notifications between them.
func (s *Store) Changes() <-chan struct{} {
	return s.changes
}

// notify signals a change without blocking.
func (s *Store) notify() {
	select {
	case s.changes <- struct{}{}:
	default:
	}
}

// The methods below assume s.mu is held (for writing when they mutate).

func (s *Store) create(api, kind string, r Record) error {
	if old, ok := s.get(api, kind, r.Key); ok {
		return &ExistsError{API: api, Kind: kind, Existing: old}
	}
	if err := s.room(api, r); err != nil {
		return err
	}
	if r.Created.IsZero() {
		r.Created = time.Now().Round(0)
	}
	s.insert(api, kind, r)
	return nil
}

// room refuses r if the API would hold more than the Limits with it.
func (s *Store) room(api string, r Record) error {
	var n int
	var b int64
	if t := s.apis[api]; t != nil {
		n, b = t.n, t.bytes
	}
	if s.lim.Records > 0 && n >= s.lim.Records {
		return &FullError{API: api, Limit: s.lim}
	}
	if size := r.Size(); s.lim.Bytes > 0 && b+size > s.lim.Bytes {
		return &FullError{API: api, Limit: s.lim, Size: size, Held: b}
	}
	return nil
}

// insert adds r without checking the key or the bound.
func (s *Store) insert(api, kind string, r Record) {
	t := s.apis[api]
	if t == nil {
		t = &table{kinds: make(map[string]map[string]entry)}
		s.apis[api] = t
	}
	keys := t.kinds[kind]
	if keys == nil {
		keys = make(map[string]entry)
		t.kinds[kind] = keys
	}
	s.seq++
	s.made[madeKey{api, kind}]++
	keys[r.Key] = entry{rec: r, seq: s.seq}
	t.n++
	t.bytes += r.Size()
}

// replace puts r in place of the record under its key, keeping that
// record's place in creation order and its Created time; *NotFoundError
// when there is none, *FullError when the API's bytes would pass the bound.
func (s *Store) replace(api, kind string, r Record) error {
	t := s.apis[api]
	var e entry
	ok := false
	if t != nil {
		e, ok = t.kinds[kind][r.Key]
	}
	if !ok {
		return &NotFoundError{API: api, Kind: kind, Key: r.Key}
	}
	grow := r.Size() - e.rec.Size()
	if s.lim.Bytes > 0 && grow > 0 && t.bytes+grow > s.lim.Bytes {
		return &FullError{API: api, Limit: s.lim, Size: r.Size(), Held: t.bytes}
	}
	r.Created = e.rec.Created
	t.kinds[kind][r.Key] = entry{rec: r, seq: e.seq}
	t.bytes += grow
	return nil
}

func (s *Store) get(api, kind, key string) (Record, bool) {
	t := s.apis[api]
	if t == nil {
		return Record{}, false
	}
	e, ok := t.kinds[kind][key]
	return e.rec, ok
}

func (s *Store) delete(api, kind, key string) bool {
	t := s.apis[api]
	if t == nil {
		return false
	}
	keys := t.kinds[kind]
	e, ok := keys[key]
	if !ok {
		return false
	}
	delete(keys, key)
	t.n--
	t.bytes -= e.rec.Size()
	if len(keys) == 0 {
		delete(t.kinds, kind)
	}
	if t.n == 0 {
		delete(s.apis, api)
	}
	return true
}

func (s *Store) list(api, kind string) []Record {
	t := s.apis[api]
	if t == nil {
		return []Record{}
	}
	keys := t.kinds[kind]
	entries := make([]entry, 0, len(keys))
	for _, e := range keys {
		entries = append(entries, e)
	}
	slices.SortFunc(entries, func(a, b entry) int { return cmp.Compare(a.seq, b.seq) })
	out := make([]Record, len(entries))
	for i, e := range entries {
		out[i] = e.rec
	}
	return out
}

func (s *Store) count(api, kind string, where func(Record) bool) int {
	t := s.apis[api]
	if t == nil {
		return 0
	}
	keys := t.kinds[kind]
	if where == nil {
		return len(keys)
	}
	n := 0
	for _, e := range keys {
		if where(e.rec) {
			n++
		}
	}
	return n
}
