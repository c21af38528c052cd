package xmlbody

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

const bagOpen = `<Bag xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="urn:controllers">`

func jsonValue(t testing.TB, s string) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestEncode(t *testing.T) {
	c := compileBag(t)
	tests := []struct {
		name string
		in   any // a JSON text (string) is decoded with UseNumber first
		want string
	}{
		{"empty bag", `{}`, bagOpen[:len(bagOpen)-1] + `/>`},
		{"nil root", nil, `<Bag xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:nil="true" xmlns="urn:controllers"/>`},
		{"members in order, prefix declared on the parent, attribute",
			`{"group":{"f_kind":"k","e_score":1.5,"d_on":true,"c_name":"n","b_id":7,"a_first":"A"}}`,
			bagOpen + `<group xmlns:m="urn:models" f_kind="k"><m:a_first>A</m:a_first><m:b_id>7</m:b_id><m:c_name>n</m:c_name><m:d_on>true</m:d_on><m:e_score>1.5</m:e_score></group></Bag>`},
		{"nil members are written, absent ones are not",
			`{"group":{"c_name":null,"f_kind":null},"members":null}`,
			bagOpen + `<group xmlns:m="urn:models"><m:c_name i:nil="true"/></group><members i:nil="true"/></Bag>`},
		{"nil object", `{"group":null}`, bagOpen + `<group i:nil="true"/></Bag>`},
		{"escaping", `{"group":{"c_name":"<&>\"' \t\n\r]]>","f_kind":"<&>\"' \t\n\r"}}`,
			bagOpen + `<group xmlns:m="urn:models" f_kind="&lt;&amp;&gt;&quot;' &#x9;&#xA;&#xD;"><m:c_name>&lt;&amp;&gt;"' ` + "\t\n" + `&#xD;]]&gt;</m:c_name></group></Bag>`},
		{"empty string, empty object, empty list", `{"group":{"a_first":""},"members":[]}`,
			bagOpen + `<group xmlns:m="urn:models"><m:a_first></m:a_first></group><members/></Bag>`},
		{"empty object has no declarations", `{"group":{}}`, bagOpen + `<group/></Bag>`},
		{"booleans", `{"group":{"d_on":false}}`, bagOpen + `<group xmlns:m="urn:models"><m:d_on>false</m:d_on></group></Bag>`},
		{"json.Number keeps its text", `{"group":{"b_id":12,"e_score":1.50e+3}}`,
			bagOpen + `<group xmlns:m="urn:models"><m:b_id>12</m:b_id><m:e_score>1.50e+3</m:e_score></group></Bag>`},
		{"Go numbers", map[string]any{"group": map[string]any{"b_id": 7, "e_score": 1e21, "a_first": int64(-3), "c_name": float32(0.1)}},
			bagOpen + `<group xmlns:m="urn:models"><m:a_first>-3</m:a_first><m:b_id>7</m:b_id><m:c_name>0.1</m:c_name><m:e_score>1e+21</m:e_score></group></Bag>`},
		{"a number or a boolean where a string is planned is its text", `{"group":{"a_first":true,"c_name":2.5}}`,
			bagOpen + `<group xmlns:m="urn:models"><m:a_first>true</m:a_first><m:c_name>2.5</m:c_name></group></Bag>`},
		{"wrapped list; items without a prefix declare their namespace as the default", `{"members":[{"id":1},null,{"id":2}]}`,
			bagOpen + `<members><Member xmlns="urn:models"><id>1</id></Member><Member i:nil="true" xmlns="urn:models"/><Member xmlns="urn:models"><id>2</id></Member></members></Bag>`},
		{"map keys are encoded names, in byte order", `{"state":{"bag.members[0].date":["b"],"bag.group.id":["a1","a2"],"bag":[]}}`,
			bagOpen + `<state><bag.group.id>a1</bag.group.id><bag.group.id>a2</bag.group.id><bag.members_x005B_0_x005D_.date>b</bag.members_x005B_0_x005D_.date></state></Bag>`},
		{"unknown keys are not written", `{"zzz":1,"group":{"zzz":{}}}`, bagOpen + `<group/></Bag>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			if s, ok := in.(string); ok {
				in = jsonValue(t, s)
			}
			got, err := c.Encode(in)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("\n got %s\nwant %s", got, tt.want)
			}
			// What is written reads back (numbers as json.Number).
			if _, err := c.Decode(got); err != nil {
				t.Errorf("the output does not decode: %v", err)
			}
		})
	}
}

func TestEncodeRefuses(t *testing.T) {
	c := compileBag(t)
	tests := []struct {
		name    string
		in      any
		pointer string
		msg     string
	}{
		{"a string where an object is planned", map[string]any{"group": "text"}, "/group", "a string where the schema plans an object"},
		{"an object where a scalar is planned", map[string]any{"group": map[string]any{"b_id": map[string]any{}}}, "/group/b_id", "an object where the schema plans a scalar"},
		{"an array where an object is planned", []any{}, "", "an array where the schema plans an object"},
		{"a number where an array is planned", map[string]any{"members": 1}, "/members", "a number where the schema plans an array"},
		{"a scalar where a map's list is planned", map[string]any{"state": map[string]any{"a": "x"}}, "/state/a", "a string where the schema plans an array"},
		{"an object as an attribute", map[string]any{"group": map[string]any{"f_kind": []any{}}}, "/group/f_kind", "an array where the schema plans an attribute"},
		{"NaN", map[string]any{"group": map[string]any{"e_score": math.NaN()}}, "/group/e_score", "a number JSON cannot write"},
		{"a control character", map[string]any{"group": map[string]any{"a_first": "a\x01"}}, "/group/a_first", "XML cannot carry the character U+0001"},
		{"invalid UTF-8", map[string]any{"group": map[string]any{"a_first": "a\xff"}}, "/group/a_first", "not valid UTF-8"},
		{"an empty key", map[string]any{"state": map[string]any{"": []any{}}}, "/state/", "an empty key"},
		{"a Go type JSON does not decode to", map[string]any{"group": map[string]any{"a_first": struct{}{}}}, "/group/a_first", "a struct {} where the schema plans a scalar"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.Encode(tt.in)
			var ee *EncodeError
			if !errors.As(err, &ee) {
				t.Fatalf("Encode = %q, %v; want an *EncodeError", got, err)
			}
			if ee.Pointer != tt.pointer || !strings.Contains(ee.Msg, tt.msg) {
				t.Errorf("error at %q: %s; want at %q: ...%s...", ee.Pointer, ee.Msg, tt.pointer, tt.msg)
			}
		})
	}
}

// A value decoded from JSON, encoded and decoded again, is the same value.
func TestEncodeDecodeRoundTrip(t *testing.T) {
	c := compileBag(t)
	for _, in := range []string{
		`{}`,
		`{"group":{"a_first":" spaced\ttext\r\n ","b_id":-42,"c_name":null,"d_on":false,"e_score":3.25e-2,"f_kind":"a\"b\n"},"members":[{"id":1},{},null],"state":{"bag":["required"],"bag.members[0].date":["x","y"],"_x0041_":["z"],"1:[]":["w"]}}`,
		`{"group":null,"members":null}`,
		`{"group":{"a_first":"<![CDATA[x]]> &amp; \u00e9\ud83d\ude00"},"members":[]}`,
	} {
		v := jsonValue(t, in)
		b, err := c.Encode(v)
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		back, err := c.Decode(b)
		if err != nil {
			t.Fatalf("%s: %s does not decode: %v", in, b, err)
		}
		if !reflect.DeepEqual(back, v) {
			got, _ := json.Marshal(back)
			t.Errorf("\n  in %s\n xml %s\nback %s", in, b, got)
		}
	}
}

// Namespaces beyond the bag: an element without a prefix (or with the
// reserved i) declares its namespace itself, a prefix the parent's own name
// uses is not rebound for a child, namespaced attributes get their prefix or
// a made-up one, an element in no namespace undeclares the default, and a
// plain schema has no xmlns but xmlns:i.
func TestEncodeNamespaces(t *testing.T) {
	schemas := map[string]map[string]any{
		"Plain": {
			"type": "object", "xml": map[string]any{"name": "plain"},
			"properties": map[string]any{
				"id":   map[string]any{"type": "integer", "xml": map[string]any{"attribute": true}},
				"tags": map[string]any{"type": "array", "items": map[string]any{"type": "string", "xml": map[string]any{"name": "tag"}}},
				"note": map[string]any{"type": []any{"string", "null"}},
			},
		},
		"Mixed": {
			"type": "object", "xml": map[string]any{"name": "mixed", "namespace": "urn:a", "prefix": "a"},
			"properties": map[string]any{
				"bare":  map[string]any{"type": "string", "xml": map[string]any{"namespace": "urn:b"}},
				"clash": map[string]any{"type": "string", "xml": map[string]any{"namespace": "urn:c", "prefix": "i"}},
				"inner": map[string]any{
					"type": "object", "xml": map[string]any{"namespace": "urn:d", "prefix": "d"},
					"properties": map[string]any{
						"lang":  map[string]any{"type": "string", "xml": map[string]any{"attribute": true, "namespace": "urn:e", "prefix": "e"}},
						"other": map[string]any{"type": "string", "xml": map[string]any{"attribute": true, "namespace": "urn:f"}},
						"x":     map[string]any{"type": "string", "xml": map[string]any{"namespace": "urn:x", "prefix": "d"}},
						"y":     map[string]any{"type": "string", "xml": map[string]any{"namespace": ""}},
					},
				},
			},
		},
	}
	resolve := func(ref string) (map[string]any, error) {
		return schemas[strings.TrimPrefix(ref, "#/components/schemas/")], nil
	}
	tests := []struct {
		schema, in, want string
	}{
		{"Plain", `{"id":3,"tags":["a","b"],"note":null}`,
			`<plain xmlns:i="http://www.w3.org/2001/XMLSchema-instance" id="3"><note i:nil="true"/><tag>a</tag><tag>b</tag></plain>`},
		{"Mixed", `{"bare":"b","clash":"c","inner":{"lang":"en","other":"o","x":"x","y":"y"}}`,
			`<mixed xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns:d="urn:d" xmlns="urn:a">` +
				`<bare xmlns="urn:b">b</bare><clash xmlns="urn:c">c</clash>` +
				`<d:inner xmlns:e="urn:e" xmlns:p1="urn:f" e:lang="en" p1:other="o"><x xmlns="urn:x">x</x><y xmlns="">y</y></d:inner></mixed>`},
	}
	for _, tt := range tests {
		t.Run(tt.schema, func(t *testing.T) {
			c, err := Compile(map[string]any{"$ref": "#/components/schemas/" + tt.schema}, "", resolve)
			if err != nil {
				t.Fatal(err)
			}
			v := jsonValue(t, tt.in)
			got, err := c.Encode(v)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("\n got %s\nwant %s", got, tt.want)
			}
			back, err := c.Decode(got)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, v) {
				b, _ := json.Marshal(back)
				t.Errorf("reads back as %s", b)
			}
		})
	}
}

func TestLocalNames(t *testing.T) {
	tests := []struct{ name, encoded string }{
		{"", ""},
		{"bag.group.id", "bag.group.id"},
		{"bag.members[0].date", "bag.members_x005B_0_x005D_.date"},
		{"1abc", "_x0031_abc"},
		{"-a", "_x002D_a"},
		{"a b:c", "a_x0020_b_x003A_c"},
		{"_x0041_", "_x005F_x0041_"},
		{"a_X00410042_b", "a_x005F_X00410042_b"},
		{"_x0041[", "_x005F_x0041_x005B_"},
		{"_x004", "_x004"},
		{"_xyz_", "_xyz_"},
		{"é😀", "é😀"},
		{"a\U000F0000", "a_x000F0000_"},
		{"a\x00", "a_x0000_"},
		{"a\xffb", "a_xFFFD_b"},
	}
	for _, tt := range tests {
		if got := EncodeLocalName(tt.name); got != tt.encoded {
			t.Errorf("EncodeLocalName(%q) = %q, want %q", tt.name, got, tt.encoded)
		}
		if tt.name == "a\xffb" {
			continue
		}
		if got := DecodeLocalName(tt.encoded); got != tt.name {
			t.Errorf("DecodeLocalName(%q) = %q, want %q", tt.encoded, got, tt.name)
		}
	}
	for in, want := range map[string]string{
		"_xD800_":      "_xD800_", // a surrogate stays as written
		"_x00110000_":  "_x00110000_",
		"_x0041__x42_": "A_x42_",
		"a_x0062_":     "ab",
	} {
		if got := DecodeLocalName(in); got != want {
			t.Errorf("DecodeLocalName(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzDecodeEncode(f *testing.F) {
	for _, s := range []string{
		doc(` f_kind="x"><m:a_first>A</m:a_first><m:b_id>+7</m:b_id><m:c_name> n </m:c_name><m:d_on>1</m:d_on><m:e_score>1.5</m:e_score>`, ""),
		doc(`><m:c_name i:nil="true"/>`, `<members xmlns:m="urn:models"><m:Member><m:id>1</m:id></m:Member><m:Member i:nil="1"/></members>`),
		doc(`>`, `<state><bag.group.id>a</bag.group.id><_x005B_>b</_x005B_><bag.group.id>c</bag.group.id><group/></state>`),
		`<Bag xmlns="urn:controllers"><state><a_xD800_b>&#xD;&lt;</a_xD800_b></state></Bag>`,
		`<Bag xmlns="urn:controllers" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><state><:x>1</:x><c:y xmlns:c="urn:controllers"/><z i:nil="true"/><_x0031_ a="b"/><w xmlns="urn:models"/></state></Bag>`,
		"<Bag xmlns=\"urn:controllers\"><state><a\xffb>x</a\xffb><members/></state><members><Member/></members></Bag>",
		`<Bag xmlns="urn:controllers" xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:nil="true"/>`,
	} {
		f.Add([]byte(s))
	}
	c := compileBag(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		v, err := c.Decode(in)
		if err != nil {
			return
		}
		out, err := c.Encode(v)
		if err != nil {
			t.Fatalf("Encode(Decode(%q)): %v", in, err)
		}
		back, err := c.Decode(out)
		if err != nil {
			t.Fatalf("Decode(%q): %v", out, err)
		}
		if !reflect.DeepEqual(back, v) {
			a, _ := json.Marshal(v)
			b, _ := json.Marshal(back)
			t.Fatalf("round trip of %q\n   first %s\n    xml %q\n  second %s", in, a, out, b)
		}
	})
}

func FuzzLocalNames(f *testing.F) {
	for _, s := range []string{"bag.members[0].date", "_x0041_", "_x0041[", "_X00410042_:", "1", "a\U000F0000_x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		enc := EncodeLocalName(s)
		for i, r := range enc {
			if i == 0 && !isNameStartChar(r) || !isNameChar(r) {
				t.Fatalf("EncodeLocalName(%q) = %q is not an NCName", s, enc)
			}
		}
		if !utf8.ValidString(s) {
			return
		}
		if back := DecodeLocalName(enc); back != s {
			t.Fatalf("DecodeLocalName(EncodeLocalName(%q)) = DecodeLocalName(%q) = %q", s, enc, back)
		}
	})
}
