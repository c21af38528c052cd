package xmlbody

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

const (
	ctrlNS  = "urn:controllers"
	modelNS = "urn:models"
)

// A DataContract-like bag: a root in ctrlNS, a group and a wrapped member
// list whose members are in modelNS, members read in alphabetical order,
// and a map of message lists like HttpError.ModelState.
func bagSchemas() map[string]map[string]any {
	model := func(typ any) map[string]any {
		return map[string]any{"type": typ, "xml": map[string]any{"namespace": modelNS, "prefix": "m"}}
	}
	return map[string]map[string]any{
		"Bag": {
			"type": "object", "x-xml-member-order": "alphabetical",
			"xml": map[string]any{"name": "Bag", "namespace": ctrlNS},
			"properties": map[string]any{
				"group": map[string]any{"$ref": "#/components/schemas/Group"},
				"members": map[string]any{
					"type":  []any{"array", "null"},
					"xml":   map[string]any{"wrapped": true},
					"items": map[string]any{"$ref": "#/components/schemas/Member"},
				},
				"state": map[string]any{
					"type":                 "object",
					"additionalProperties": map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
				},
			},
		},
		"Group": {
			"type": []any{"object", "null"}, "x-xml-member-order": "alphabetical",
			"properties": map[string]any{
				"b_id":    model("integer"),
				"c_name":  model([]any{"string", "null"}),
				"d_on":    model("boolean"),
				"a_first": model("string"),
				"e_score": model("number"),
				"f_kind":  map[string]any{"type": "string", "xml": map[string]any{"attribute": true}},
			},
		},
		"Member": {
			"type": "object", "x-xml-member-order": "alphabetical",
			"xml": map[string]any{"name": "Member", "namespace": modelNS},
			"properties": map[string]any{
				"id": model("integer"),
			},
		},
	}
}

func compileBag(t testing.TB) *Codec {
	t.Helper()
	schemas := bagSchemas()
	resolve := func(ref string) (map[string]any, error) {
		name := strings.TrimPrefix(ref, "#/components/schemas/")
		if s, ok := schemas[name]; ok {
			return s, nil
		}
		return nil, fmt.Errorf("no %s", ref)
	}
	d, err := Compile(map[string]any{"$ref": "#/components/schemas/Bag"}, "", resolve)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func doc(group, members string) string {
	return `<Bag xmlns="urn:controllers" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">` +
		`<group xmlns:m="urn:models"` + group + `</group>` + members + `</Bag>`
}

func TestDecode(t *testing.T) {
	d := compileBag(t)
	tests := []struct {
		name string
		in   string
		want string // JSON of the decoded value
	}{
		{"in order", doc(` f_kind="x"><m:a_first>A</m:a_first><m:b_id>7</m:b_id><m:c_name> n </m:c_name><m:d_on>true</m:d_on><m:e_score>1.5</m:e_score>`, ""),
			`{"group":{"a_first":"A","b_id":7,"c_name":" n ","d_on":true,"e_score":1.5,"f_kind":"x"}}`},
		{"out of order is skipped", doc(`><m:c_name>n</m:c_name><m:b_id>7</m:b_id><m:d_on>1</m:d_on>`, ""),
			`{"group":{"c_name":"n","d_on":true}}`},
		{"wrong namespace is not bound", doc(`><b_id>7</b_id><m:c_name>n</m:c_name>`, ""),
			`{"group":{"c_name":"n"}}`},
		{"nil", doc(`><m:c_name i:nil="true"/>`, ""), `{"group":{"c_name":null}}`},
		{"text that is not a number stays a string", doc(`><m:b_id>abc</m:b_id>`, ""), `{"group":{"b_id":"abc"}}`},
		{"wrapped list", doc(`>`, `<members xmlns:m="urn:models"><m:Member><m:id>1</m:id></m:Member><m:Other/><m:Member><m:id>2</m:id></m:Member></members>`),
			`{"group":{},"members":[{"id":1},{"id":2}]}`},
		{"unknown element is skipped", doc(`><m:zzz><deep><er/></deep></m:zzz>`, ""), `{"group":{}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := d.Decode([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			var want any
			if err := json.Unmarshal([]byte(tt.want), &want); err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(v)
			var gotV any
			_ = json.Unmarshal(got, &gotV)
			if !reflect.DeepEqual(gotV, want) {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestDecodeRefuses(t *testing.T) {
	d := compileBag(t)
	tests := []struct {
		name, in, want string
	}{
		{"doctype", `<!DOCTYPE Bag [<!ENTITY x "y">]><Bag xmlns="urn:controllers"/>`, "DOCTYPE and entity declarations are not accepted"},
		{"undeclared entity", `<Bag xmlns="urn:controllers">&x;</Bag>`, "invalid character entity &x;"},
		{"truncated", `<Bag xmlns="urn:controllers"><group>`, "unexpected EOF"},
		{"empty", ``, "no root element"},
		{"two roots", `<Bag xmlns="urn:controllers"/><Bag xmlns="urn:controllers"/>`, "a second root element <Bag>"},
		{"wrong root", `<Other xmlns="urn:x"/>`, "Expecting element 'Bag' from namespace 'urn:controllers'.. Encountered 'Element'  with name 'Other', namespace 'urn:x'."},
		{"root in no namespace", `<Bag/>`, "Expecting element 'Bag' from namespace 'urn:controllers'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := d.Decode([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
			var se *SyntaxError
			var re *RootError
			if !errors.As(err, &se) && !errors.As(err, &re) {
				t.Errorf("err is %T, want *SyntaxError or *RootError", err)
			}
		})
	}
}

func TestDecodeDeepNestingIsRefused(t *testing.T) {
	d := compileBag(t)
	ok := strings.Repeat("<x>", 64) + strings.Repeat("</x>", 64)
	v, err := d.Decode([]byte(doc(`>`+ok, "")))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := json.Marshal(v); string(got) != `{"group":{}}` {
		t.Errorf("got %s", got)
	}
	deep := strings.Repeat("<x>", 10000) + strings.Repeat("</x>", 10000)
	_, err = d.Decode([]byte(doc(`>`+deep, "")))
	var se *SyntaxError
	if !errors.As(err, &se) || se.Msg != "elements are nested more than 64 deep" {
		t.Errorf("10,000 deep: %v, want a SyntaxError about nesting", err)
	}
}
