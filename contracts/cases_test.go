package contracts

import (
	"context"
	"slices"
	"testing"

	"github.com/chatmock/chatmock/spec"
)

var creds = Credentials{
	Query:  map[string]string{"sdkappid": "88888888", "identifier": "admin", "usersig": "sig"},
	Bearer: "token",
	Basic:  "admin@example.com:secret",
}

// bundled loads the bundled documents and derives their cases.
func bundled(t *testing.T) (*spec.Set, []*Case) {
	t.Helper()
	set, err := spec.Load(context.Background(), spec.Bundled())
	if err != nil {
		t.Fatal(err)
	}
	cases, err := Derive(set, creds)
	if err != nil {
		t.Fatal(err)
	}
	return set, cases
}

// Every documented request example becomes a positive case, and an
// operation with none gets one generated from its parameters and schema.
func TestOnePositiveCasePerRequestExample(t *testing.T) {
	set, cases := bundled(t)
	examples, without, positive, generated := 0, 0, 0, 0
	for _, op := range set.Operations() {
		n := 0
		for _, m := range op.RequestBody {
			n += len(m.Examples)
		}
		examples += n
		if n == 0 && len(successStatuses(op)) > 0 {
			without++
		}
	}
	for _, c := range cases {
		if slices.Contains(c.Tags, "positive") {
			positive++
			if slices.Contains(c.Tags, "generated") {
				generated++
			}
		}
	}
	if positive != examples+without || generated != without || examples < 16 || without == 0 {
		t.Errorf("%d positive cases (%d generated) for %d request examples and %d operations without one", positive, generated, examples, without)
	}
}

func TestCasesCarryCredentialsAndRequiredParameters(t *testing.T) {
	_, cases := bundled(t)
	for _, c := range cases {
		if c.Want != nil {
			continue // negative cases leave things out on purpose
		}
		switch c.API {
		case "tencent":
			want := "contenttype=json&identifier=admin&random=0&sdkappid=88888888&usersig=sig"
			if got := c.Query.Encode(); got != want {
				t.Errorf("%s: query %s, want %s", c.ID, got, want)
			}
		case "nexudus":
			if c.Header["Authorization"] != "Bearer token" {
				t.Errorf("%s: Authorization %q", c.ID, c.Header["Authorization"])
			}
		}
	}
	form := formEncode(map[string]any{"group": map[string]any{"name": "a b", "id": 1}, "members": []any{map[string]any{"member_id": 3}}})
	if form != "group%5Bid%5D=1&group%5Bname%5D=a+b&members%5B0%5D%5Bmember_id%5D=3" {
		t.Errorf("form %s", form)
	}
}

// Without credentials, a case that leaves one credential out runs only
// where that one is all that is missing: Tencent's
// missing-credential-identifier would be refused for its missing sdkappid.
// A case that leaves every credential out runs all the same.
func TestCredentialRefusalsWithoutCredentials(t *testing.T) {
	set, err := spec.Load(context.Background(), spec.Bundled())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		creds   Credentials
		id      string
		skipped bool
	}{
		{Credentials{}, "tencent/create_group/negative/missing-credential-identifier", true},
		{Credentials{}, "tencent/create_group/negative/missing-credential-sdkappid", true},
		{Credentials{Query: map[string]string{"sdkappid": "1", "usersig": "s"}}, "tencent/create_group/negative/missing-credential-identifier", false},
		{Credentials{Query: map[string]string{"sdkappid": "1"}}, "tencent/create_group/negative/missing-credential-identifier", true},
		{Credentials{}, "nexudus/getChatRoom/negative/missing-credentials", false},
		{Credentials{}, "tencent/create_group/positive/application/json/all-fields", true},
		{creds, "tencent/create_group/negative/missing-credential-identifier", false},
	} {
		cases, err := Derive(set, tc.creds)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(cases, func(c *Case) bool { return c.ID == tc.id })
		if i < 0 {
			t.Fatalf("no case %s", tc.id)
		}
		if skipped := cases[i].Skip != ""; skipped != tc.skipped {
			t.Errorf("%s with %+v: skipped %v (%q), want %v", tc.id, tc.creds, skipped, cases[i].Skip, tc.skipped)
		}
	}
}
