package scenario

import (
	"slices"
	"time"

	"github.com/chatmock/chatmock/internal/cond"
	"github.com/chatmock/chatmock/internal/tmpl"
)

// Hit is what a scenario does to one request.
type Hit struct {
	Scenario Scenario      // a copy, Remaining as left after this hit
	Example  string        // the example to answer with ("" for none): the scenario's, or the rate limit's when over the limit
	Status   int           // the status to answer with; 0 keeps the example's (or the normal answer's)
	Body     any           // nil unless the scenario gives one (then Status is at least 200)
	Delay    time.Duration // sampled; wait this long before answering
	Fault    string        // "" or one of Faults
	Drip     time.Duration // with fault drip: send the body over this long
}

// Match finds the first scenario of the operation, in the order added,
// whose conditions hold and whose budget allows, and consumes its budget:
//
//   - a rate limit is a hit only beyond the limit; within it the call passes
//     on to the next scenario (and counts against the bucket);
//   - probability draws from the registry's source; a miss passes on and
//     consumes no times;
//   - times decrements; a spent scenario is removed.
//
// A scenario with only a delay is a hit too: the caller waits, then answers
// normally.
func (r *Registry) Match(operation string, req cond.Request, now time.Time) (Hit, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, e := range r.list {
		if e.s.Operation != operation || !cond.All(e.conds, req, nil) {
			continue
		}
		if e.s.RateLimit != nil && e.take(now) {
			continue
		}
		if p := e.s.Probability; p != nil && r.rng.Float64() >= *p {
			continue
		}
		if e.s.Times != nil {
			e.remaining--
			if e.remaining <= 0 {
				r.list = slices.Delete(r.list, i, i+1)
			}
		}
		return r.hit(e), true
	}
	return Hit{}, false
}

// take refills the bucket to now and takes a token from it; false means
// the call is over the limit.
func (e *entry) take(now time.Time) bool {
	rate := float64(e.s.RateLimit.PerSecond)
	switch {
	case e.refilled.IsZero():
		e.tokens = rate
	case now.After(e.refilled):
		e.tokens = min(rate, e.tokens+now.Sub(e.refilled).Seconds()*rate)
	}
	if now.After(e.refilled) {
		e.refilled = now
	}
	if e.tokens < 1 {
		return false
	}
	e.tokens--
	return true
}

// hit builds the hit of the entry. r.mu is held (the source is not safe for
// concurrent use).
func (r *Registry) hit(e *entry) Hit {
	s := &e.s
	h := Hit{
		Scenario: e.view(),
		Example:  s.Example,
		Status:   s.Status,
		Delay:    s.sampleDelay(r.rng),
		Fault:    s.Fault,
	}
	if s.RateLimit != nil {
		h.Example = s.RateLimit.Example
	}
	if s.Body != nil {
		h.Body = tmpl.DeepCopy(s.Body)
		if h.Status == 0 {
			h.Status = 200
		}
	}
	if s.Fault == "drip" {
		h.Drip = DefaultDrip * time.Millisecond
		if s.DripMS > 0 {
			h.Drip = time.Duration(s.DripMS) * time.Millisecond
		}
	}
	return h
}
