package schemafast_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/chatmock/chatmock/internal/schema/schemafast"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// knownFields are the exported fields of jsonschema.Schema the compiler
// has been written against: applied, rejected as unsupported, or
// annotations without effect on validity. A new jsonschema version with
// another field fails this test until the compiler is taught about it.
var knownFields = []string{
	"DraftVersion", "Location", "Bool", "ID", "Ref", "Anchor", "RecursiveRef", "RecursiveAnchor",
	"DynamicRef", "DynamicAnchor", "Types", "Enum", "Const", "Not", "AllOf", "AnyOf", "OneOf",
	"If", "Then", "Else", "Format", "MaxProperties", "MinProperties", "Required", "PropertyNames",
	"Properties", "PatternProperties", "AdditionalProperties", "Dependencies", "DependentRequired",
	"DependentSchemas", "UnevaluatedProperties", "MinItems", "MaxItems", "UniqueItems", "Contains",
	"MinContains", "MaxContains", "Items", "AdditionalItems", "PrefixItems", "Items2020",
	"UnevaluatedItems", "MinLength", "MaxLength", "Pattern", "ContentEncoding", "ContentMediaType",
	"ContentSchema", "Maximum", "Minimum", "ExclusiveMaximum", "ExclusiveMinimum", "MultipleOf",
	"Extensions", "Title", "Description", "Default", "Comment", "ReadOnly", "WriteOnly", "Examples",
	"Deprecated",
}

func TestSchemaFieldsKnown(t *testing.T) {
	typ := reflect.TypeOf(jsonschema.Schema{})
	for i := range typ.NumField() {
		f := typ.Field(i)
		if f.IsExported() && !slices.Contains(knownFields, f.Name) {
			t.Errorf("jsonschema.Schema has a field %s the Checker does not know", f.Name)
		}
	}
}

// TestUnsupported lists schemas that must not compile, and the cycles and
// recursion that must.
func TestUnsupported(t *testing.T) {
	for _, tc := range []struct {
		schema string
		ok     bool
	}{
		{`{"unevaluatedProperties":false}`, false},
		{`{"properties":{"a":{"unevaluatedItems":false}}}`, false},
		{`{"$dynamicRef":"#"}`, false},
		{`{"$ref":"#"}`, false},
		{`{"allOf":[{"$ref":"#"}]}`, false},
		{`{"$defs":{"a":{"anyOf":[{"$ref":"#/$defs/b"}]},"b":{"not":{"$ref":"#/$defs/a"}}},"$ref":"#/$defs/a"}`, false},
		{`{"properties":{"a":{"$ref":"#"}}}`, true},
		{`{"items":{"$ref":"#"}}`, true},
		{`{"$defs":{"a":{"properties":{"b":{"$ref":"#/$defs/b"}}},"b":{"items":{"$ref":"#/$defs/a"}}},"$ref":"#/$defs/a"}`, true},
	} {
		s := compileSchema(t, tc.schema)
		if _, ok := schemafast.Compile(s, nil); ok != tc.ok {
			t.Errorf("Compile(%s) ok = %v, want %v", tc.schema, ok, tc.ok)
		}
	}
}
