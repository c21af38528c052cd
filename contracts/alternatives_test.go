package contracts

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/chatmock/chatmock/mockserver"
	"github.com/chatmock/chatmock/mockserver/mocktest"
	"github.com/chatmock/chatmock/spec"
)

// loadSet loads one document, with opts (spec.Strict: refusing any defect).
func loadSet(t *testing.T, path string, opts ...spec.LoadOption) *spec.Set {
	t.Helper()
	srcs, err := spec.FromPaths([]string{path})
	if err != nil {
		t.Fatal(err)
	}
	set, err := spec.Load(context.Background(), srcs, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// With security alternatives a request fails only when it meets none: the
// negative cases drop every credential, and none claims that a bad
// Authorization value fails where an apiKey named Authorization takes any.
func TestSecurityAlternatives(t *testing.T) {
	set := loadSet(t, "testdata/alternatives.yaml", spec.Strict())
	cases, err := Derive(set, Credentials{Bearer: "t", Basic: "u:p", Query: map[string]string{"X-Key": "k", "Authorization": "k"}})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string][]string{}
	for _, c := range cases {
		if c.Want != nil && !c.Want.Success {
			names[c.Operation] = append(names[c.Operation], c.ID[strings.LastIndex(c.ID, "/")+1:])
			for k := range c.Header {
				if strings.EqualFold(k, "X-Key") {
					t.Errorf("%s keeps the X-Key credential", c.ID)
				}
			}
		}
	}
	if got := names["listRooms"]; !slices.Equal(got, []string{"missing-credentials", "bad-basic-credentials", "empty-bearer-token"}) {
		t.Errorf("listRooms negatives: %q", got)
	}
	if got := names["listMessages"]; !slices.Equal(got, []string{"missing-credentials"}) {
		t.Errorf("listMessages negatives: %q", got)
	}
	mock := mocktest.NewServer(t, mockserver.WithDocumentSet(set), mockserver.WithoutBundledRules())
	for _, res := range Run(context.Background(), set, cases, RunOptions{Target: mock.URL}).Results {
		if res.Outcome != Passed {
			t.Errorf("%s: %s %q %s", res.Case.ID, res.Outcome, res.Problems, res.Reason)
		}
	}
}

// The runner sends multipart, text and binary bodies the mock takes: a
// generated positive case per operation passes, and so do the negatives.
func TestOtherBodiesRoundTrip(t *testing.T) {
	set := loadSet(t, "../mockserver/testdata/bodies.yaml", spec.Strict())
	cases, err := Derive(set, Credentials{})
	if err != nil {
		t.Fatal(err)
	}
	mock := mocktest.NewServer(t, mockserver.WithDocumentSet(set), mockserver.WithoutBundledRules())
	positives := 0
	for _, res := range Run(context.Background(), set, cases, RunOptions{Target: mock.URL}).Results {
		if res.Outcome != Passed {
			t.Errorf("%s: %s %q %s", res.Case.ID, res.Outcome, res.Problems, res.Reason)
		}
		if res.Case.Want == nil && strings.HasSuffix(res.Case.ID, "uploadFile/positive/generated") {
			positives++
			if !strings.HasPrefix(res.Case.Header["Content-Type"], "multipart/form-data; boundary=") {
				t.Errorf("upload sent as %q", res.Case.Header["Content-Type"])
			}
		}
	}
	if positives != 1 {
		t.Errorf("%d generated upload cases, want 1", positives)
	}
	generated := 0
	for _, c := range cases {
		if strings.HasSuffix(c.ID, "/positive/generated") {
			generated++
		}
	}
	if generated != 4 {
		t.Errorf("%d generated positive cases, want one per operation (4)", generated)
	}
}
