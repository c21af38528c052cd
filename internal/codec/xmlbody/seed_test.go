package xmlbody_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"reflect"
	"strings"
	"testing"

	"github.com/chatmock/chatmock/fixtures"
	"github.com/chatmock/chatmock/internal/codec/xmlbody"
	"github.com/chatmock/chatmock/spec"
)

func aspnetCodec(t *testing.T, media func(*spec.Operation) []*spec.Media, mediaType string) *xmlbody.Codec {
	t.Helper()
	set, err := spec.Load(context.Background(), spec.Bundled())
	if err != nil {
		t.Fatalf("bundled documents do not load:\n%v", err)
	}
	for _, op := range set.Operations() {
		if op.ID != "createChatGroup" {
			continue
		}
		for _, m := range media(op) {
			if m.Type == mediaType {
				if m.XML == nil {
					t.Fatalf("%s has no XML codec", mediaType)
				}
				return m.XML
			}
		}
		t.Fatalf("createChatGroup has no %s", mediaType)
	}
	t.Fatal("no operation createChatGroup")
	return nil
}

// The ASP.NET help page's XML sample and the created bag, decoded and
// encoded again, come back byte for byte, once the pretty print's newlines
// are removed; and the JSON sample encodes to the same bytes.
func TestASPNetSamplesRoundTrip(t *testing.T) {
	request := func(op *spec.Operation) []*spec.Media { return op.RequestBody }
	response := func(op *spec.Operation) []*spec.Media { return op.Responses["200"] }
	tests := []struct {
		name  string
		media func(*spec.Operation) []*spec.Media
		xml   string
		json  string
	}{
		{"request sample", request, "seeds/aspnet/createChatGroup/requests/xml-sample.xml", "seeds/aspnet/createChatGroup/requests/json-sample.json"},
		{"created", response, "examples/aspnet/createChatGroup/responses/created.xml", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, mt := range []string{"application/xml", "text/xml"} {
				c := aspnetCodec(t, tt.media, mt)
				sample, err := fs.ReadFile(fixtures.FS, tt.xml)
				if err != nil {
					t.Fatal(err)
				}
				want := string(bytes.ReplaceAll(bytes.TrimSpace(sample), []byte("\n"), nil))
				v, err := c.Decode(sample)
				if err != nil {
					t.Fatal(err)
				}
				got, err := c.Encode(v)
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != want {
					t.Errorf("%s:\n got %s\nwant %s", mt, got, want)
				}
				if tt.json == "" {
					continue
				}
				js, err := fs.ReadFile(fixtures.FS, tt.json)
				if err != nil {
					t.Fatal(err)
				}
				dec := json.NewDecoder(bytes.NewReader(js))
				dec.UseNumber()
				var jv any
				if err := dec.Decode(&jv); err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(jv, v) {
					t.Fatalf("%s: the JSON sample and the XML sample differ", mt)
				}
				fromJSON, err := c.Encode(jv)
				if err != nil {
					t.Fatal(err)
				}
				if string(fromJSON) != want {
					t.Errorf("%s: the JSON sample encodes to\n%s", mt, fromJSON)
				}
			}
		})
	}
}

// A value that does not fit the plan is an error, not a panic.
func TestASPNetEncodeMismatch(t *testing.T) {
	c := aspnetCodec(t, func(op *spec.Operation) []*spec.Media { return op.RequestBody }, "application/xml")
	_, err := c.Encode(map[string]any{"group": "sample string"})
	if err == nil || !strings.Contains(err.Error(), `"/group": a string where the schema plans an object`) {
		t.Errorf("err = %v", err)
	}
}
