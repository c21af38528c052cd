package mockserver

import (
	"net/http"
	"strconv"
	"time"

	"github.com/chatmock/chatmock/internal/envelope"
	"github.com/chatmock/chatmock/internal/fault"
	"github.com/chatmock/chatmock/internal/scenario"
)

// scenario finds what QA armed for this request: a scenario of the
// registry, or a Prefer: delay=MS / fault=KIND of the request itself.
// Scenarios apply to requests that pass validation.
func (rt *route) scenario(ex *exchange) (scenario.Hit, bool) {
	if len(ex.failures) > 0 {
		return scenario.Hit{}, false
	}
	if hit, ok := preferHit(ex); ok {
		return hit, true
	}
	hit, ok := rt.s.scenarios.Match(rt.op.ID, &ex.req, rt.s.gen.Now())
	if ok {
		ex.scenario = hit.Scenario.ID
	}
	return hit, ok
}

func preferHit(ex *exchange) (scenario.Hit, bool) {
	var hit scenario.Hit
	ok := false
	if ms, err := strconv.Atoi(ex.prefer["delay"]); err == nil && ms > 0 {
		hit.Delay, ok = min(time.Duration(ms)*time.Millisecond, scenario.MaxDelay), true
	}
	if f := ex.prefer["fault"]; f != "" {
		hit.Fault, hit.Drip, ok = f, scenario.DefaultDrip*time.Millisecond, true
	}
	if ok {
		ex.scenario = "prefer"
	}
	return hit, ok
}

// scenarioAnswer is the answer a scenario gives: a documented example
// (its status overridable), or a custom status and body.
func (rt *route) scenarioAnswer(ex *exchange, hit scenario.Hit) *answer {
	resp := &envelope.Answer{Case: -1, Headers: map[string]string{}}
	if hit.Example != "" {
		status, body, ok := rt.examples().Instance(hit.Example)
		if !ok {
			return rt.preferError(ex, "no example is named "+strconv.Quote(hit.Example), "validExamples", rt.op.ExampleNames())
		}
		resp.Status, resp.Body = status, body
	} else {
		resp.Status, resp.Body = http.StatusOK, hit.Body
	}
	_ = resp.Apply(hit.Status, nil, nil) // a status only: nothing to render, nothing to fail
	return rt.fromEnvelope(ex, resp)
}

// breakAnswer delivers the answer broken as the fault says.
func (s *Server) breakAnswer(w http.ResponseWriter, ex *exchange, ans *answer, hit scenario.Hit, start time.Time) {
	ex.fault = hit.Fault
	var err error
	switch hit.Fault {
	case fault.KindReset:
		err = fault.Reset(w)
	case fault.KindEmpty:
		err = fault.Empty(w)
	case fault.KindTimeout:
		fault.Hold(ex.r.Context())
	case fault.KindMalformed:
		s.writeHeaders(w, ans)
		err = fault.Malformed(w, ans.status, ans.body)
	case fault.KindDrip:
		s.writeHeaders(w, ans)
		err = fault.Drip(ex.r.Context(), w, ans.status, ans.body, hit.Drip)
	default:
		ans = problemAnswer(http.StatusBadRequest, "prefer", "no fault is named "+strconv.Quote(hit.Fault)+" (reset, empty, malformed, drip, timeout)")
		ex.fault = ""
		s.finish(w, ex, ans, start)
		return
	}
	if err == fault.ErrNoHijack {
		ans = problemAnswer(http.StatusNotImplemented, "fault", err.Error())
		s.finish(w, ex, ans, start)
		return
	}
	s.done(ex, ans, time.Since(start))
}

// abandoned records a request whose client left before it was answered.
func (s *Server) abandoned(ex *exchange, start time.Time) {
	ex.fault = "client-gone"
	s.done(ex, &answer{headers: map[string]string{}}, time.Since(start))
}
