package tmpl

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

type scope struct {
	vars  map[string]any
	items []Scope
}

func (s scope) Lookup(name string) (any, bool) {
	v, ok := s.vars[name]
	return v, ok
}

func (s scope) Call(fn string, args []any) (any, bool, error) {
	switch fn {
	case "upper":
		return "UP:" + Text(args[0]), true, nil
	case "none":
		return nil, false, nil
	}
	return nil, false, errors.New("no function " + fn)
}

func (s scope) Items() []Scope { return s.items }

func TestRender(t *testing.T) {
	item := func(field, msg string, value any) Scope {
		return scope{vars: map[string]any{"field": field, "message": msg, "value": value}}
	}
	s := scope{
		vars: map[string]any{"message": "Name is required", "code": json.Number("10004"), "body.GroupId": "G1"},
		items: []Scope{
			item("Name", "is a required field", nil),
			item("Users[0]", "is not a valid integer", "x"),
			item("Name", "is too long", "abc"),
		},
	}
	tests := []struct {
		name, tmpl, want string
	}{
		{"text", `"{{message}}!"`, `"Name is required!"`},
		{"keeps type", `{"ErrorCode":"{{code}}"}`, `{"ErrorCode":10004}`},
		{"number in text", `"code {{code}}"`, `"code 10004"`},
		{"coalesce", `"{{missing ?? body.GroupId}}"`, `"G1"`},
		{"coalesce to call", `"{{none() ?? upper('x')}}"`, `"UP:x"`},
		{"undefined is null", `{"a":"{{missing}}"}`, `{"a":null}`},
		{"undefined in text is empty", `"[{{missing}}]"`, `"[]"`},
		{"constant", `"{{'lit' }}"`, `"lit"`},
		{"literals", `["{{missing ?? false}}","{{missing ?? true}}","{{missing ?? null}}","{{missing ?? []}}","{{missing ?? {}}}"]`, `[false,true,null,[],{}]`},
		{"string filter", `"{{code | string}}"`, `"10004"`},
		{"name argument", `"{{upper(body.GroupId)}}"`, `"UP:G1"`},
		{"string filter after coalesce", `"{{missing ?? code | string}}"`, `"10004"`},
		{"each", `{"Errors":{"$each":{"PropertyName":"{{field}}","AttemptedValue":"{{value}}"}}}`,
			`{"Errors":[{"PropertyName":"Name","AttemptedValue":null},{"PropertyName":"Users[0]","AttemptedValue":"x"},{"PropertyName":"Name","AttemptedValue":"abc"}]}`},
		{"group", `{"$group":{"key":"bag.{{field}}","value":"{{message}}"}}`,
			`{"bag.Name":["is a required field","is too long"],"bag.Users[0]":["is not a valid integer"]}`},
		{"optional leaves the key out", `{"a":"{{missing | optional}}","b":"{{code | optional}}","c":["{{missing | optional}}",1]}`, `{"b":10004,"c":[1]}`},
		{"number filter", `"{{body.GroupId | number}}{{code | string | number}}"`, `"G110004"`},
		{"if then", `{"$if":"{{code}}","then":"yes","else":"no"}`, `"yes"`},
		{"if else", `{"$if":"{{missing}}","then":"yes","else":"no"}`, `"no"`},
		{"if without else", `{"a":{"$if":"{{missing}}","then":"yes"}}`, `{"a":null}`},
		{"join", `{"$join":{"item":"{{field}}: {{message}}","sep":"; "}}`,
			`"Name: is a required field; Users[0]: is not a valid integer; Name: is too long"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v any
			dec := json.NewDecoder(strings.NewReader(tt.tmpl))
			dec.UseNumber()
			if err := dec.Decode(&v); err != nil {
				t.Fatal(err)
			}
			tp, err := Compile(v)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tp.Render(s)
			if err != nil {
				t.Fatal(err)
			}
			var want any
			_ = json.Unmarshal([]byte(tt.want), &want)
			gb, _ := json.Marshal(got)
			var gotV any
			_ = json.Unmarshal(gb, &gotV)
			if !reflect.DeepEqual(gotV, want) {
				t.Errorf("got %s, want %s", gb, tt.want)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	for _, bad := range []any{"{{", "{{ }}", "{{a b}}", "{{f('x'}}", "{{f(g())}}", map[string]any{"$nope": 1}, map[string]any{"$if": "x", "than": 1}, "{{'x}}", "{{a | upper}}"} {
		if _, err := Compile(bad); err == nil {
			t.Errorf("Compile(%v) should fail", bad)
		}
	}
	if _, err := Compile("{{upper('x')}}"); err != nil {
		t.Error(err)
	}
	_, err := MustCompile("{{nofn()}}").Render(scope{})
	if err == nil {
		t.Error("an unknown function should fail at render")
	}
}

func TestRandomIsSeeded(t *testing.T) {
	draw := func(g *Gen) string {
		v, _, _ := (&Vars{Gen: g}).Call("random", []any{"@TGS#2", json.Number("8")})
		return v.(string)
	}
	a, b := draw(NewGen(7, true, nil)), draw(NewGen(7, true, nil))
	if a != b || len(a) != 14 || !strings.HasPrefix(a, "@TGS#2") {
		t.Errorf("seeded draws %q %q", a, b)
	}
	n, _, err := (&Vars{Gen: NewGen(7, true, nil)}).Call("randomInt", []any{json.Number("5"), json.Number("5")})
	if err != nil || n != json.Number("5") {
		t.Errorf("randomInt(5,5) = %v %v", n, err)
	}
	if _, _, err := (&Vars{Gen: NewGen(7, true, nil)}).Call("nope", nil); err == nil {
		t.Error("an unknown function should fail")
	}
}
