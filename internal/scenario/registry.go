package scenario

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chatmock/chatmock/internal/cond"
	"github.com/chatmock/chatmock/internal/tmpl"
)

// Registry holds the active scenarios in the order they were added. It is
// safe for concurrent use.
type Registry struct {
	mu     sync.Mutex
	rng    *rand.Rand
	list   []*entry
	nextID int
}

// entry is a scenario with its compiled conditions and its mutable budget.
type entry struct {
	s         Scenario
	conds     []cond.Cond
	remaining int       // times left; meaningful when s.Times != nil
	tokens    float64   // rate limit bucket
	refilled  time.Time // when tokens were last refilled; zero before the first call
}

// NewRegistry returns an empty registry. Probability draws and delay
// samples come from a PCG source: with seeded, seeded by seed, so that two
// registries with the same seed draw the same sequence; otherwise randomly.
func NewRegistry(seed uint64, seeded bool) *Registry {
	var src *rand.PCG
	if seeded {
		src = rand.NewPCG(seed, 0)
	} else {
		src = rand.NewPCG(rand.Uint64(), rand.Uint64())
	}
	return &Registry{rng: rand.New(src)}
}

// Add checks and compiles the scenario and appends it. It returns the
// scenario as kept: with its ID (assigned when empty), its Source ("admin"
// when empty) and Remaining for a times budget.
func (r *Registry) Add(s *Scenario) (*Scenario, error) {
	e, err := newEntry(s)
	if err != nil {
		return nil, err
	}
	if e.s.Source == "" {
		e.s.Source = "admin"
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.assignIDs([]*entry{e}, nil); err != nil {
		return nil, err
	}
	r.list = append(r.list, e)
	out := e.view()
	return &out, nil
}

func newEntry(s *Scenario) (*entry, error) {
	conds, err := s.compile()
	if err != nil {
		return nil, err
	}
	e := &entry{s: clone(*s), conds: conds}
	e.s.Remaining = nil
	if s.Times != nil {
		e.remaining = *s.Times
	}
	return e, nil
}

// assignIDs gives the entries lacking one a free ID, and refuses an ID in
// use by a scenario other than those being replaced. r.mu is held.
func (r *Registry) assignIDs(add []*entry, replaced func(*entry) bool) error {
	used := map[string]bool{}
	for _, e := range r.list {
		if replaced == nil || !replaced(e) {
			used[e.s.ID] = true
		}
	}
	for _, e := range add {
		if e.s.ID == "" {
			continue
		}
		if used[e.s.ID] {
			return bad("id", "%q is already in use", e.s.ID)
		}
		used[e.s.ID] = true
	}
	for _, e := range add {
		for e.s.ID == "" {
			r.nextID++
			if id := "s" + strconv.Itoa(r.nextID); !used[id] {
				e.s.ID = id
				used[id] = true
			}
		}
	}
	return nil
}

// List returns copies of the scenarios, in order, with Remaining filled in
// for times budgets.
func (r *Registry) List() []Scenario {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Scenario, len(r.list))
	for i, e := range r.list {
		out[i] = e.view()
	}
	return out
}

// Remove removes the scenario with the ID, and tells whether there was one.
func (r *Registry) Remove(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := len(r.list)
	r.list = slices.DeleteFunc(r.list, func(e *entry) bool { return e.s.ID == id })
	return len(r.list) < n
}

// Clear removes every scenario.
func (r *Registry) Clear() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.list = nil
}

// ReplaceSource swaps the scenarios of a file, for a reload: every scenario
// whose Source is source or starts with source + ":" is removed, and the
// list takes the place of the first of them (or goes last). Scenarios of the
// list with no Source get source. Either every scenario of the list is
// valid and the swap happens, or nothing changes.
func (r *Registry) ReplaceSource(source string, list []*Scenario) error {
	fromSource := func(src string) bool { return src == source || strings.HasPrefix(src, source+":") }
	add := make([]*entry, 0, len(list))
	for i, s := range list {
		e, err := newEntry(s)
		if err != nil {
			return fmt.Errorf("scenario %d: %w", i, err)
		}
		if e.s.Source == "" {
			e.s.Source = source
		}
		if !fromSource(e.s.Source) {
			return fmt.Errorf("scenario %d: source %q is not of %q", i, e.s.Source, source)
		}
		add = append(add, e)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	replaced := func(e *entry) bool { return fromSource(e.s.Source) }
	if err := r.assignIDs(add, replaced); err != nil {
		return err
	}
	at := slices.IndexFunc(r.list, replaced)
	if at < 0 {
		at = len(r.list)
	}
	kept := slices.DeleteFunc(slices.Clone(r.list), replaced)
	at = min(at, len(kept))
	r.list = slices.Concat(kept[:at], add, kept[at:])
	return nil
}

// view is the scenario as answered: a copy, with Remaining.
func (e *entry) view() Scenario {
	s := clone(e.s)
	if s.Times != nil {
		n := e.remaining
		s.Remaining = &n
	}
	return s
}

// clone copies a scenario deeply, so that neither the caller nor the
// registry sees the other's changes.
func clone(s Scenario) Scenario {
	if s.When != nil {
		when := make([]map[string]any, len(s.When))
		for i, m := range s.When {
			when[i], _ = tmpl.DeepCopy(m).(map[string]any)
		}
		s.When = when
	}
	s.Body = tmpl.DeepCopy(s.Body)
	s.Delay = clonePtr(s.Delay)
	s.RateLimit = clonePtr(s.RateLimit)
	s.Times = clonePtr(s.Times)
	s.Probability = clonePtr(s.Probability)
	s.Remaining = clonePtr(s.Remaining)
	return s
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
