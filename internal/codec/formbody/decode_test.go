package formbody_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/chatmock/chatmock/fixtures"
	"github.com/chatmock/chatmock/internal/codec/formbody"
	"github.com/chatmock/chatmock/spec"
)

const formType = "application/x-www-form-urlencoded"

// bag is the ASP.NET createChatGroup form media type, loaded once from the
// bundled document, with its decoder.
type bag struct {
	doc   *spec.Document
	media *spec.Media
	dec   *formbody.Decoder
}

var loadBag = sync.OnceValues(func() (*bag, error) {
	set, err := spec.Load(context.Background(), spec.Bundled())
	if err != nil {
		return nil, err
	}
	for _, op := range set.Operations() {
		if op.ID != "createChatGroup" {
			continue
		}
		for _, m := range op.RequestBody {
			if m.Type != formType {
				continue
			}
			node, ok := lookup(op.Doc.Raw, m.Pointer+"/schema").(map[string]any)
			if !ok {
				return nil, fmt.Errorf("no schema at %s", m.Pointer)
			}
			dec, err := formbody.Compile(node, resolver(op.Doc))
			if err != nil {
				return nil, err
			}
			return &bag{doc: op.Doc, media: m, dec: dec}, nil
		}
	}
	return nil, errors.New("no createChatGroup form body")
})

func bagFor(tb testing.TB) *bag {
	tb.Helper()
	b, err := loadBag()
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// lookup returns the node a JSON pointer designates, or nil.
func lookup(v any, ptr string) any {
	if ptr == "" {
		return v
	}
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[tok]
	}
	return v
}

// resolver follows "#/components/schemas/X" references inside doc.Raw.
func resolver(doc *spec.Document) func(string) (map[string]any, error) {
	return func(ref string) (map[string]any, error) {
		if !strings.HasPrefix(ref, "#/components/schemas/") {
			return nil, fmt.Errorf("$ref %q: not a component schema", ref)
		}
		if m, ok := lookup(doc.Raw, ref[1:]).(map[string]any); ok {
			return m, nil
		}
		return nil, fmt.Errorf("$ref %q points to nothing", ref)
	}
}

func jsonValue(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return v
}

func marshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%#v: %v", v, err)
	}
	return string(b)
}

// seedJSON is the help page's JSON sample, two members.
func seedJSON(t *testing.T) any {
	t.Helper()
	b, err := fixtures.FS.ReadFile("seeds/aspnet/createChatGroup/requests/json-sample.json")
	if err != nil {
		t.Fatal(err)
	}
	return jsonValue(t, b)
}

// formSample is the document's own form example, one member.
func formSample(t *testing.T) any {
	t.Helper()
	for _, e := range bagFor(t).media.Examples {
		if e.Name == "form-sample" && e.HasValue {
			return e.Value
		}
	}
	t.Fatal("no form-sample example")
	return nil
}

const date = "2025-12-06T04%3A31%3A11.4441398%2B00%3A00"

// seedForm writes the JSON sample as a form with members members, naming
// each key with key (tokens: names and array indices).
func seedForm(members int, key func(tokens ...string) string) string {
	pairs := []string{
		key("group", "id") + "=1",
		key("group", "user_id") + "=2",
		key("group", "name") + "=sample+string+3",
		key("group", "created_at") + "=" + date,
		key("group", "last_modified") + "=" + date,
		key("group", "description") + "=sample%20string%206",
		key("group", "enabled") + "=true",
	}
	for i := range members {
		n := fmt.Sprint(i)
		pairs = append(pairs,
			key("members", n, "id")+"=1",
			key("members", n, "group_id")+"=2",
			key("members", n, "member_id")+"=3",
			key("members", n, "date")+"="+date,
		)
	}
	return strings.Join(pairs, "&")
}

// brackets: group[id], members[0][id].
func brackets(tokens ...string) string {
	return tokens[0] + "[" + strings.Join(tokens[1:], "][") + "]"
}

// dots: group.id, members[0].id.
func dots(tokens ...string) string {
	s := tokens[0]
	for _, t := range tokens[1:] {
		if t[0] >= '0' && t[0] <= '9' {
			s += "[" + t + "]"
		} else {
			s += "." + t
		}
	}
	return s
}

// mixed alternates the two forms from one segment to the next, and
// upper-cases nothing.
func mixed(tokens ...string) string {
	s := tokens[0]
	for i, t := range tokens[1:] {
		if i%2 == 0 && (t[0] < '0' || t[0] > '9') {
			s += "." + t
		} else {
			s += "[" + t + "]"
		}
	}
	return s
}

// shouting upper-cases every name.
func shouting(tokens ...string) string {
	up := make([]string, len(tokens))
	for i, t := range tokens {
		up[i] = strings.ToUpper(t)
	}
	return brackets(up...)
}

func TestDecodeSeed(t *testing.T) {
	d := bagFor(t).dec
	tests := []struct {
		name string
		body string
		want func(*testing.T) any
	}{
		{"brackets, both members", seedForm(2, brackets), seedJSON},
		{"brackets, one member (the document's form-sample)", seedForm(1, brackets), formSample},
		{"dots, both members", seedForm(2, dots), seedJSON},
		{"dots and brackets mixed", seedForm(2, mixed), seedJSON},
		{"upper-case names", seedForm(2, shouting), seedJSON},
		{"reversed order", reverse(seedForm(2, brackets)), seedJSON},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := d.Decode([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if g, w := marshal(t, got), marshal(t, tc.want(t)); g != w {
				t.Errorf("%s\n got %s\nwant %s", tc.body, g, w)
			}
		})
	}
}

func reverse(form string) string {
	pairs := strings.Split(form, "&")
	for i, j := 0, len(pairs)-1; i < j; i, j = i+1, j-1 {
		pairs[i], pairs[j] = pairs[j], pairs[i]
	}
	return strings.Join(pairs, "&")
}

func TestDecode(t *testing.T) {
	d := bagFor(t).dec
	tests := []struct {
		name, body, want string
	}{
		{"empty body", "", `{}`},
		{"only separators", "&&&", `{}`},
		{"mixed-case keys", "Group[ID]=1&GROUP.Name=x&Members[0][Member_Id]=3&mEmBeRs[0].DATE=d",
			`{"group":{"id":1,"name":"x"},"members":[{"member_id":3,"date":"d"}]}`},
		{"sparse indices stop at the first gap", "members[0][id]=1&members[1][id]=2&members[3][id]=4",
			`{"members":[{"id":1},{"id":2}]}`},
		{"indices in any order", "members[1][id]=2&members[0][id]=1", `{"members":[{"id":1},{"id":2}]}`},
		{"no index 0", "members[1][id]=2", `{"members":[]}`},
		{"index 10000 is allowed", "members[10000][id]=2", `{"members":[]}`},
		{"leading zeros in an index", "members[00][id]=1&members[01][id]=2", `{"members":[{"id":1},{"id":2}]}`},
		{"appended elements", "members[][id]=1&members[][id]=2", `{"members":[{"id":1},{"id":2}]}`},
		{"a non-integer stays a string", "group[id]=abc", `{"group":{"id":"abc"}}`},
		{"a decimal is not an int", "group[id]=1.0", `{"group":{"id":"1.0"}}`},
		{"integer written as JSON does", "group[id]=%2B007&group[user_id]=-0", `{"group":{"id":7,"user_id":0}}`},
		{"a plus is a space", "group[name]=a+b%20c%2Bd", `{"group":{"name":"a b c+d"}}`},
		{"booleans are case-insensitive", "group[enabled]=False", `{"group":{"enabled":false}}`},
		{"a boolean of another word stays a string", "group[enabled]=1", `{"group":{"enabled":"1"}}`},
		{"the first scalar wins", "group[name]=a&group[name]=b&group[id]=1&group[ID]=2", `{"group":{"id":1,"name":"a"}}`},
		{"a key without '='", "group[name]", `{"group":{"name":""}}`},
		{"empty nullable string stays empty", "group[description]=", `{"group":{"description":""}}`},
		{"empty int stays empty", "group[id]=", `{"group":{"id":""}}`},
		{"empty nullable object is null", "group=", `{"group":null}`},
		{"empty nullable array is null", "members=", `{"members":null}`},
		{"a value for an object stays a string", "group=x", `{"group":"x"}`},
		{"a value for an array element stays a string", "members=x", `{"members":["x"]}`},
		{"unknown keys are ignored",
			"foo=1&bag[group][id]=1&group[nope]=2&group[id][x]=3&members[x][id]=1&members[-1][id]=1&members[0][id][y]=2&group[]=1&members[0][]=1",
			`{}`},
		{"unknown keys beside known ones", "group[id]=1&group[nope]=2&nope=3", `{"group":{"id":1}}`},
		{"brackets keep dots", "group[name.x]=1", `{}`},
		{"a very deep unknown key", strings.Repeat("a.", 5000) + "b=1", `{}`},
		{"a very deep known prefix", "members[0]" + strings.Repeat("[0]", 5000) + "=1", `{}`},
		{"a semicolon is literal", "group[name]=a;b", `{"group":{"name":"a;b"}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := d.Decode([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if g, w := marshal(t, got), marshal(t, jsonValue(t, []byte(tc.want))); g != w {
				t.Errorf("%s\n got %s\nwant %s", tc.body, g, w)
			}
		})
	}
}

func TestDecodeSyntaxError(t *testing.T) {
	d := bagFor(t).dec
	tooMany := strings.Repeat("x=1&", formbody.MaxPairs) + "last=1"
	tests := []struct {
		name, body, key string
	}{
		{"bad percent-encoding in a value", "group[id]=1&group[name]=%zz", "group[name]"},
		{"truncated percent-encoding", "group[name]=abc%2", "group[name]"},
		{"bad percent-encoding in a key", "group%5Bname%zz=1", "group%5Bname%zz"},
		{"bad percent-encoding in an unknown key's value", "nope=%", "nope"},
		{"index 10001", "members[10001][id]=1", "members[10001][id]"},
		{"a huge index", "members[99999999999999999999999][id]=1", "members[99999999999999999999999][id]"},
		{"too many pairs", tooMany, "last"},
		{"a value and sub-keys", "group=x&group[name]=y", "group[name]"},
		{"sub-keys and a value", "group[name]=y&group=x", "group"},
		{"an element both a value and an object", "members[0]=x&members[0][id]=1", "members[0][id]"},
		{"an array both indexed and given values", "members[0][id]=1&members=x", "members"},
		{"an array both appended and indexed", "members[][id]=1&members[0][id]=1", "members[0][id]"},
		{"an unclosed bracket", "group[name=1", "group[name"},
		{"text after a bracket", "group[name]x=1", "group[name]x"},
		{"a value that is not UTF-8", "group[name]=%FF", "group[name]"},
		{"a key that is not UTF-8", "group[n%FFame]=1", "group[n\ufffdame]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := d.Decode([]byte(tc.body))
			var se *formbody.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("got %v, %v; want a *SyntaxError", v, err)
			}
			if se.Key != tc.key {
				t.Errorf("key %q, want %q (%v)", se.Key, tc.key, err)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("%q", tc.key)) {
				t.Errorf("%q does not name the key", err)
			}
		})
	}
}

func TestDecodeValidates(t *testing.T) {
	b := bagFor(t)
	t.Run("the seed form is valid", func(t *testing.T) {
		v, err := b.dec.Decode([]byte(seedForm(2, brackets)))
		if err != nil {
			t.Fatal(err)
		}
		if err := b.media.Schema.Validate(v); err != nil {
			t.Errorf("%v", spec.Violations(err))
		}
	})
	for _, tc := range []struct{ body, pointer string }{
		{"group[id]=abc", "/group/id"},
		{"group[id]=", "/group/id"},
		{"group[enabled]=yes", "/group/enabled"},
		{"members[0][date]=yesterday", "/members/0/date"},
		{"group[id]=1&members[1][id]=1&members[0][member_id]=x", "/members/0/member_id"},
	} {
		t.Run(tc.body, func(t *testing.T) {
			v, err := b.dec.Decode([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			err = b.media.Schema.Validate(v)
			if err == nil {
				t.Fatalf("%s validates", marshal(t, v))
			}
			var ptrs []string
			for _, vi := range spec.Violations(err) {
				ptrs = append(ptrs, vi.Pointer)
			}
			if len(ptrs) == 0 || ptrs[0] != tc.pointer {
				t.Errorf("violations at %q, want %q", ptrs, tc.pointer)
			}
			for _, p := range ptrs {
				if p != tc.pointer {
					t.Errorf("a violation at %q too; want only %q", p, tc.pointer)
				}
			}
		})
	}
}

// schemas for the rules the ASP.NET document does not exercise.
var inline = map[string]map[string]any{
	"Root": {
		"type": "object",
		"properties": map[string]any{
			"tags":   map[string]any{"type": "array", "items": map[string]any{"type": "integer"}},
			"names":  map[string]any{"type": []any{"array", "null"}, "items": map[string]any{"type": "string"}},
			"grid":   map[string]any{"type": "array", "items": map[string]any{"type": "array", "items": map[string]any{"type": "integer"}}},
			"score":  map[string]any{"type": "number"},
			"count":  map[string]any{"type": []any{"integer", "null"}},
			"either": map[string]any{"type": []any{"boolean", "integer", "string"}},
			"counts": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "integer"}},
			"free":   map[string]any{"type": "object"},
			"closed": map[string]any{"type": "object", "properties": map[string]any{"a": map[string]any{"type": "string"}}, "additionalProperties": false},
			"open":   map[string]any{"type": "object", "properties": map[string]any{"a": map[string]any{"type": "integer"}}, "additionalProperties": true},
			"node":   map[string]any{"$ref": "#/components/schemas/Node"},
			"Id":     map[string]any{"type": "string"},
			"id":     map[string]any{"type": "integer"},
		},
	},
	"Node": {
		"type": "object",
		"properties": map[string]any{
			"name":  map[string]any{"type": "string"},
			"child": map[string]any{"$ref": "#/components/schemas/Node"},
			"kids":  map[string]any{"type": "array", "items": map[string]any{"$ref": "#/components/schemas/Node"}},
		},
	},
}

func inlineDecoder(t testing.TB) *formbody.Decoder {
	t.Helper()
	resolve := func(ref string) (map[string]any, error) {
		if s, ok := inline[strings.TrimPrefix(ref, "#/components/schemas/")]; ok {
			return s, nil
		}
		return nil, fmt.Errorf("no %s", ref)
	}
	d, err := formbody.Compile(map[string]any{"$ref": "#/components/schemas/Root"}, resolve)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDecodeInlineSchema(t *testing.T) {
	d := inlineDecoder(t)
	tests := []struct {
		name, body, want string
	}{
		{"a repeated key gives an array", "tags=1&tags=2", `{"tags":[1,2]}`},
		{"one value gives an array of one", "tags=1", `{"tags":[1]}`},
		{"appended scalars", "tags[]=1&tags[]=x&tags=3", `{"tags":[1,"x",3]}`},
		{"indexed scalars", "tags[1]=2&tags[0]=1", `{"tags":[1,2]}`},
		{"an empty item", "tags=", `{"tags":[""]}`},
		{"an empty nullable array", "names=", `{"names":null}`},
		{"two empty strings", "names=&names=", `{"names":["",""]}`},
		{"nested arrays", "grid[0][0]=1&grid[0][1]=2&grid[1][0]=3", `{"grid":[[1,2],[3]]}`},
		{"numbers", "score=1.50", `{"score":1.50}`},
		{"number with exponent", "score=-2.5E%2B3", `{"score":-2.5E+3}`},
		{"number written as JSON does", "score=%2B007.", `{"score":7}`},
		{"number without a whole part", "score=.5", `{"score":0.5}`},
		{"not a number", "score=1e", `{"score":"1e"}`},
		{"a dot is not a number", "score=.", `{"score":"."}`},
		{"an empty nullable integer", "count=", `{"count":null}`},
		{"types in the schema's order", "either=TRUE", `{"either":true}`},
		{"types in the schema's order, integer", "either=12", `{"either":12}`},
		{"types in the schema's order, string", "either=x", `{"either":"x"}`},
		{"additional properties keep the key as sent", "counts[A]=1&Counts.b=2&counts[c]=z", `{"counts":{"A":1,"b":2,"c":"z"}}`},
		{"a free-form object", "free[x]=y&free[y][z]=1", `{"free":{"x":"y"}}`},
		{"no additional properties", "closed[A]=1&closed[b]=2", `{"closed":{"a":"1"}}`},
		{"additional properties true", "open[A]=1&open[b]=2", `{"open":{"a":1,"b":"2"}}`},
		{"a recursive schema", "node[child][child][name]=x&node.kids[0].kids[0].name=y",
			`{"node":{"child":{"child":{"name":"x"}},"kids":[{"kids":[{"name":"y"}]}]}}`},
		{"a recursive schema, too deep", "node" + strings.Repeat("[child]", 100) + "[name]=x", `{}`},
		{"the exact spelling first", "Id=a&id=1", `{"Id":"a","id":1}`},
		{"folded: the first name in order", "ID=a", `{"Id":"a"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := d.Decode([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if g, w := marshal(t, got), marshal(t, jsonValue(t, []byte(tc.want))); g != w {
				t.Errorf("%s\n got %s\nwant %s", tc.body, g, w)
			}
		})
	}
}

func TestCompileRoots(t *testing.T) {
	none := func(ref string) (map[string]any, error) { return nil, fmt.Errorf("no %s", ref) }
	tests := []struct {
		name   string
		schema map[string]any
		body   string
		want   string
	}{
		{"an array root", map[string]any{"type": "array", "items": map[string]any{"type": "integer"}}, "[0]=1&[1]=2", `[1,2]`},
		{"an array root, empty", map[string]any{"type": "array"}, "", `[]`},
		{"a string root (Web API's '=value')", map[string]any{"type": "string"}, "=a+b", `"a b"`},
		{"a string root, empty", map[string]any{"type": "string"}, "", `null`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := formbody.Compile(tc.schema, none)
			if err != nil {
				t.Fatal(err)
			}
			got, err := d.Decode([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if g := marshal(t, got); g != tc.want {
				t.Errorf("got %s, want %s", g, tc.want)
			}
		})
	}
	t.Run("a dangling $ref", func(t *testing.T) {
		if _, err := formbody.Compile(map[string]any{"$ref": "#/components/schemas/X"}, none); err == nil {
			t.Error("no error")
		}
	})
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"",
		seedForm(2, brackets),
		seedForm(1, dots),
		"Group[ID]=1&members[3][id]=2&members[0].date=x",
		"members[][id]=1&members=&group=",
		"group[name]=%zz&a[b",
		"members[10001][id]=1",
	} {
		f.Add([]byte(s))
	}
	ds := []*formbody.Decoder{bagFor(f).dec, inlineDecoder(f)}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, d := range ds {
			v, err := d.Decode(body)
			if err != nil {
				var se *formbody.SyntaxError
				if !errors.As(err, &se) {
					t.Fatalf("%q: %v is not a *SyntaxError", body, err)
				}
				continue
			}
			if _, err := json.Marshal(v); err != nil {
				t.Fatalf("%q: decodes to %#v, which does not marshal: %v", body, v, err)
			}
		}
	})
}
