package cond_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/chatmock/chatmock/internal/rules"
	"github.com/chatmock/chatmock/internal/scenario"
	"github.com/chatmock/chatmock/spec"
)

// One condition, with a test of every kind, reads the same in a rule file
// and a scenario file; a typo is refused by both at its line.
func TestRuleAndScenarioFilesTakeTheSameConditions(t *testing.T) {
	const when = `
      - {path: roomId, notIn: [a, b]}
      - {body: Name, bytesGte: 1, bytesLt: 64, notMatches: '^ '}
      - {query: v, in: [1, 2], gte: 1}
      - {header: X-Trace, exists: false}
`
	fs := fstest.MapFS{
		"rules.yaml": {Data: []byte("api: tencent\nrules:\n  - name: r\n    operation: create_group\n    when:" + when +
			"    then: {example: '10021'}\n")},
		"scenarios.yaml": {Data: []byte("scenarios:\n  - operation: create_group\n    fault: reset\n    when:" + when)},
		"bad-rules.yaml": {Data: []byte("api: tencent\nrules:\n  - name: r\n    operation: create_group\n    when:\n      - {body: a, bytesGtt: 1}\n" +
			"    then: {example: '10021'}\n")},
		"bad-scenarios.yaml": {Data: []byte("scenarios:\n  - operation: create_group\n    fault: reset\n    when:\n      - {body: a, bytesGtt: 1}\n")},
	}
	src := func(name string) spec.Source { return spec.Source{FS: fs, Path: name, Name: name} }
	if _, err := rules.Load([]rules.Source{src("rules.yaml")}); err != nil {
		t.Errorf("rule file: %v", err)
	}
	if _, err := scenario.LoadFiles([]spec.Source{src("scenarios.yaml")}); err != nil {
		t.Errorf("scenario file: %v", err)
	}
	_, err1 := rules.Load([]rules.Source{src("bad-rules.yaml")})
	_, err2 := scenario.LoadFiles([]spec.Source{src("bad-scenarios.yaml")})
	for _, err := range []error{err1, err2} {
		if err == nil || !strings.Contains(err.Error(), `/when/0/bytesGtt)`) || !strings.Contains(err.Error(), `unknown key "bytesGtt"`) {
			t.Errorf("a typo: %v", err)
		}
	}
}
