package schemafast_test

import (
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// keywordCase is one schema with instances jsonschema accepts and rejects;
// the Checker must give the same answers.
type keywordCase struct {
	name    string
	schema  string
	valid   []string // JSON instances
	invalid []string
	opts    []func(*jsonschema.Compiler)
}

var draft7 = func(c *jsonschema.Compiler) { c.DefaultDraft(jsonschema.Draft7) }
var draft4 = func(c *jsonschema.Compiler) { c.DefaultDraft(jsonschema.Draft4) }
var draft2019 = func(c *jsonschema.Compiler) { c.DefaultDraft(jsonschema.Draft2019) }
var assertContent = func(c *jsonschema.Compiler) { c.AssertContent() }

var long = `"` + strings.Repeat("é", 31) + `"`

var keywordCases = []keywordCase{
	// type agnostic
	{name: "true", schema: `true`, valid: []string{`1`, `null`, `{}`}},
	{name: "false", schema: `false`, invalid: []string{`1`, `null`, `{}`}},
	{name: "empty", schema: `{}`, valid: []string{`1`, `"a"`, `[{}]`}},
	{name: "type string", schema: `{"type":"string"}`, valid: []string{`""`, `"x"`}, invalid: []string{`1`, `null`, `[]`, `{}`, `true`}},
	{name: "type integer", schema: `{"type":"integer"}`,
		valid:   []string{`1`, `-1`, `1.0`, `1e2`, `1.5e1`, `0e5`, `-0`, `123456789012345678901234567890`, `1e300`, `100e-2`, `0.0`, `0.1e1000000`},
		invalid: []string{`1.5`, `1e-1`, `"1"`, `null`, `1.05e1`, `1e1000001`, `12345678901234567890.5`}},
	{name: "type number", schema: `{"type":"number"}`, valid: []string{`1`, `1.5`, `-1e-300`, `1e1000001`}, invalid: []string{`"1"`, `true`}},
	{name: "type list", schema: `{"type":["null","integer","array"]}`, valid: []string{`null`, `2`, `2.0`, `[]`}, invalid: []string{`2.5`, `"x"`, `{}`, `false`}},
	{name: "type boolean", schema: `{"type":"boolean"}`, valid: []string{`true`, `false`}, invalid: []string{`0`, `"true"`, `null`}},
	{name: "type null object", schema: `{"type":["null","object"]}`, valid: []string{`null`, `{}`}, invalid: []string{`[]`, `0`}},
	{name: "enum", schema: `{"enum":["a",1,null,[1,{"x":2}],{"k":[true]}]}`,
		valid:   []string{`"a"`, `1`, `1.0`, `1e0`, `null`, `[1,{"x":2}]`, `[1.0,{"x":2.0}]`, `{"k":[true]}`},
		invalid: []string{`"b"`, `2`, `1.1`, `false`, `[1]`, `[{"x":2},1]`, `{"k":[false]}`, `{"k":[true],"j":1}`, `{}`}},
	{name: "enum strings", schema: `{"enum":["Public","Private","AVChatRoom"]}`, valid: []string{`"Public"`, `"AVChatRoom"`}, invalid: []string{`"public"`, `""`, `1`, `null`}},
	{name: "enum numbers", schema: `{"enum":[0,1,2.5,100000000000000000000]}`, valid: []string{`0`, `-0`, `1`, `2.50`, `25e-1`, `1e20`}, invalid: []string{`3`, `2.4`, `"1"`, `1e21`}},
	{name: "const", schema: `{"const":{"a":[1,"b"]}}`, valid: []string{`{"a":[1,"b"]}`, `{"a":[1.0,"b"]}`}, invalid: []string{`{"a":[1,"b"],"c":1}`, `{"a":["b",1]}`, `{}`, `null`}},
	{name: "const null", schema: `{"const":null}`, valid: []string{`null`}, invalid: []string{`0`, `false`, `""`, `{}`}},
	{name: "const number", schema: `{"const":0.1}`, valid: []string{`0.1`, `1e-1`, `0.10`}, invalid: []string{`0.11`, `0`, `"0.1"`}},
	{name: "not", schema: `{"not":{"type":"string"}}`, valid: []string{`1`, `null`}, invalid: []string{`"x"`}},
	{name: "allOf", schema: `{"allOf":[{"type":"integer"},{"minimum":3}]}`, valid: []string{`3`, `4.0`}, invalid: []string{`2`, `3.5`, `"x"`}},
	{name: "anyOf", schema: `{"anyOf":[{"type":"string","maxLength":2},{"type":"integer"}]}`, valid: []string{`"ab"`, `5`}, invalid: []string{`"abc"`, `5.5`, `null`}},
	{name: "oneOf", schema: `{"oneOf":[{"type":"integer"},{"minimum":2}]}`, valid: []string{`1`, `2.5`}, invalid: []string{`3`, `1.5`}},
	{name: "oneOf three", schema: `{"oneOf":[{"type":"string"},{"type":"string"},{"type":"number"}]}`, valid: []string{`1`}, invalid: []string{`"x"`, `null`}},
	{name: "if then else", schema: `{"if":{"properties":{"a":{"const":1}},"required":["a"]},"then":{"required":["b"]},"else":{"required":["c"]}}`,
		valid:   []string{`{"a":1,"b":0}`, `{"a":2,"c":0}`, `{"c":0}`, `"x"`},
		invalid: []string{`{"a":1}`, `{"a":1,"c":0}`, `{"a":2}`, `{}`}},
	{name: "if then", schema: `{"if":{"type":"string"},"then":{"minLength":2}}`, valid: []string{`"ab"`, `1`}, invalid: []string{`"a"`}},
	{name: "if else", schema: `{"if":{"type":"string"},"else":{"type":"null"}}`, valid: []string{`"a"`, `null`}, invalid: []string{`1`}},
	{name: "format date-time", schema: `{"format":"date-time"}`, valid: []string{`"2024-01-02T03:04:05Z"`, `1`, `null`}, invalid: []string{`"2024-13-02T03:04:05Z"`, `"yesterday"`}},
	{name: "format email", schema: `{"type":"string","format":"email"}`, valid: []string{`"a@b.c"`}, invalid: []string{`"ab.c"`, `""`}},
	{name: "format uri", schema: `{"format":"uri"}`, valid: []string{`"http://x.y/z"`}, invalid: []string{`"x y"`, `"/relative"`}},
	{name: "format ipv4", schema: `{"format":"ipv4"}`, valid: []string{`"127.0.0.1"`}, invalid: []string{`"256.0.0.1"`}},
	{name: "format regex", schema: `{"format":"regex"}`, valid: []string{`"^a+$"`}, invalid: []string{`"("`}},
	{name: "ref", schema: `{"$defs":{"s":{"type":"string","minLength":1}},"$ref":"#/$defs/s","maxLength":2}`,
		valid: []string{`"a"`, `"ab"`}, invalid: []string{`""`, `"abc"`, `1`}},
	{name: "ref recursive", schema: `{"type":"object","properties":{"v":{"type":"integer"},"kids":{"type":"array","items":{"$ref":"#"}}},"additionalProperties":false}`,
		valid:   []string{`{}`, `{"v":1,"kids":[{"v":2,"kids":[{}]}]}`},
		invalid: []string{`{"v":1,"kids":[{"v":2,"kids":[{"x":1}]}]}`, `{"kids":[1]}`, `{"v":"1"}`}},

	// object
	{name: "properties", schema: `{"properties":{"a":{"type":"string"},"b":{"type":"integer"}}}`,
		valid: []string{`{}`, `{"a":"x"}`, `{"a":"x","b":1,"c":null}`, `[]`}, invalid: []string{`{"a":1}`, `{"b":1.5}`}},
	{name: "required", schema: `{"required":["a","b"]}`, valid: []string{`{"a":1,"b":null}`, `1`}, invalid: []string{`{"a":1}`, `{}`}},
	{name: "additionalProperties false", schema: `{"properties":{"a":{},"b":{}},"additionalProperties":false}`,
		valid: []string{`{}`, `{"a":1,"b":2}`}, invalid: []string{`{"c":1}`, `{"a":1,"c":1}`}},
	{name: "additionalProperties false many", schema: `{"properties":{"a":{},"b":{},"c":{},"d":{},"e":{},"f":{},"g":{},"h":{}},"additionalProperties":false}`,
		valid: []string{`{}`, `{"h":1}`}, invalid: []string{`{"z":1}`, `{"a":1,"z":1}`}},
	{name: "additionalProperties schema", schema: `{"properties":{"a":{}},"patternProperties":{"^x-":{"type":"string"}},"additionalProperties":{"type":"integer"}}`,
		valid: []string{`{"a":"s","x-y":"s","n":1}`}, invalid: []string{`{"n":"s"}`, `{"x-y":1}`}},
	{name: "additionalProperties true", schema: `{"properties":{"a":{"type":"string"}},"additionalProperties":true}`, valid: []string{`{"b":1}`}, invalid: []string{`{"a":1}`}},
	{name: "patternProperties", schema: `{"patternProperties":{"^a":{"type":"string"},"b$":{"minLength":2}}}`,
		valid: []string{`{"ab":"xx","c":1}`, `{"a":"","b":"xx"}`}, invalid: []string{`{"ab":"x"}`, `{"a":1}`}},
	{name: "propertyNames", schema: `{"propertyNames":{"maxLength":2,"pattern":"^[a-z]+$"}}`, valid: []string{`{"ab":1}`, `{}`}, invalid: []string{`{"abc":1}`, `{"A":1}`}},
	{name: "min max properties", schema: `{"minProperties":1,"maxProperties":2}`, valid: []string{`{"a":1}`, `{"a":1,"b":2}`}, invalid: []string{`{}`, `{"a":1,"b":2,"c":3}`}},
	{name: "dependentRequired", schema: `{"dependentRequired":{"a":["b","c"]}}`, valid: []string{`{}`, `{"b":1}`, `{"a":1,"b":1,"c":1}`}, invalid: []string{`{"a":1,"b":1}`}},
	{name: "dependentSchemas", schema: `{"dependentSchemas":{"a":{"required":["b"]}}}`, valid: []string{`{}`, `{"a":1,"b":2}`}, invalid: []string{`{"a":1}`}},
	{name: "dependencies draft7", schema: `{"dependencies":{"a":["b"],"c":{"required":["d"]}}}`, opts: []func(*jsonschema.Compiler){draft7},
		valid: []string{`{"a":1,"b":1}`, `{"c":1,"d":1}`, `{}`}, invalid: []string{`{"a":1}`, `{"c":1}`}},

	// array
	{name: "items", schema: `{"items":{"type":"integer"}}`, valid: []string{`[]`, `[1,2.0]`, `{}`}, invalid: []string{`[1,"a"]`, `[1.5]`}},
	{name: "prefixItems", schema: `{"prefixItems":[{"type":"string"},{"type":"integer"}],"items":false}`,
		valid: []string{`[]`, `["a"]`, `["a",1]`}, invalid: []string{`["a",1,2]`, `[1]`, `["a","b"]`}},
	{name: "prefixItems open", schema: `{"prefixItems":[{"type":"string"}],"items":{"type":"null"}}`, valid: []string{`["a",null,null]`}, invalid: []string{`["a",1]`}},
	{name: "items draft7 tuple", schema: `{"items":[{"type":"string"}],"additionalItems":false}`, opts: []func(*jsonschema.Compiler){draft7},
		valid: []string{`[]`, `["a"]`}, invalid: []string{`["a",1]`, `[1]`}},
	{name: "items draft7 tuple schema", schema: `{"items":[{"type":"string"}],"additionalItems":{"type":"integer"}}`, opts: []func(*jsonschema.Compiler){draft7},
		valid: []string{`["a",1,2]`}, invalid: []string{`["a","b"]`}},
	{name: "items draft7 schema", schema: `{"items":{"type":"string"},"additionalItems":false}`, opts: []func(*jsonschema.Compiler){draft7},
		valid: []string{`["a","b"]`}, invalid: []string{`["a",1]`}},
	{name: "min max items", schema: `{"minItems":1,"maxItems":2}`, valid: []string{`[1]`, `[1,2]`}, invalid: []string{`[]`, `[1,2,3]`}},
	{name: "uniqueItems", schema: `{"uniqueItems":true}`,
		valid:   []string{`[]`, `[1]`, `[1,2,"1",true,1.5,null,[1],{"a":1}]`, `[{"a":1,"b":2},{"a":1,"b":3}]`, `[0,false]`, `[[1],[1,1]]`},
		invalid: []string{`[1,1.0]`, `[1,2,1e0]`, `[{"a":1,"b":2},{"b":2,"a":1}]`, `[[1,"x"],[1.0,"x"]]`, `[null,null]`, `["a","a"]`, `[0.1,1e-1]`}},
	{name: "uniqueItems large", schema: `{"uniqueItems":true}`,
		valid:   []string{`[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,-1,1.5,"1",{"a":1},[1]]`},
		invalid: []string{`[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,25.0]`, `[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,{"a":[1,2]},{"a":[1,2.0]}]`}},
	{name: "contains", schema: `{"contains":{"type":"integer"}}`, valid: []string{`[1]`, `["a",2.0]`, `{}`}, invalid: []string{`[]`, `["a",1.5]`}},
	{name: "minContains", schema: `{"contains":{"const":1},"minContains":2,"maxContains":3}`,
		valid: []string{`[1,1]`, `[1,2,1,1]`}, invalid: []string{`[1]`, `[1,1,1,1]`, `[]`}},
	{name: "minContains 0", schema: `{"contains":{"const":1},"minContains":0}`, valid: []string{`[]`, `[2]`, `[1,1]`}},
	{name: "maxContains", schema: `{"contains":{"const":1},"maxContains":1}`, valid: []string{`[1,2]`}, invalid: []string{`[1,1]`, `[2]`}},

	// string
	{name: "minLength maxLength", schema: `{"minLength":2,"maxLength":3}`,
		valid: []string{`"ab"`, `"éé"`, `"中文字"`, `"😀😀"`, `1`}, invalid: []string{`"a"`, `"é"`, `"abcd"`, `"中文字符"`, `""`}},
	{name: "maxLength code points", schema: `{"maxLength":31}`, valid: []string{long}, invalid: []string{`"` + strings.Repeat("é", 32) + `"`}},
	{name: "pattern", schema: `{"pattern":"^[ -~]+$"}`, valid: []string{`"abc"`, `1`}, invalid: []string{`""`, `"é"`, `"a\u0000"`}},
	{name: "pattern unanchored", schema: `{"pattern":"b"}`, valid: []string{`"abc"`}, invalid: []string{`"ac"`}},
	{name: "content", schema: `{"contentEncoding":"base64","contentMediaType":"application/json"}`, opts: []func(*jsonschema.Compiler){assertContent},
		valid: []string{`"eyJhIjoxfQ=="`, `1`}, invalid: []string{`"!!"`, `"bm90IGpzb24="`}},

	// number
	{name: "minimum maximum", schema: `{"minimum":1,"maximum":4294967295}`,
		valid:   []string{`1`, `1.0`, `4294967295`, `2.5`, `4294967294.9999999999999999999`, `"x"`},
		invalid: []string{`0`, `0.9999999999999999999999`, `4294967296`, `4294967295.0000000000000000001`, `-1e400`, `1e400`, `-9223372036854775809`}},
	{name: "decimal bounds", schema: `{"minimum":0.1,"maximum":2.5}`,
		valid:   []string{`0.1`, `1e-1`, `0.10000000000000000001`, `2.5`, `1`, `2`},
		invalid: []string{`0.09999999999999999999`, `0.1e-1`, `0`, `3`, `2.5000000000000000001`, `-1`}},
	{name: "exclusive", schema: `{"exclusiveMinimum":0,"exclusiveMaximum":1.5}`,
		valid: []string{`0.5`, `1`, `1.4999999999999999999`, `1e-400`}, invalid: []string{`0`, `-0`, `1.5`, `2`, `-1e-400`, `0e10`}},
	{name: "huge bounds", schema: `{"minimum":-1e30,"maximum":99999999999999999999}`,
		valid: []string{`0`, `-9223372036854775808`, `9223372036854775807`, `99999999999999999999`, `-1e30`}, invalid: []string{`100000000000000000000`, `-1.0000000000000001e30`}},
	{name: "fractional int64 edge", schema: `{"exclusiveMaximum":9223372036854775807.5,"minimum":-9223372036854775808.5}`,
		valid: []string{`9223372036854775807`, `-9223372036854775808`}, invalid: []string{`9223372036854775808`, `-9223372036854775809`}},
	{name: "multipleOf int", schema: `{"multipleOf":3}`, valid: []string{`0`, `9`, `-9`, `9.0`, `3e3`}, invalid: []string{`10`, `4.5`, `1e-1`}},
	{name: "multipleOf decimal", schema: `{"multipleOf":0.01}`, valid: []string{`1`, `0.07`, `19.99`, `1e-2`}, invalid: []string{`0.001`, `19.999`}},
	{name: "multipleOf huge", schema: `{"multipleOf":1e20}`, valid: []string{`0`, `2e20`}, invalid: []string{`1`, `9223372036854775807`}},

	// drafts
	{name: "draft7 ref hides siblings", schema: `{"definitions":{"s":{"type":"string"}},"$ref":"#/definitions/s","maxLength":1}`, opts: []func(*jsonschema.Compiler){draft7},
		valid: []string{`"abc"`}, invalid: []string{`1`}},
	{name: "draft4 exclusiveMaximum", schema: `{"maximum":5,"exclusiveMaximum":true,"minimum":1,"exclusiveMinimum":false}`, opts: []func(*jsonschema.Compiler){draft4},
		valid: []string{`4.9`, `1`}, invalid: []string{`5`, `0.9`}},
	{name: "draft2019 items", schema: `{"items":[{"type":"string"}],"additionalItems":false,"dependentRequired":{"a":["b"]}}`, opts: []func(*jsonschema.Compiler){draft2019},
		valid: []string{`["a"]`, `{"a":1,"b":1}`}, invalid: []string{`["a","b"]`, `{"a":1}`}},
}

func TestKeywords(t *testing.T) {
	for _, tc := range keywordCases {
		t.Run(tc.name, func(t *testing.T) {
			s := compileSchema(t, tc.schema, tc.opts...)
			c := mustCompile(t, s, nil)
			for _, want := range []bool{true, false} {
				list := tc.valid
				if !want {
					list = tc.invalid
				}
				for _, text := range list {
					v := decode(t, text)
					if got, _ := jsValid(s, v); got != want {
						t.Errorf("the case is wrong: jsonschema says valid=%v for %s", got, text)
					}
					if got := c.Valid(v); got != want {
						t.Errorf("Valid(%s) = %v, want %v", text, got, want)
					}
				}
			}
		})
	}
}
