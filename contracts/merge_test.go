package contracts

import (
	"bytes"
	"testing"
)

// Shards split the cases deterministically, each case in exactly one; the
// shards' JSON reports merge into the report of the whole run.
func TestShardAndMerge(t *testing.T) {
	_, cases := bundled(t)
	seen := map[string]int{}
	var reports []*Report
	for k := 1; k <= 3; k++ {
		part := Shard(cases, k, 3)
		if len(part) == 0 || len(part) == len(cases) {
			t.Fatalf("shard %d/3 has %d of %d cases", k, len(part), len(cases))
		}
		r := &Report{Target: "http://t", Results: make([]*Result, len(part))}
		for i, c := range part {
			seen[c.ID]++
			r.Results[i] = &Result{Case: c, Outcome: Passed}
		}
		r.Results[0].Outcome, r.Results[0].Problems = Failed, []Problem{{Check: CheckStatus, Message: "status: want 200"}}
		var buf bytes.Buffer
		if err := r.WriteJSON(&buf); err != nil {
			t.Fatal(err)
		}
		back, err := ReadJSON(&buf)
		if err != nil {
			t.Fatal(err)
		}
		reports = append(reports, back)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s in %d shards", id, n)
		}
	}
	if len(seen) != len(cases) {
		t.Errorf("%d cases in the shards, %d in all", len(seen), len(cases))
	}
	again := Shard(cases, 2, 3)
	if len(again) == 0 || again[0].ID != Shard(cases, 2, 3)[0].ID {
		t.Error("a shard is not the same twice")
	}
	m := Merge(reports...)
	passed, failed, skipped := m.Counts()
	if passed != len(cases)-3 || failed != 3 || skipped != 0 {
		t.Errorf("merged: %d passed, %d failed, %d skipped", passed, failed, skipped)
	}
	if _, err := ReadJSON(bytes.NewReader([]byte(`{"results":[{"id":"x","outcome":"won"}]}`))); err == nil {
		t.Error("a bad outcome was read")
	}
}
