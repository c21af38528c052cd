package lint

import (
	"context"
	"reflect"
	"testing"

	"github.com/chatmock/chatmock/spec"
)

func TestBundledDocumentsAreClean(t *testing.T) {
	r := Run(context.Background(), spec.Bundled())
	for _, p := range r.Problems {
		t.Error(p)
	}
	if r.Documents != 4 || r.Operations != 15 {
		t.Errorf("linted %d documents, %d operations; want 4 and 15", r.Documents, r.Operations)
	}
	if r.Examples < 80 {
		t.Errorf("only %d examples checked", r.Examples)
	}
}

func TestBrokenDocuments(t *testing.T) {
	const body = "/paths/~1groups/post/requestBody/content/"
	tests := []struct {
		file string
		want []string
	}{
		{"missing-operationid.yaml", []string{
			"testdata/missing-operationid.yaml: /paths/~1groups/post: warning: operation POST /groups has no operationId: it is named \"POST /groups\"",
		}},
		{"example-breaks-schema.yaml", []string{
			"testdata/example-breaks-schema.yaml: " + body + "application~1json/examples/bad-enum/value/Type: value must be one of 'Public', 'Private'",
			"testdata/example-breaks-schema.yaml: " + body + "application~1json/examples/no-type/value: missing property 'Type'",
			"testdata/example-breaks-schema.yaml: /paths/~1groups/post/responses/200/content/application~1json/example/ErrorCode: got string, want integer",
		}},
		{"over-long-bytes.yaml", []string{
			"testdata/over-long-bytes.yaml: " + body + "application~1json/examples/eleven/value/Name: maxBytes: got 33 bytes of UTF-8, want at most 30",
		}},
		{"xml-example-breaks-schema.yaml", []string{
			`testdata/xml-example-breaks-schema.yaml: ` + body + `application~1xml/examples/missing-file: externalValue "no-such-file.xml": cannot read testdata/no-such-file.xml: no such file or directory`,
			"testdata/xml-example-breaks-schema.yaml: " + body + "application~1xml/examples/not-a-number/externalValue/id: got string, want integer",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			srcs, err := spec.FromPaths([]string{"testdata/" + tt.file})
			if err != nil {
				t.Fatal(err)
			}
			r := Run(context.Background(), srcs)
			var got []string
			for _, p := range r.Problems {
				got = append(got, p.String())
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestDuplicateOperationIDsAcrossDocuments(t *testing.T) {
	srcs, err := spec.FromPaths([]string{"testdata/over-long-bytes.yaml", "testdata/example-breaks-schema.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	r := Run(context.Background(), srcs)
	want := `testdata/example-breaks-schema.yaml: /paths/~1groups/post/operationId: operationId "createGroup" is also used by POST /groups in testdata/over-long-bytes.yaml`
	for _, p := range r.Problems {
		if p.String() == want {
			return
		}
	}
	t.Errorf("no duplicate-operationId problem among %v", r.Problems)
}
