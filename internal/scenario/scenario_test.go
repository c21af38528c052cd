package scenario

import (
	"encoding/json"
	"testing"
)

func intp(n int) *int           { return &n }
func floatp(f float64) *float64 { return &f }
func parse(t *testing.T, js string) *Scenario {
	t.Helper()
	s := &Scenario{}
	if err := json.Unmarshal([]byte(js), s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name, scenario, want string
	}{
		{"example", `{"operation":"create_group","example":"10021"}`, ""},
		{"body", `{"operation":"create_group","status":503,"body":{"x":1}}`, ""},
		{"delay only", `{"operation":"create_group","delay_ms":300}`, ""},
		{"uniform", `{"operation":"create_group","delay":{"min_ms":0,"max_ms":300}}`, ""},
		{"lognormal", `{"operation":"create_group","delay":{"median_ms":2000,"sigma":0.3}}`, ""},
		{"drip", `{"operation":"create_group","example":"10021","fault":"drip","drip_ms":500}`, ""},
		{"rate limit", `{"operation":"create_group","rate_limit":{"per_second":200,"example":"60007"},"status":429}`, ""},
		{"conditions", `{"operation":"create_group","when":[{"body":"GroupId","matches":"^@TGS#"},{"header":"X-Test","exists":true}],"fault":"reset"}`, ""},
		{"no operation", `{"example":"10021"}`, "operation: required: the operationId the scenario applies to"},
		{"no effect", `{"operation":"create_group","times":2}`, "a scenario needs an effect: example, body, delay_ms or delay, fault, or rate_limit"},
		{"status alone", `{"operation":"create_group","status":500}`, "status: give a body with it, or an example whose status it overrides"},
		{"bad status", `{"operation":"create_group","status":99,"body":"x"}`, "status: 99 is not an HTTP status (100 to 599)"},
		{"example and body", `{"operation":"create_group","example":"10021","body":{}}`, "body: a scenario answers with an example or a body, not both"},
		{"bad fault", `{"operation":"create_group","fault":"resett"}`, `fault: "resett" is not a fault (one of reset, empty, malformed, drip, timeout)`},
		{"reset with body", `{"operation":"create_group","fault":"reset","body":"x"}`, "fault: reset answers nothing: drop example, status and body"},
		{"drip without drip", `{"operation":"create_group","example":"10021","drip_ms":500}`, "drip_ms: only with fault drip"},
		{"probability 0", `{"operation":"create_group","fault":"reset","probability":0}`, "probability: 0 is not in (0, 1]"},
		{"probability above 1", `{"operation":"create_group","fault":"reset","probability":1.5}`, "probability: 1.5 is not in (0, 1]"},
		{"times 0", `{"operation":"create_group","fault":"reset","times":0}`, "times: 0: give at least 1"},
		{"two delays", `{"operation":"create_group","delay_ms":5,"delay":{"fixed_ms":5}}`, "delay: give delay_ms or delay, not both"},
		{"two kinds", `{"operation":"create_group","delay":{"fixed_ms":5,"max_ms":9}}`, "delay: give exactly one of fixed_ms, min_ms and max_ms (uniform), or median_ms and sigma (lognormal)"},
		{"empty delay", `{"operation":"create_group","delay":{}}`, "delay: give exactly one of fixed_ms, min_ms and max_ms (uniform), or median_ms and sigma (lognormal)"},
		{"min above max", `{"operation":"create_group","delay":{"min_ms":900,"max_ms":100}}`, "delay.min_ms: 900 is above max_ms 100"},
		{"sigma alone", `{"operation":"create_group","delay":{"sigma":0.3}}`, "delay.median_ms: a lognormal delay needs a median above 0"},
		{"negative sigma", `{"operation":"create_group","delay":{"median_ms":10,"sigma":-1}}`, "delay.sigma: -1 is negative"},
		{"rate 0", `{"operation":"create_group","rate_limit":{"per_second":0,"example":"60007"}}`, "rate_limit.per_second: 0: allow at least 1 call a second"},
		{"rate no example", `{"operation":"create_group","rate_limit":{"per_second":5}}`, "rate_limit.example: required: the API's own limit error to answer beyond the rate"},
		{"rate and example", `{"operation":"create_group","example":"10021","rate_limit":{"per_second":5,"example":"60007"}}`, "rate_limit: answers with its own example: drop example, body and fault"},
		{"condition typo", `{"operation":"create_group","fault":"reset","when":[{"body":"GroupId","equls":"x"}]}`, `when.0.equls: unknown key "equls" (a condition names one of body, query, header, path, tested with exists, equals, notEquals, in, notIn, matches, notMatches, gt, gte, lt, lte, bytesGt, bytesGte, bytesLt, bytesLte)`},
		{"condition two sources", `{"operation":"create_group","fault":"reset","when":[{"body":"a","query":"b","exists":true}]}`, "when.0: a condition names one of body, query, header, path"},
		{"condition no test", `{"operation":"create_group","fault":"reset","when":[{"query":"debug"}]}`, `when.0: the condition on query "debug" tests nothing (add exists, equals, in, matches, gt, ...)`},
		{"condition bad regexp", `{"operation":"create_group","fault":"reset","when":[{"body":"a","matches":"("}]}`, "when.0.matches: not a regular expression: error parsing regexp: missing closing ): `(`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := parse(t, tt.scenario).Check()
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}
