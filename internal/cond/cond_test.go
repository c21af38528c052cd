package cond

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/chatmock/chatmock/internal/tmpl"
	"github.com/oasdiff/yaml"
)

type req map[string]any

func (r req) Get(source, path string) (any, bool) {
	v, ok := r[source+":"+path]
	return v, ok
}

func compile(t *testing.T, src string) Cond {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(src))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	c, err := Compile(m)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return c
}

// Every test of the language, on a present and an absent value.
func TestHolds(t *testing.T) {
	r := req{"body:Type": "Public", "body:n": json.Number("3"), "body:list": []any{"a"},
		"query:v": "2", "header:User-Agent": "curl/8", "path:roomId": "general", "body:name": "héllo"}
	tests := []struct {
		cond string
		want bool
	}{
		{`{"body":"Type","exists":true}`, true},
		{`{"body":"Nope","exists":true}`, false},
		{`{"body":"Nope","exists":false}`, true},
		{`{"body":"Type","equals":"Public"}`, true},
		{`{"body":"Type","equals":"public"}`, false},
		{`{"body":"n","equals":3.0}`, true},     // numbers as numbers
		{`{"body":"n","equals":"3.0"}`, false},  // a string is text
		{`{"query":"v","equals":2}`, true},      // text "2" = 2
		{`{"body":"Nope","equals":"x"}`, false}, // absent fails equals
		{`{"body":"Type","notEquals":"Private"}`, true},
		{`{"body":"Type","notEquals":"Public"}`, false},
		{`{"body":"Nope","notEquals":"x"}`, true}, // absent passes notEquals
		{`{"query":"v","in":["1","2"]}`, true},
		{`{"query":"v","in":[1,3]}`, false},
		{`{"query":"v","notIn":[1,3]}`, true},
		{`{"query":"Nope","notIn":[1]}`, true},
		{`{"header":"User-Agent","matches":"^curl/"}`, true},
		{`{"header":"user-agent","matches":"^wget/"}`, false},
		{`{"body":"n","matches":"3"}`, false}, // matches reads strings only
		{`{"header":"User-Agent","notMatches":"^wget/"}`, true},
		{`{"path":"roomId","equals":"general"}`, true},
		{`{"body":"n","gt":2}`, true},
		{`{"body":"n","gt":3}`, false},
		{`{"body":"n","gte":3,"lte":3}`, true},
		{`{"body":"n","lt":"3"}`, false},
		{`{"body":"Type","gt":1}`, false},     // not a number
		{`{"body":"name","bytesGt":5}`, true}, // "héllo" is 6 bytes
		{`{"body":"name","bytesLte":5}`, false},
		{`{"body":"name","bytesGte":6,"bytesLt":7}`, true},
		{`{"body":"list","equals":"x"}`, false},
		{`{"body":"n","equals":"{{query.v}}"}`, false},  // a template operand, read from the request
		{`{"body":"n","gt":"{{query.v}}"}`, true},       // 3 > 2
		{`{"body":"n","lt":"{{edition.nope}}"}`, false}, // an undefined bound fails
		{`{"body":"Type","exists":true,"equals":"Public","notIn":["x"]}`, true},
	}
	for _, tt := range tests {
		c := compile(t, tt.cond)
		if got := c.Holds(r, nil); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.cond, got, tt.want)
		}
	}
	// With a scope of its own, operands read its names.
	c := compile(t, `{"body":"n","lte":"{{edition.max}}"}`)
	scope := &tmpl.Vars{Request: r, Values: map[string]any{"edition": map[string]any{"max": json.Number("3")}}}
	if !c.Holds(r, scope) {
		t.Error("edition.max: want true")
	}
	if !All(nil, r, nil) || All([]Cond{c, compile(t, `{"body":"Nope","exists":true}`)}, r, scope) {
		t.Error("All: every condition must hold")
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct{ cond, key, msg string }{
		{`{"body":"a","equls":1}`, "equls", `unknown key "equls"`},
		{`{"body":"a","query":"b","exists":true}`, "", "a condition names one of body, query, header, path"},
		{`{"exists":true}`, "", "a condition names one of"},
		{`{"body":"","exists":true}`, "body", "non-empty string"},
		{`{"body":"a"}`, "", `the condition on body "a" tests nothing`},
		{`{"body":"a","exists":"yes"}`, "exists", "want true or false"},
		{`{"body":"a","equals":{"x":1}}`, "equals", "compare with a string, number, boolean or null"},
		{`{"body":"a","in":"x"}`, "in", "want a list"},
		{`{"body":"a","in":[1,[2]]}`, "in/1", "compare with a string"},
		{`{"body":"a","matches":"("}`, "matches", "not a regular expression"},
		{`{"body":"a","gt":"ten"}`, "gt", "want a number"},
		{`{"body":"a","bytesGt":true}`, "bytesGt", "want a number"},
		{`{"body":"a","equals":"{{"}`, "equals", "without }}"},
	}
	for _, tt := range tests {
		var m map[string]any
		_ = json.Unmarshal([]byte(tt.cond), &m)
		_, err := Compile(m)
		var e *Error
		if !errors.As(err, &e) || e.Key != tt.key || !strings.Contains(e.Msg, tt.msg) {
			t.Errorf("%s: %v (key %q), want key %q and %q", tt.cond, err, keyOf(e), tt.key, tt.msg)
		}
	}
	if _, err := CompileList([]any{map[string]any{"body": "a", "exists": true}, map[string]any{"body": "b"}}); err == nil || err.(*Error).Key != "1" {
		t.Errorf("CompileList: %v, want the second condition named", err)
	}
}

func keyOf(e *Error) string {
	if e == nil {
		return ""
	}
	return e.Key
}

// The admin API document declares the same condition as the schema the
// rule and scenario files refer to, and the compiler knows the same keys.
func TestOneSchema(t *testing.T) {
	var own map[string]any
	if err := json.Unmarshal(SchemaJSON, &own); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("../../openapi/admin/chatmock-admin.yaml")
	if err != nil {
		t.Fatal(err)
	}
	j, err := yaml.YAMLToJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct {
			Schemas map[string]map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(j, &doc); err != nil {
		t.Fatal(err)
	}
	admin := doc.Components.Schemas["Condition"]
	strip := func(props any) map[string]any {
		out := map[string]any{}
		for k, v := range props.(map[string]any) {
			p := map[string]any{}
			for kk, vv := range v.(map[string]any) {
				if kk != "description" {
					p[kk] = vv
				}
			}
			out[k] = p
		}
		return out
	}
	if a, o := strip(admin["properties"]), strip(own["properties"]); !reflect.DeepEqual(a, o) {
		t.Errorf("the admin document's Condition differs from schema.json:\nadmin %v\n own  %v", a, o)
	}
	if admin["additionalProperties"] != false || own["additionalProperties"] != false {
		t.Error("both schemas refuse unknown keys")
	}
	var keys []string
	for k := range own["properties"].(map[string]any) {
		keys = append(keys, k)
	}
	if len(keys) != len(Sources)+len(Tests) {
		t.Errorf("schema keys %v, compiler keys %v %v", keys, Sources, Tests)
	}
	for _, k := range keys {
		if !slices.Contains(Sources, k) && !slices.Contains(Tests, k) {
			t.Errorf("the schema has %q, the compiler does not", k)
		}
	}
}
