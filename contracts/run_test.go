package contracts

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/chatmock/chatmock/internal/rules"
	"github.com/chatmock/chatmock/mockserver"
)

// Every derived case passes against the mock: positive cases get a success,
// negative ones the error the declaration gives, and every answer matches
// its documented status, media type, headers and schema.
func TestEveryCasePassesAgainstTheMock(t *testing.T) {
	set, cases := bundled(t)
	rs, err := rules.Load(rules.Bundled())
	if err != nil {
		t.Fatal(err)
	}
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
			mock, err := mockserver.New(set, mockserver.WithSeed(1), mockserver.WithRules(rs))
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(mock.Handler())
			defer srv.Close()
			r := Run(context.Background(), set, []*Case{c}, RunOptions{Target: srv.URL})
			if res := r.Results[0]; res.Outcome != Passed {
				t.Errorf("%s\nproblems: %q\nrequest: %+v\nresponse: %+v", res.Outcome, res.Problems, res.Request, res.Response)
			}
		})
	}
}
