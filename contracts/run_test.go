package contracts

import (
	"context"
	"testing"

	"github.com/chatmock/chatmock/mockserver"
	"github.com/chatmock/chatmock/mockserver/mocktest"
)

// Every derived case passes against the mock: positive cases get a success,
// negative ones the error the declaration gives, and every answer matches
// its documented status, media type, headers and schema.
func TestEveryCasePassesAgainstTheMock(t *testing.T) {
	set, cases := bundled(t)
	negative := 0
	for _, c := range cases {
		if c.Want != nil {
			negative++
		}
	}
	if negative < 100 {
		t.Errorf("only %d negative cases", negative)
	}
	for _, c := range cases {
		t.Run(c.ID, func(t *testing.T) {
			if c.Skip != "" {
				t.Skip(c.Skip)
			}
			srv := mocktest.NewServer(t, mockserver.WithDocumentSet(set), mockserver.WithSeed(1))
			defer srv.Close()
			r := Run(context.Background(), set, []*Case{c}, RunOptions{Target: srv.URL})
			if res := r.Results[0]; res.Outcome != Passed {
				t.Errorf("%s\nproblems: %q\nrequest: %+v\nresponse: %+v", res.Outcome, res.Problems, res.Request, res.Response)
			}
		})
	}
}
