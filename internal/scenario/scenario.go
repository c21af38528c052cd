// Package scenario holds QA scenarios: a matcher (an operation and
// conditions on the request), an effect (a documented example, a custom
// answer, a delay, a network fault or a rate limit) and a budget (times,
// probability). Clients add them through the admin API or a Prefer header,
// or name scenario files with --scenarios; the mock asks the Registry for
// the scenario that applies to each request.
//
// It may import: internal/cond, internal/inputfile, internal/tmpl,
// internal/yamldoc, spec.
package scenario

import (
	"fmt"
	"slices"
	"strings"

	"github.com/chatmock/chatmock/internal/cond"
)

// Scenario is a scenario as clients send it: JSON through the admin API,
// YAML in files.
type Scenario struct {
	ID          string           `json:"id,omitempty"`          // assigned when empty ("s1", "s2", ...)
	Operation   string           `json:"operation"`             // an operationId (required)
	When        []map[string]any `json:"when,omitempty"`        // conditions: {body|query|header: PATH, exists|equals|matches: ...}
	Example     string           `json:"example,omitempty"`     // answer with this documented example
	Status      int              `json:"status,omitempty"`      // a custom status (with body), or override the example's
	Body        any              `json:"body,omitempty"`        // a custom body (JSON value)
	DelayMS     int              `json:"delay_ms,omitempty"`    // a fixed delay
	Delay       *Delay           `json:"delay,omitempty"`       // or a distribution
	Fault       string           `json:"fault,omitempty"`       // reset | empty | malformed | drip | timeout
	DripMS      int              `json:"drip_ms,omitempty"`     // drip: send the body over this long (default 2000)
	RateLimit   *RateLimit       `json:"rate_limit,omitempty"`  // answer the limit's example beyond a rate
	Times       *int             `json:"times,omitempty"`       // budget: N matches, then the scenario is spent
	Probability *float64         `json:"probability,omitempty"` // budget: each match applies with probability p (0<p<=1)
	Remaining   *int             `json:"remaining,omitempty"`   // read-only in answers: times left
	Source      string           `json:"source,omitempty"`      // read-only: "admin", "prefer", or "file: line N"
}

// Delay is a delay distribution: exactly one of fixed, uniform (min..max)
// or lognormal (median, sigma).
type Delay struct {
	FixedMS  int     `json:"fixed_ms,omitempty"`
	MinMS    int     `json:"min_ms,omitempty"`    // uniform between min and max
	MaxMS    int     `json:"max_ms,omitempty"`    //
	MedianMS int     `json:"median_ms,omitempty"` // lognormal with this median...
	Sigma    float64 `json:"sigma,omitempty"`     // ...and this sigma (of the underlying normal)
}

// RateLimit lets per_second calls a second through (a token bucket refilled
// continuously, burst = per_second) and answers the calls beyond it with the
// API's own limit error.
type RateLimit struct {
	PerSecond int    `json:"per_second"`
	Example   string `json:"example"` // e.g. Tencent's "60007"
}

// Faults are the network faults a scenario can inject.
var Faults = []string{"reset", "empty", "malformed", "drip", "timeout"}

// DefaultDrip is how long a drip fault sends the body over when drip_ms is
// not given.
const DefaultDrip = 2000 // ms

// CheckError is a scenario that cannot be used. Field names the JSON field,
// dotted ("delay.min_ms", "when.0.matches"); it is empty when the problem is
// the scenario as a whole.
type CheckError struct {
	Field string
	Msg   string
}

func (e *CheckError) Error() string {
	if e.Field == "" {
		return e.Msg
	}
	return e.Field + ": " + e.Msg
}

// pointer is the field as a JSON pointer relative to the scenario.
func (e *CheckError) pointer() string {
	if e.Field == "" {
		return ""
	}
	return "/" + strings.ReplaceAll(e.Field, ".", "/")
}

func bad(field, format string, args ...any) error {
	return &CheckError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// Check tells whether the scenario can be used. Errors are *CheckError.
func (s *Scenario) Check() error {
	_, err := s.compile()
	return err
}

// compile checks the scenario and compiles its conditions.
func (s *Scenario) compile() ([]cond.Cond, error) {
	checks := []func() error{s.checkMatcher, s.checkAnswer, s.checkDelay, s.checkFault, s.checkRateLimit, s.checkBudget, s.checkEffect}
	for _, c := range checks {
		if err := c(); err != nil {
			return nil, err
		}
	}
	conds := make([]cond.Cond, 0, len(s.When))
	for i, m := range s.When {
		c, err := cond.Compile(m)
		if err != nil {
			field := fmt.Sprintf("when.%d", i)
			if e := err.(*cond.Error); e.Key != "" {
				field += "." + strings.ReplaceAll(e.Key, "/", ".")
			}
			return nil, bad(field, "%s", err.(*cond.Error).Msg)
		}
		conds = append(conds, c)
	}
	return conds, nil
}

func (s *Scenario) checkMatcher() error {
	if s.Operation == "" {
		return bad("operation", "required: the operationId the scenario applies to")
	}
	return nil
}

func (s *Scenario) checkAnswer() error {
	if s.Status != 0 && (s.Status < 100 || s.Status > 599) {
		return bad("status", "%d is not an HTTP status (100 to 599)", s.Status)
	}
	if s.Example != "" && s.Body != nil {
		return bad("body", "a scenario answers with an example or a body, not both")
	}
	if s.Status != 0 && s.Example == "" && s.Body == nil && s.RateLimit == nil {
		return bad("status", "give a body with it, or an example whose status it overrides")
	}
	return nil
}

func (s *Scenario) checkDelay() error {
	if s.DelayMS < 0 {
		return bad("delay_ms", "%d is negative", s.DelayMS)
	}
	d := s.Delay
	if d == nil {
		return nil
	}
	if s.DelayMS != 0 {
		return bad("delay", "give delay_ms or delay, not both")
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"fixed_ms", float64(d.FixedMS)}, {"min_ms", float64(d.MinMS)}, {"max_ms", float64(d.MaxMS)}, {"median_ms", float64(d.MedianMS)}, {"sigma", d.Sigma}} {
		if f.v < 0 {
			return bad("delay."+f.name, "%v is negative", f.v)
		}
	}
	kinds := 0
	for _, set := range []bool{d.FixedMS != 0, d.MinMS != 0 || d.MaxMS != 0, d.MedianMS != 0 || d.Sigma != 0} {
		if set {
			kinds++
		}
	}
	if kinds != 1 {
		return bad("delay", "give exactly one of fixed_ms, min_ms and max_ms (uniform), or median_ms and sigma (lognormal)")
	}
	if d.MinMS > d.MaxMS {
		return bad("delay.min_ms", "%d is above max_ms %d", d.MinMS, d.MaxMS)
	}
	if d.Sigma != 0 && d.MedianMS == 0 {
		return bad("delay.median_ms", "a lognormal delay needs a median above 0")
	}
	return nil
}

func (s *Scenario) checkFault() error {
	if s.Fault != "" && !slices.Contains(Faults, s.Fault) {
		return bad("fault", "%q is not a fault (one of %s)", s.Fault, strings.Join(Faults, ", "))
	}
	if (s.Fault == "reset" || s.Fault == "timeout") && (s.Example != "" || s.Body != nil || s.Status != 0) {
		return bad("fault", "%s answers nothing: drop example, status and body", s.Fault)
	}
	if s.DripMS < 0 {
		return bad("drip_ms", "%d is negative", s.DripMS)
	}
	if s.DripMS != 0 && s.Fault != "drip" {
		return bad("drip_ms", "only with fault drip")
	}
	return nil
}

func (s *Scenario) checkRateLimit() error {
	rl := s.RateLimit
	if rl == nil {
		return nil
	}
	if rl.PerSecond < 1 {
		return bad("rate_limit.per_second", "%d: allow at least 1 call a second", rl.PerSecond)
	}
	if rl.Example == "" {
		return bad("rate_limit.example", "required: the API's own limit error to answer beyond the rate")
	}
	if s.Example != "" || s.Body != nil || s.Fault != "" {
		return bad("rate_limit", "answers with its own example: drop example, body and fault")
	}
	return nil
}

func (s *Scenario) checkBudget() error {
	if s.Times != nil && *s.Times < 1 {
		return bad("times", "%d: give at least 1", *s.Times)
	}
	if p := s.Probability; p != nil && (!(*p > 0) || *p > 1) {
		return bad("probability", "%v is not in (0, 1]", *p)
	}
	return nil
}

func (s *Scenario) checkEffect() error {
	if s.Example == "" && s.Body == nil && s.DelayMS == 0 && s.Delay == nil && s.Fault == "" && s.RateLimit == nil {
		return bad("", "a scenario needs an effect: example, body, delay_ms or delay, fault, or rate_limit")
	}
	return nil
}
