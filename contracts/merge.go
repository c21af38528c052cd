package contracts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"time"
)

// maxReportBytes bounds a JSON report ReadJSON reads.
const maxReportBytes = 64 << 20

// ReadJSON reads a report WriteJSON wrote (another shard's, to merge).
// Requests and answers come back as they were written: redacted.
func ReadJSON(r io.Reader) (*Report, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxReportBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxReportBytes {
		return nil, fmt.Errorf("the report is larger than %d MiB", maxReportBytes>>20)
	}
	var doc jsonReport
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("not a chatmock test --json report: %w", err)
	}
	started, _ := time.Parse(time.RFC3339, doc.Started)
	out := &Report{Target: doc.Target, Started: started, Took: time.Duration(doc.TookMs * float64(time.Millisecond))}
	for _, jr := range doc.Results {
		switch jr.Outcome {
		case Passed, Failed, Skipped:
		default:
			return nil, fmt.Errorf("result %q: the outcome %q is not passed, failed or skipped", jr.ID, jr.Outcome)
		}
		out.Results = append(out.Results, &Result{
			Case:    &Case{ID: jr.ID, API: jr.API, Operation: jr.Operation, Tags: jr.Tags},
			Outcome: jr.Outcome, Problems: jr.Problems, Reason: jr.Reason,
			Request: jr.Request, Response: jr.Response, Took: time.Duration(jr.TookMs * float64(time.Millisecond)),
		})
	}
	return out, nil
}

// Merge joins the reports of shards of one run: their results in the
// order given, started at the earliest, taking as long as the longest.
func Merge(reports ...*Report) *Report {
	out := &Report{}
	for i, r := range reports {
		if i == 0 || r.Started.Before(out.Started) {
			out.Started = r.Started
		}
		if out.Target == "" {
			out.Target = r.Target
		}
		out.Took = max(out.Took, r.Took)
		out.Results = append(out.Results, r.Results...)
	}
	return out
}

// Shard keeps the cases of shard k of n (1-based): each case goes to one
// shard by a hash of its ID, the same on every machine and run, so a CI
// matrix of n jobs runs every case once.
func Shard(cases []*Case, k, n int) []*Case {
	var out []*Case
	for _, c := range cases {
		h := fnv.New32a()
		h.Write([]byte(c.ID))
		if int(h.Sum32()%uint32(n)) == k-1 {
			out = append(out, c)
		}
	}
	return out
}
