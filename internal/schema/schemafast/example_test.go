package schemafast_test

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/chatmock/chatmock/internal/schema/schemafast"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

func Example() {
	doc, _ := jsonschema.UnmarshalJSON(strings.NewReader(
		`{"type":"object","required":["Name"],"properties":{"Name":{"type":"string","maxLength":30},"Max":{"type":"integer","minimum":1}}}`))
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	_ = c.AddResource("mem:///group.json", doc)
	schema, _ := c.Compile("mem:///group.json")

	checker, ok := schemafast.Compile(schema, nil)
	fmt.Println("supported:", ok)
	for _, body := range []map[string]any{
		{"Name": "TestGroup", "Max": json.Number("500")},
		{"Name": "TestGroup", "Max": json.Number("500.0")},
		{"Name": "TestGroup", "Max": json.Number("0.5")},
	} {
		if checker.Valid(body) {
			fmt.Println("valid")
			continue
		}
		fmt.Println("invalid:", schema.Validate(body) != nil) // the details come from jsonschema
	}
	// Output:
	// supported: true
	// valid
	// valid
	// invalid: true
}
