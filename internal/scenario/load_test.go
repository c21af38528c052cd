package scenario

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/chatmock/chatmock/spec"
)

func TestExampleFilesLoadAndMatchTheDocuments(t *testing.T) {
	srcs, err := FromPaths([]string{"../../fixtures/scenarios"})
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 4 {
		t.Fatalf("%d example files, want 4", len(srcs))
	}
	list, err := LoadFiles(srcs)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := spec.Load(context.Background(), spec.Bundled())
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(list, docs); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"flaky-create-group":      "../../fixtures/scenarios/flaky-network.yaml: line 6",
		"slow-chat-rooms":         "../../fixtures/scenarios/nexudus-slow.yaml: line 7",
		"duplicate-group-ids":     "../../fixtures/scenarios/tencent-duplicate-ids.yaml: line 7",
		"create-group-rate-limit": "../../fixtures/scenarios/tencent-rate-limit.yaml: line 7",
	}
	r := NewRegistry(1, true)
	for _, s := range list {
		if want[s.ID] != s.Source {
			t.Errorf("%s: source %q, want %q", s.ID, s.Source, want[s.ID])
		}
		if _, err := r.Add(s); err != nil {
			t.Error(err)
		}
	}
	if s := list[1]; s.Delay == nil || s.Delay.MedianMS != 2000 || s.Delay.Sigma != 0.3 {
		t.Errorf("nexudus delay: %+v", s.Delay)
	}
}

func TestBadFilesNameFileAndLine(t *testing.T) {
	tests := []struct{ file, want string }{
		{"typo-key.yaml", "testdata/typo-key.yaml: line 5 (/scenarios/0/when/0/equls): unknown key \"equls\""},
		{"typo-field.yaml", "testdata/typo-field.yaml: line 3 (/scenarios/0/exmaple): unknown key \"exmaple\""},
		{"bad-fault.yaml", "testdata/bad-fault.yaml: line 5 (/scenarios/1/fault): value must be one of 'reset', 'empty', 'malformed', 'drip', 'timeout'"},
		{"drip-without-fault.yaml", "testdata/drip-without-fault.yaml: line 4 (/scenarios/0/drip_ms): only with fault drip"},
		{"bad-delay.yaml", "testdata/bad-delay.yaml: line 4 (/scenarios/0/delay/min_ms): 900 is above max_ms 100"},
		{"not-yaml.yaml", "testdata/not-yaml.yaml: not YAML:"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			srcs, err := FromPaths([]string{"testdata/" + tt.file})
			if err != nil {
				t.Fatal(err)
			}
			_, err = LoadFiles(srcs)
			var fe *Error
			if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("got  %v\nwant %s", err, tt.want)
			}
		})
	}
}

func TestVerifyNamesTheScenario(t *testing.T) {
	docs, err := spec.Load(context.Background(), spec.Bundled())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		s    Scenario
		want string
	}{
		{Scenario{Operation: "create_groups", Fault: "reset", Source: "qa.yaml: line 2"}, `qa.yaml: line 2: no document has the operation "create_groups"`},
		{Scenario{Operation: "create_group", Example: "99999", Source: "qa.yaml: line 2"}, `qa.yaml: line 2: the operation create_group documents no example "99999"`},
		{Scenario{ID: "s4", Operation: "create_group", RateLimit: &RateLimit{PerSecond: 1, Example: "6007"}}, `scenario s4: the operation create_group documents no example "6007"`},
	}
	for _, tt := range tests {
		if err := Verify([]*Scenario{&tt.s}, docs); err == nil || err.Error() != tt.want {
			t.Errorf("got  %v\nwant %s", err, tt.want)
		}
	}
}
