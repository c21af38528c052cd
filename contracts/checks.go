package contracts

import (
	"fmt"
	"slices"
	"strings"
)

// The checks an answer goes through, by the names CI users know from
// property-based API testers. Each is on by default; RunOptions.Checks
// turns some off.
const (
	CheckServerError  = "not_a_server_error"           // no 5xx answer
	CheckStatus       = "status_code_conformance"      // the status is one the operation documents
	CheckContentType  = "content_type_conformance"     // the media type is documented for the status, and the body parses as it
	CheckSchema       = "response_schema_conformance"  // the body matches its documented schema
	CheckHeaders      = "response_headers_conformance" // the documented required headers are there, their values as their schemas say
	CheckPositive     = "positive_data_acceptance"     // a valid request is answered a documented success, not the API's error envelope
	CheckNegative     = "negative_data_rejection"      // an invalid request is refused with the error its declaration gives
	CheckIgnoredAuth  = "ignored_auth"                 // a request without its credential is refused as the security declaration says
	CheckAvailability = "ensure_resource_availability" // a created resource can be read back, with what was sent, and is listed
	CheckUseAfterFree = "use_after_free"               // a deleted resource is gone: reading or deleting it again is refused
	CheckDuplicate    = "duplicate_rejection"          // creating the same unique key twice is refused
	checkTransport    = "transport"                    // the request could not be made or its answer not read: not a check, never off
)

// Checks are the selectable checks, in the order a report lists them, each
// with what it asserts.
var Checks = []struct{ Name, Asserts string }{
	{CheckServerError, "no answer is a server error (5xx)"},
	{CheckStatus, "the status is one the operation documents (exactly, by class, or default)"},
	{CheckContentType, "the Content-Type is documented for that status and the body parses as it"},
	{CheckSchema, "the body conforms to the documented schema"},
	{CheckHeaders, "the headers the document requires are present and conform to their schemas"},
	{CheckPositive, "a valid request is answered a documented success, not the API's error envelope"},
	{CheckNegative, "an invalid request is refused, with the error the document declares for it"},
	{CheckIgnoredAuth, "a request missing a credential is refused as the security declaration says"},
	{CheckAvailability, "a created resource reads back with what was sent, and is listed"},
	{CheckUseAfterFree, "a deleted resource reads as not found, and deleting it again is refused"},
	{CheckDuplicate, "creating the same unique key twice is refused"},
}

// Problem is one thing a check found wrong with an answer.
type Problem struct {
	Check    string `json:"check"`              // which check: one of Checks, or "transport"
	Pointer  string `json:"pointer,omitempty"`  // where: a JSON pointer into the body, "/status", "/header/Location"
	Keyword  string `json:"keyword,omitempty"`  // the schema keyword or the rule broken
	Expected string `json:"expected,omitempty"` // what the document allows
	Got      string `json:"got,omitempty"`      // what came
	Step     int    `json:"step,omitempty"`     // in a sequence: which request (1 is the first after the create)
	Message  string `json:"message"`            // all of the above as one line
}

func (p Problem) String() string { return p.Message }

// relabel files the problems of one check under another: a failed read
// of what a sequence just made is ensure_resource_availability, not
// positive_data_acceptance.
func relabel(ps []Problem, from, to string) {
	for i := range ps {
		if ps[i].Check == from {
			ps[i].Check = to
		}
	}
}

// problemf is a problem of a check with only its message.
func problemf(check, format string, args ...any) Problem {
	return Problem{Check: check, Message: fmt.Sprintf(format, args...)}
}

// Messages are the problems' one-line texts.
func Messages(ps []Problem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Message
	}
	return out
}

// CheckSet is a selection of checks: nil is every one.
type CheckSet map[string]bool

// SelectChecks makes the selection of --checks and --exclude-checks:
// only those named (all when none is), less those excluded. An unknown
// name is an error that lists the known ones.
func SelectChecks(only, exclude []string) (CheckSet, error) {
	known := map[string]bool{}
	var names []string
	for _, c := range Checks {
		known[c.Name] = true
		names = append(names, c.Name)
	}
	for _, n := range slices.Concat(only, exclude) {
		if !known[n] && n != "all" {
			return nil, fmt.Errorf("no check is called %q; the checks are %s", n, strings.Join(names, ", "))
		}
	}
	if len(only) == 0 && len(exclude) == 0 {
		return nil, nil
	}
	on := CheckSet{}
	for _, n := range names {
		on[n] = len(only) == 0 || slices.Contains(only, n) || slices.Contains(only, "all")
	}
	for _, n := range exclude {
		if n == "all" {
			clear(on)
		}
		delete(on, n)
	}
	n := 0
	for _, v := range on {
		if v {
			n++
		}
	}
	if n == 0 {
		return nil, fmt.Errorf("--checks and --exclude-checks leave no check to run")
	}
	return on, nil
}

// On tells whether a check runs; transport problems always count.
func (s CheckSet) On(check string) bool {
	return s == nil || check == checkTransport || s[check]
}

// keep is ps less the problems of checks that are off.
func (s CheckSet) keep(ps []Problem) []Problem {
	if s == nil {
		return ps
	}
	return slices.DeleteFunc(ps, func(p Problem) bool { return !s.On(p.Check) })
}
