package rules

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/chatmock/chatmock/internal/store"
	"github.com/chatmock/chatmock/internal/tmpl"
	"github.com/chatmock/chatmock/spec"
)

func TestBundledRulesLoadAndMatchTheDocuments(t *testing.T) {
	set, err := Load(Bundled())
	if err != nil {
		t.Fatal(err)
	}
	docs, err := spec.Load(context.Background(), spec.Bundled())
	if err != nil {
		t.Fatal(err)
	}
	if err := set.Verify(docs); err != nil {
		t.Fatal(err)
	}
	if n := len(set.For("tencent", "create_group")); n < 10 {
		t.Errorf("only %d create_group rules", n)
	}
	ed, err := set.Edition("tencent", "developer")
	if err != nil || ed["maxGroups"] != json.Number("100") {
		t.Errorf("developer edition: %v %v", ed, err)
	}
	if _, err := set.Edition("tencent", "gold"); err == nil || !strings.Contains(err.Error(), "known: developer, premium, standard") {
		t.Errorf("unknown edition: %v", err)
	}
}

// A bad rule file stops start-up with its file and position.
func TestBadFilesNameFileAndLine(t *testing.T) {
	tests := []struct{ file, want string }{
		{"typo-key.yaml", `testdata/typo-key.yaml: line 6 (/rules/0/when/0/equls): unknown key "equls"`},
		{"missing-then.yaml", `testdata/missing-then.yaml: line 3 (/rules/0): missing property 'then'`},
		{"bad-regex.yaml", "testdata/bad-regex.yaml: line 7 (/rules/0/when/0/matches): not a regular expression: error parsing regexp: missing closing ): `^(@TGS#`"},
		{"not-yaml.yaml", "testdata/not-yaml.yaml: not YAML:"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			srcs, err := FromPaths([]string{"testdata/" + tt.file})
			if err != nil {
				t.Fatal(err)
			}
			_, err = Load(srcs)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("got  %v\nwant %s", err, tt.want)
			}
		})
	}
}

func TestVerifyNamesTheRule(t *testing.T) {
	docs, _ := spec.Load(context.Background(), spec.Bundled())
	tests := []struct{ file, want string }{
		{"unknown-operation.yaml", `testdata/unknown-operation.yaml: line 3: rule "nowhere": no document of api "tencent" has the operation "create_groups"`},
		{"unknown-example.yaml", `testdata/unknown-example.yaml: line 3: rule "no-such-example": the operation create_group documents no example "99999"`},
	}
	for _, tt := range tests {
		srcs, _ := FromPaths([]string{"testdata/" + tt.file})
		set, err := Load(srcs)
		if err != nil {
			t.Fatal(err)
		}
		if err := set.Verify(docs); err == nil || err.Error() != tt.want {
			t.Errorf("got  %v\nwant %s", err, tt.want)
		}
	}
}

type req map[string]any

func (r req) Get(source, path string) (any, bool) {
	v, ok := r[source+":"+path]
	return v, ok
}

type view map[string]store.Record

func (v view) Get(kind, key string) (store.Record, bool) {
	r, ok := v[kind+":"+key]
	return r, ok
}

func (v view) Count(kind string, where func(store.Record) bool) int {
	n := 0
	for k, r := range v {
		if strings.HasPrefix(k, kind+":") && (where == nil || where(r)) {
			n++
		}
	}
	return n
}

// Which rule answers, for the bundled Tencent rules.
func TestTencentRules(t *testing.T) {
	set, err := Load(Bundled())
	if err != nil {
		t.Fatal(err)
	}
	dev, _ := set.Edition("tencent", "developer")
	existing := view{"groups:G1": {Key: "G1", Owner: "leckie", Creator: "admin", Data: json.RawMessage(`{"request":{"Type":"Public"}}`)}}
	tests := []struct {
		name    string
		req     req
		store   view
		edition map[string]any
		want    string // the rule that answers, "" for none
	}{
		{"reserved prefix", req{"body:Type": "Public", "body:GroupId": "@TGS#x"}, nil, nil, "custom-id-reserved-prefix"},
		{"community prefix ok", req{"body:Type": "Community", "body:GroupId": "@TGS#_x"}, nil, nil, ""},
		{"community prefix missing", req{"body:Type": "Community", "body:GroupId": "x"}, nil, nil, "community-id-prefix"},
		{"same owner", req{"body:GroupId": "G1", "body:Owner_Account": "leckie"}, existing, nil, "group-id-taken-by-same-owner"},
		{"other owner", req{"body:GroupId": "G1", "body:Owner_Account": "bob"}, existing, nil, "group-id-taken"},
		{"same identifier", req{"body:GroupId": "G1", "query:identifier": "admin"}, existing, nil, "group-id-taken-by-same-identifier"},
		{"other identifier", req{"body:GroupId": "G1", "query:identifier": "ops"}, existing, nil, "group-id-taken"},
		{"new id", req{"body:GroupId": "G2", "query:identifier": "admin"}, existing, nil, ""},
		{"avchatroom members", req{"body:Type": "AVChatRoom", "body:MemberList.#": json.Number("1")}, nil, nil, "avchatroom-member-list"},
		{"avchatroom empty list", req{"body:Type": "AVChatRoom", "body:MemberList.#": json.Number("0")}, nil, nil, ""},
		{"quotas off without edition", req{"body:Type": "Public", "body:MemberList.#": json.Number("99")}, nil, nil, ""},
		{"members over developer limit", req{"body:Type": "Public", "body:MemberList.#": json.Number("21")}, nil, dev, "members-without-owner"},
		{"owner counts as member", req{"body:Type": "Public", "body:Owner_Account": "o", "body:MemberList.#": json.Number("20")}, nil, dev, "members-with-owner"},
		{"at the developer limit", req{"body:Type": "Public", "body:MemberList.#": json.Number("20")}, nil, dev, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.store == nil {
				tt.store = view{}
			}
			env := &Env{Request: tt.req, Store: tt.store, Scope: &tmpl.Vars{Request: tt.req, Values: map[string]any{"edition": tt.edition}}}
			got := ""
			for _, r := range set.For("tencent", "create_group") {
				if r.Holds(env) {
					got = r.Name
					break
				}
			}
			if got != tt.want {
				t.Errorf("rule %q, want %q", got, tt.want)
			}
		})
	}
}
