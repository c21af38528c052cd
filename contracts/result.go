package contracts

import "time"

// Outcome of one case.
const (
	Passed  = "passed"
	Failed  = "failed"
	Skipped = "skipped"
)

// Result is what running one case found.
type Result struct {
	Case     *Case
	Outcome  string    // Passed, Failed or Skipped
	Problems []Problem // for a failure: each with its check, where (a JSON pointer), the keyword or rule, what was expected and what came
	Reason   string    // for a skip: why
	Request  *Sent     // nil when nothing was sent
	Response *Got      // nil when no answer came
	Took     time.Duration
	Created  []string // keys of the resources the case created

	unreachable bool // the connection could not be made
}

// Sent is the request as sent, secrets redacted.
type Sent struct {
	Method string              `json:"method"`
	URL    string              `json:"url"`
	Header map[string][]string `json:"header"`
	Body   string              `json:"body"`

	secrets []string // the case's credential names, redacted beside the usual ones
	raw     *Sent    // the request unredacted, kept only with RunOptions.ShowSecrets
}

// Got is the answer as received (the body cut at 64 KiB).
type Got struct {
	Status int                 `json:"status"`
	Header map[string][]string `json:"header"`
	Body   string              `json:"body"`

	secrets []string // as in Sent: an answer may echo a credential (a Location with the query)
}

// Report is a whole run.
type Report struct {
	Target  string
	Started time.Time
	Took    time.Duration
	Results []*Result
	Deleted int      // with cleanup: resources the run created and deleted
	Kept    []string // with cleanup: resources it created and could not delete (no delete operation, or it failed)
	// ShowSecrets prints the failures' curl commands with their
	// credentials (RunOptions.ShowSecrets).
	ShowSecrets bool
}
