package scenario

import (
	"encoding/json"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// req is a request for conditions: "source:path" → value.
type req map[string]any

func (r req) Get(source, path string) (any, bool) {
	v, ok := r[source+":"+path]
	return v, ok
}

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func mustAdd(t *testing.T, r *Registry, s *Scenario) *Scenario {
	t.Helper()
	got, err := r.Add(s)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestTimesIsExactUnderConcurrency(t *testing.T) {
	r := NewRegistry(1, true)
	mustAdd(t, r, &Scenario{Operation: "create_group", Example: "10021", Times: intp(3)})
	var hits sync.Map
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			if _, ok := r.Match("create_group", req{}, t0); ok {
				hits.Store(i, true)
			}
		})
	}
	wg.Wait()
	n := 0
	hits.Range(func(any, any) bool { n++; return true })
	if n != 3 {
		t.Errorf("%d hits, want 3", n)
	}
	if l := r.List(); len(l) != 0 {
		t.Errorf("the spent scenario is still listed: %+v", l)
	}
}

func TestRemainingCountsDown(t *testing.T) {
	r := NewRegistry(1, true)
	added := mustAdd(t, r, &Scenario{Operation: "create_group", Example: "10021", Times: intp(2), Remaining: intp(99), Source: ""})
	if added.ID != "s1" || added.Source != "admin" || *added.Remaining != 2 {
		t.Errorf("added: %+v", added)
	}
	h, _ := r.Match("create_group", req{}, t0)
	if *h.Scenario.Remaining != 1 || *r.List()[0].Remaining != 1 {
		t.Errorf("remaining after one hit: %v %v", *h.Scenario.Remaining, *r.List()[0].Remaining)
	}
}

func TestProbability(t *testing.T) {
	run := func(seed uint64) []bool {
		r := NewRegistry(seed, true)
		mustAdd(t, r, &Scenario{Operation: "create_group", Fault: "reset", Probability: floatp(0.1), Times: intp(10000)})
		out := make([]bool, 2000)
		for i := range out {
			_, out[i] = r.Match("create_group", req{}, t0)
		}
		return out
	}
	a := run(42)
	hits := 0
	for _, h := range a {
		if h {
			hits++
		}
	}
	if rate := float64(hits) / float64(len(a)); rate < 0.07 || rate > 0.13 {
		t.Errorf("hit rate %.3f, want 0.1 ± 0.03", rate)
	}
	if !slices.Equal(a, run(42)) {
		t.Error("two registries with the same seed drew different sequences")
	}
	if slices.Equal(a, run(43)) {
		t.Error("two seeds drew the same sequence")
	}
}

// A miss of the probability draw consumes no times.
func TestProbabilityMissKeepsTimes(t *testing.T) {
	r := NewRegistry(7, true)
	mustAdd(t, r, &Scenario{Operation: "create_group", Fault: "reset", Probability: floatp(0.5), Times: intp(5)})
	hits := 0
	for range 200 {
		if _, ok := r.Match("create_group", req{}, t0); ok {
			hits++
		}
	}
	if hits != 5 {
		t.Errorf("%d hits, want 5", hits)
	}
}

func TestRateLimit(t *testing.T) {
	r := NewRegistry(1, true)
	mustAdd(t, r, &Scenario{Operation: "create_group", RateLimit: &RateLimit{PerSecond: 5, Example: "60007"}})
	steps := []struct {
		at  time.Duration
		hit bool
	}{
		{0, false}, {0, false}, {0, false}, {0, false}, {0, false},
		{0, true}, {0, true},
		{200 * time.Millisecond, false}, // one token back
		{200 * time.Millisecond, true},
		{1200 * time.Millisecond, false}, // the bucket is full again
		{1200 * time.Millisecond, false},
	}
	for i, st := range steps {
		h, ok := r.Match("create_group", req{}, t0.Add(st.at))
		if ok != st.hit {
			t.Fatalf("call %d at +%v: hit %v, want %v", i, st.at, ok, st.hit)
		}
		if ok && (h.Example != "60007" || h.Fault != "") {
			t.Errorf("call %d: hit %+v, want the example 60007", i, h)
		}
	}
}

// Within the limit the call passes on to the next scenario.
func TestRateLimitPassesOn(t *testing.T) {
	r := NewRegistry(1, true)
	mustAdd(t, r, &Scenario{Operation: "create_group", RateLimit: &RateLimit{PerSecond: 1, Example: "60007"}})
	mustAdd(t, r, &Scenario{Operation: "create_group", DelayMS: 50})
	h, ok := r.Match("create_group", req{}, t0)
	if !ok || h.Example != "" || h.Delay != 50*time.Millisecond {
		t.Errorf("first call: %+v %v, want the delay", h, ok)
	}
	h, ok = r.Match("create_group", req{}, t0)
	if !ok || h.Example != "60007" {
		t.Errorf("second call: %+v %v, want the limit", h, ok)
	}
}

func TestDelaySampling(t *testing.T) {
	r := NewRegistry(3, true)
	sample := func(s *Scenario) []time.Duration {
		r.Clear()
		mustAdd(t, r, s)
		out := make([]time.Duration, 2000)
		for i := range out {
			h, ok := r.Match(s.Operation, req{}, t0)
			if !ok {
				t.Fatal("a delay-only scenario is no hit")
			}
			out[i] = h.Delay
		}
		return out
	}
	tests := []struct {
		name  string
		delay *Delay
		check func([]time.Duration) string
	}{
		{"fixed", &Delay{FixedMS: 250}, func(d []time.Duration) string {
			for _, x := range d {
				if x != 250*time.Millisecond {
					return "got " + x.String()
				}
			}
			return ""
		}},
		{"uniform", &Delay{MinMS: 100, MaxMS: 300}, func(d []time.Duration) string {
			lo, hi := slices.Min(d), slices.Max(d)
			if lo < 100*time.Millisecond || hi > 300*time.Millisecond {
				return "out of bounds: " + lo.String() + " " + hi.String()
			}
			if hi-lo < 150*time.Millisecond {
				return "too narrow: " + lo.String() + " " + hi.String()
			}
			return ""
		}},
		{"lognormal", &Delay{MedianMS: 2000, Sigma: 0.3}, func(d []time.Duration) string {
			s := slices.Clone(d)
			sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
			if med := s[len(s)/2]; math.Abs(med.Seconds()-2) > 0.3 {
				return "median " + med.String()
			}
			return ""
		}},
		{"capped", &Delay{MedianMS: 9_000_000, Sigma: 0}, func(d []time.Duration) string {
			if d[0] != MaxDelay {
				return "got " + d[0].String()
			}
			return ""
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if msg := tt.check(sample(&Scenario{Operation: "createChatRoom", Delay: tt.delay})); msg != "" {
				t.Error(msg)
			}
		})
	}
}

func TestConditions(t *testing.T) {
	tests := []struct {
		name string
		when string
		req  req
		hit  bool
	}{
		{"equals a body path", `[{"body":"Owner_Account","equals":"alice"}]`, req{"body:Owner_Account": "alice"}, true},
		{"equals, other value", `[{"body":"Owner_Account","equals":"alice"}]`, req{"body:Owner_Account": "bob"}, false},
		{"equals, absent", `[{"body":"Owner_Account","equals":"alice"}]`, req{}, false},
		{"equals a number", `[{"body":"MaxMemberCount","equals":100}]`, req{"body:MaxMemberCount": json.Number("100.0")}, true},
		{"exists on a query", `[{"query":"sdkappid","exists":true}]`, req{"query:sdkappid": "1400000000"}, true},
		{"exists on a query, absent", `[{"query":"sdkappid","exists":true}]`, req{}, false},
		{"not exists", `[{"header":"X-Retry","exists":false}]`, req{}, true},
		{"matches", `[{"body":"GroupId","matches":"^@TGS#"}]`, req{"body:GroupId": "@TGS#abc"}, true},
		{"matches, not a string", `[{"body":"GroupId","matches":"1"}]`, req{"body:GroupId": json.Number("1")}, false},
		{"all must hold", `[{"query":"a","exists":true},{"query":"b","exists":true}]`, req{"query:a": "1"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := parse(t, `{"operation":"create_group","example":"10021","when":`+tt.when+`}`)
			r := NewRegistry(1, true)
			mustAdd(t, r, s)
			if _, ok := r.Match("create_group", tt.req, t0); ok != tt.hit {
				t.Errorf("hit %v, want %v", ok, tt.hit)
			}
			if _, ok := r.Match("get_group_info", tt.req, t0); ok {
				t.Error("hit on another operation")
			}
		})
	}
}

func TestHit(t *testing.T) {
	r := NewRegistry(1, true)
	mustAdd(t, r, &Scenario{Operation: "a", Body: map[string]any{"x": "y"}})
	mustAdd(t, r, &Scenario{Operation: "b", Example: "10021", Status: 503, Fault: "drip"})
	mustAdd(t, r, &Scenario{Operation: "c", Fault: "drip", DripMS: 700})
	h, _ := r.Match("a", req{}, t0)
	if h.Status != 200 || h.Body.(map[string]any)["x"] != "y" {
		t.Errorf("a: %+v", h)
	}
	h.Body.(map[string]any)["x"] = "changed"
	if r.List()[0].Body.(map[string]any)["x"] != "y" {
		t.Error("changing a hit's body changed the scenario")
	}
	if h, _ := r.Match("b", req{}, t0); h.Example != "10021" || h.Status != 503 || h.Drip != 2*time.Second {
		t.Errorf("b: %+v", h)
	}
	if h, _ := r.Match("c", req{}, t0); h.Drip != 700*time.Millisecond {
		t.Errorf("c: %+v", h)
	}
}

func TestAddRemoveClear(t *testing.T) {
	r := NewRegistry(1, true)
	mustAdd(t, r, &Scenario{ID: "s2", Operation: "a", Fault: "reset"})
	if got := mustAdd(t, r, &Scenario{Operation: "a", Fault: "empty"}); got.ID != "s1" {
		t.Errorf("first free id %q", got.ID)
	}
	if got := mustAdd(t, r, &Scenario{Operation: "a", Fault: "empty"}); got.ID != "s3" {
		t.Errorf("next free id %q", got.ID)
	}
	if _, err := r.Add(&Scenario{ID: "s1", Operation: "a", Fault: "reset"}); err == nil || err.Error() != `id: "s1" is already in use` {
		t.Errorf("duplicate id: %v", err)
	}
	if _, err := r.Add(&Scenario{Operation: "a"}); err == nil {
		t.Error("added a scenario without effect")
	}
	if h, _ := r.Match("a", req{}, t0); h.Scenario.ID != "s2" {
		t.Errorf("first match %q, want s2 (the first added)", h.Scenario.ID)
	}
	if !r.Remove("s2") || r.Remove("s2") {
		t.Error("Remove")
	}
	if h, _ := r.Match("a", req{}, t0); h.Scenario.ID != "s1" {
		t.Errorf("after remove: %q", h.Scenario.ID)
	}
	r.Clear()
	if len(r.List()) != 0 {
		t.Error("Clear")
	}
}

func TestReplaceSource(t *testing.T) {
	r := NewRegistry(1, true)
	mustAdd(t, r, &Scenario{ID: "before", Operation: "a", Fault: "reset"})
	mustAdd(t, r, &Scenario{ID: "f1", Operation: "a", Fault: "reset", Source: "qa.yaml: line 2"})
	mustAdd(t, r, &Scenario{ID: "f2", Operation: "a", Fault: "reset", Source: "qa.yaml: line 5"})
	mustAdd(t, r, &Scenario{ID: "other", Operation: "a", Fault: "reset", Source: "qa.yaml.bak: line 2"})
	mustAdd(t, r, &Scenario{ID: "after", Operation: "a", Fault: "reset"})
	ids := func() string {
		var out []string
		for _, s := range r.List() {
			out = append(out, s.ID)
		}
		return strings.Join(out, " ")
	}

	// A bad list changes nothing.
	err := r.ReplaceSource("qa.yaml", []*Scenario{
		{ID: "g1", Operation: "a", Fault: "reset", Source: "qa.yaml: line 2"},
		{Operation: "a", Fault: "resett", Source: "qa.yaml: line 4"},
	})
	if err == nil || !strings.Contains(err.Error(), `scenario 1: fault: "resett"`) {
		t.Errorf("bad list: %v", err)
	}
	if err := r.ReplaceSource("qa.yaml", []*Scenario{{ID: "before", Operation: "a", Fault: "reset"}}); err == nil {
		t.Error("took an id another source uses")
	}
	if got := ids(); got != "before f1 f2 other after" {
		t.Errorf("after failed swaps: %s", got)
	}

	// The new list takes the place of the old one; ids of the old are free.
	err = r.ReplaceSource("qa.yaml", []*Scenario{
		{ID: "f2", Operation: "a", Fault: "empty", Source: "qa.yaml: line 2"},
		{Operation: "a", Fault: "reset"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(); got != "before f2 s1 other after" {
		t.Errorf("after the swap: %s", got)
	}
	if s := r.List()[2]; s.Source != "qa.yaml" {
		t.Errorf("source %q", s.Source)
	}
	if err := r.ReplaceSource("qa.yaml", nil); err != nil {
		t.Fatal(err)
	}
	if got := ids(); got != "before other after" {
		t.Errorf("after emptying: %s", got)
	}
}

// List, Match, Add and Remove may run together.
func TestConcurrentUse(t *testing.T) {
	r := NewRegistry(0, false)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			s, err := r.Add(&Scenario{Operation: "a", Delay: &Delay{MedianMS: 10, Sigma: 1}, Probability: floatp(0.5), Times: intp(3)})
			if err != nil {
				t.Error(err)
				return
			}
			for range 10 {
				r.Match("a", req{"query:i": i}, t0)
				r.List()
			}
			r.Remove(s.ID)
		})
	}
	wg.Wait()
}
