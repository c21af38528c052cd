package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/chatmock/chatmock/contracts"
	"github.com/chatmock/chatmock/spec"
)

// checkSelection refuses a selection that names what the documents do not
// have (a typo in --api would turn a CI job green on zero cases), or that
// leaves no case.
func checkSelection(set *spec.Set, all []*contracts.Case, apis, ops, include, exclude []string, left int) error {
	var knownAPIs, knownOps, knownTags []string
	for _, op := range set.Operations() {
		if !slices.Contains(knownAPIs, op.Doc.API) {
			knownAPIs = append(knownAPIs, op.Doc.API)
		}
		knownOps = append(knownOps, op.ID)
	}
	for _, c := range all {
		for _, t := range c.Tags {
			if !slices.Contains(knownTags, t) {
				knownTags = append(knownTags, t)
			}
		}
	}
	for _, l := range [][]string{knownAPIs, knownOps, knownTags} {
		slices.Sort(l)
	}
	for _, sel := range []struct {
		flag, noun  string
		given, have []string
	}{{"--api", "API", apis, knownAPIs}, {"--operation", "operationId", ops, knownOps},
		{"--include", "tag", include, knownTags}, {"--exclude", "tag", exclude, knownTags}} {
		for _, g := range sel.given {
			if !slices.Contains(sel.have, g) {
				return &usageError{fmt.Sprintf("%s %s: the documents have no such %s (they have: %s)", sel.flag, g,
					sel.noun, clipList(sel.have, 12))}
			}
		}
	}
	if left == 0 {
		return &usageError{"the selection (--api, --operation, --include, --exclude) leaves no case to send"}
	}
	return nil
}

// clipList joins a list, its first n names and how many more.
func clipList(l []string, n int) string {
	if len(l) <= n {
		return strings.Join(l, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(l[:n], ", "), len(l)-n)
}

// reachable checks that the target answers at all before any case is
// sent: one line, not one per case, when it is down. With wait > 0 it
// tries again until wait has passed (a target still starting in CI).
func reachable(ctx context.Context, target string, timeout, wait time.Duration) error {
	client := &http.Client{Timeout: min(timeout, 5*time.Second),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	deadline := time.Now().Add(wait)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
		if err != nil {
			return &usageError{fmt.Sprintf("--target %s: %v", target, err)}
		}
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			return nil // any answer: it is up
		}
		var op *net.OpError
		down := errors.As(err, &op) && op.Op == "dial"
		if !down || time.Now().After(deadline) || ctx.Err() != nil {
			if down {
				return &downError{fmt.Sprintf("the target %s cannot be reached (%v): is it running? (--wait-for 30s waits for it to come up)", target, op.Err)}
			}
			return &downError{fmt.Sprintf("the target %s does not answer: %v", target, err)}
		}
		select {
		case <-ctx.Done():
		case <-time.After(250 * time.Millisecond):
		}
	}
}
