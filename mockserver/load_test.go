package mockserver

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// create is a Tencent create_group of groupID; it returns the ErrorCode.
func create(s *Server, groupID string) any {
	_, v := createGroup(s, `{"Owner_Account":"leckie","Type":"Public","GroupId":"`+groupID+`","Name":"TestGroup"}`)
	return v["ErrorCode"]
}

// Load serves the bundled rules unless told not to.
func TestLoadRules(t *testing.T) {
	ctx := context.Background()
	with, err := Load(ctx, WithSeed(1))
	if err != nil {
		t.Fatal(err)
	}
	without, err := Load(ctx, WithSeed(1), WithoutBundledRules())
	if err != nil {
		t.Fatal(err)
	}
	create(with, "G1")
	create(without, "G1")
	if got := create(with, "G1"); got != 10025.0 {
		t.Errorf("bundled rules: ErrorCode %v, want 10025", got)
	}
	// Without rules the second create meets the store's own conflict.
	if _, v := createGroup(without, `{"Owner_Account":"leckie","Type":"Public","GroupId":"G1","Name":"TestGroup"}`); v["type"] == nil {
		t.Errorf("without the bundled rules: %v, want the store's problem+json", v)
	}
}

// A path that names nothing is a PathError naming the option; a file that
// does not load is not.
func TestLoadPathErrors(t *testing.T) {
	ctx := context.Background()
	missing := filepath.Join(t.TempDir(), "nope.yaml")
	for _, opt := range []struct {
		name string
		o    Option
	}{{"WithDocuments", WithDocuments(missing)}, {"WithRuleFiles", WithRuleFiles(missing)}, {"WithScenarioFiles", WithScenarioFiles(missing)}} {
		_, err := Load(ctx, opt.o)
		var pe *PathError
		if !errors.As(err, &pe) || pe.Option != opt.name || !strings.Contains(err.Error(), "nope.yaml") {
			t.Errorf("%s: %v", opt.name, err)
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("scenarios: [{operation: nope, fault: reset}]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(ctx, WithScenarioFiles(bad))
	var pe *PathError
	if err == nil || errors.As(err, &pe) {
		t.Errorf("a scenario of no operation: %v", err)
	}
}

// ReloadFiles reads the scenario file again: the new scenario answers, the
// store stays, and a broken file leaves the last good one serving.
func TestReloadFiles(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "s.yaml")
	write := func(body string) {
		if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("scenarios: [{operation: get_group_info, fault: reset}]\n")
	s, err := Load(ctx, WithSeed(1), WithScenarioFiles(file))
	if err != nil {
		t.Fatal(err)
	}
	create(s, "Kept")
	write("scenarios: [{operation: create_group, example: '10021'}]\n")
	if err := s.ReloadFiles(ctx); err != nil {
		t.Fatal(err)
	}
	if got := create(s, "New"); got != 10021.0 {
		t.Errorf("after the reload: ErrorCode %v, want 10021", got)
	}
	write("scenarios: [{operation: nope}]\n")
	if err := s.ReloadFiles(ctx); err == nil {
		t.Error("a broken file reloaded")
	}
	if got := create(s, "Other"); got != 10021.0 {
		t.Errorf("after a broken reload: ErrorCode %v, want 10021", got)
	}
	if _, ok := s.Store().Get("tencent", "groups", "Kept"); !ok {
		t.Error("the store lost its record")
	}
}
