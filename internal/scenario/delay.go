package scenario

import (
	"math"
	"math/rand/v2"
	"time"
)

// MaxDelay caps every sampled delay.
const MaxDelay = 10 * time.Minute

// sampleDelay draws the scenario's delay: delay_ms, or one draw of its
// distribution; 0 without one.
func (s *Scenario) sampleDelay(rng *rand.Rand) time.Duration {
	if s.DelayMS > 0 {
		return capDelay(float64(s.DelayMS))
	}
	d := s.Delay
	switch {
	case d == nil:
		return 0
	case d.FixedMS != 0:
		return capDelay(float64(d.FixedMS))
	case d.MaxMS != 0:
		lo := time.Duration(d.MinMS) * time.Millisecond
		hi := time.Duration(d.MaxMS) * time.Millisecond
		return min(lo+time.Duration(rng.Int64N(int64(hi-lo)+1)), MaxDelay)
	case d.MedianMS != 0:
		return capDelay(math.Exp(math.Log(float64(d.MedianMS)) + d.Sigma*rng.NormFloat64()))
	}
	return 0
}

// capDelay turns milliseconds into a duration no longer than MaxDelay.
func capDelay(ms float64) time.Duration {
	if !(ms < float64(MaxDelay/time.Millisecond)) {
		return MaxDelay
	}
	return time.Duration(ms * float64(time.Millisecond))
}
