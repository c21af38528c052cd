package spec

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"path"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/chatmock/chatmock/fixtures"
)

func loadBundled(t *testing.T) *Set {
	t.Helper()
	set, err := Load(context.Background(), Bundled())
	if err != nil {
		t.Fatalf("bundled documents do not load:\n%v", err)
	}
	return set
}

func operation(t *testing.T, set *Set, id string) *Operation {
	t.Helper()
	for _, op := range set.Operations() {
		if op.ID == id {
			return op
		}
	}
	t.Fatalf("no operation %q", id)
	return nil
}

func media(t *testing.T, list []*Media, mediaType string) *Media {
	t.Helper()
	for _, m := range list {
		if m.Type == mediaType {
			return m
		}
	}
	t.Fatalf("no media type %q", mediaType)
	return nil
}

func decodeJSON(t *testing.T, s string) any {
	t.Helper()
	var v any
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestBundledOperations(t *testing.T) {
	set := loadBundled(t)
	var got []string
	for _, op := range set.Operations() {
		got = append(got, op.Doc.API+" "+op.Method+" "+op.Path+" "+op.ID)
	}
	// The four operations of the seeds, among the read endpoints added beyond them.
	want := []string{
		"aspnet POST /api/chat/v2/create_group createChatGroup",
		"jsonapi POST /api/v2/message-groups createMessageGroup",
		"nexudus POST /api/support/chatrooms createChatRoom",
		"tencent POST /v4/group_open_http_svc/create_group create_group",
	}
	got = slices.DeleteFunc(got, func(s string) bool {
		return strings.Contains(s, " GET ") || strings.Contains(s, "/get_") || strings.Contains(s, "/destroy_")
	})
	if !reflect.DeepEqual(got, want) {
		t.Errorf("operations:\n got %q\nwant %q", got, want)
	}
	aspnet := operation(t, set, "createChatGroup").RequestMediaTypes()
	wantMT := []string{"application/json", "application/x-www-form-urlencoded", "application/xml", "text/json", "text/xml"}
	if !reflect.DeepEqual(aspnet, wantMT) {
		t.Errorf("ASP.NET media types = %q, want %q", aspnet, wantMT)
	}
	if operation(t, set, "createChatRoom").Raw["deprecated"] != true {
		t.Error("Nexudus createChatRoom should be deprecated")
	}
}

// The byte limit is real: ten "腾" (30 bytes) pass Tencent's Name, eleven
// (33 bytes) do not, though both are within maxLength 30.
func TestByteLimitIsReal(t *testing.T) {
	set := loadBundled(t)
	m := media(t, operation(t, set, "create_group").RequestBody, "application/json")
	ten, eleven := strings.Repeat("腾", 10), strings.Repeat("腾", 11)
	if len(ten) != 30 || len(eleven) != 33 || utf8.RuneCountInString(eleven) > 30 {
		t.Fatal("test strings are not what they claim")
	}
	body := func(name string) any {
		return decodeJSON(t, `{"Type":"Public","Name":"`+name+`"}`)
	}
	if err := m.Schema.Validate(body(ten)); err != nil {
		t.Errorf("ten 腾 (30 bytes) should pass: %v", err)
	}
	err := m.Schema.Validate(body(eleven))
	if err == nil {
		t.Fatal("eleven 腾 (33 bytes) should fail")
	}
	got := Violations(err)
	want := []Violation{{Pointer: "/Name", Keyword: MaxBytesKeyword, Message: "maxBytes: got 33 bytes of UTF-8, want at most 30"}}
	for i := range got {
		got[i].Kind = nil
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("violations = %+v, want %+v (maxLength must not fire)", got, want)
	}
}

// seedSample is one file under fixtures/seeds.
type seedSample struct {
	api, opID, dir, name, ext, path string
}

func seedSamples(t *testing.T) []seedSample {
	t.Helper()
	var out []seedSample
	err := fs.WalkDir(fixtures.FS, "seeds", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		parts := strings.Split(p, "/") // seeds/<api>/<op>/<dir>/<file>
		if len(parts) != 5 {
			t.Errorf("%s: want seeds/<api>/<operationId>/<requests|responses>/<example>.<ext>", p)
			return nil
		}
		ext := path.Ext(p)
		out = append(out, seedSample{parts[1], parts[2], parts[3], strings.TrimSuffix(parts[4], ext), ext, p})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Every request sample of the seeds — the ASP.NET XML sample included —
// validates against its operation's schema, and is the named example of the
// same name in the document.
func TestSeedSamplesValidate(t *testing.T) {
	set := loadBundled(t)
	samples := seedSamples(t)
	requests := 0
	for _, s := range samples {
		t.Run(strings.TrimPrefix(s.path, "seeds/"), func(t *testing.T) {
			op := operation(t, set, s.opID)
			if op.Doc.API != s.api {
				t.Fatalf("operation %s belongs to %s, not %s", s.opID, op.Doc.API, s.api)
			}
			raw, err := fs.ReadFile(fixtures.FS, s.path)
			if err != nil {
				t.Fatal(err)
			}
			var candidates []*Media
			if s.dir == "requests" {
				requests++
				candidates = op.RequestBody
			} else {
				for _, list := range op.Responses {
					candidates = append(candidates, list...)
				}
			}
			checked := 0
			for _, m := range candidates {
				ex := exampleNamed(m, s.name)
				if ex == nil {
					continue
				}
				checked++
				var inst any
				switch m.Kind {
				case KindXML:
					if s.ext != ".xml" {
						t.Fatalf("%s: an XML example backed by a %s file", m.Type, s.ext)
					}
					if want := "fixtures/" + s.path; !strings.HasSuffix(ex.External, want) {
						t.Errorf("%s: externalValue %q does not point to %s", m.Type, ex.External, want)
					}
					inst, err = m.Instance(op.Doc, ex)
				default:
					inst, err = m.Decode(fixtures.SeedJSON(raw))
					if err == nil && !reflect.DeepEqual(inst, ex.Value) {
						t.Errorf("%s: the example %q differs from the seed sample:\n doc  %v\n seed %v", m.Type, s.name, ex.Value, inst)
					}
				}
				if err != nil {
					t.Fatalf("%s: %v", m.Type, err)
				}
				if err := m.Schema.Validate(inst); err != nil {
					t.Errorf("%s: the seed sample does not validate: %v", m.Type, err)
				}
			}
			if checked == 0 {
				t.Errorf("no media type of %s has an example named %q", s.opID, s.name)
			}
		})
	}
	if requests != 13 { // ASP.NET 2, JSON:API 1, Tencent 8, Nexudus 2
		t.Errorf("found %d seed request samples, want 13", requests)
	}
}

func exampleNamed(m *Media, name string) *Example {
	for _, e := range m.Examples {
		if e.Name == name {
			return e
		}
	}
	return nil
}

// The XML sample and the JSON sample of the ASP.NET help page describe the
// same bag, so the schema-driven decoder must read them to the same value.
func TestASPNetXMLSampleDecodesLikeJSONSample(t *testing.T) {
	set := loadBundled(t)
	op := operation(t, set, "createChatGroup")
	xmlB, _ := fs.ReadFile(fixtures.FS, "seeds/aspnet/createChatGroup/requests/xml-sample.xml")
	jsonB, _ := fs.ReadFile(fixtures.FS, "seeds/aspnet/createChatGroup/requests/json-sample.json")
	for _, mt := range []string{"application/xml", "text/xml"} {
		fromXML, err := media(t, op.RequestBody, mt).Decode(xmlB)
		if err != nil {
			t.Fatal(err)
		}
		fromJSON := decodeJSON(t, string(jsonB))
		if !reflect.DeepEqual(fromXML, fromJSON) {
			a, _ := json.Marshal(fromXML)
			b, _ := json.Marshal(fromJSON)
			t.Errorf("%s:\n xml  %s\n json %s", mt, a, b)
		}
	}
	// Members out of DataContract order are skipped: with id moved after
	// name, id comes too late and keeps its default; user_id still binds.
	idLine := []byte("<d2p1:id>1</d2p1:id>\n")
	moved := bytes.Replace(xmlB, idLine, nil, 1)
	moved = bytes.Replace(moved, []byte("<d2p1:user_id>"), append(idLine, "<d2p1:user_id>"...), 1)
	v, err := media(t, op.RequestBody, "application/xml").Decode(moved)
	if err != nil {
		t.Fatal(err)
	}
	group := v.(map[string]any)["group"].(map[string]any)
	if _, ok := group["id"]; ok {
		t.Errorf("id came after name, out of order, and should be skipped: %v", group)
	}
	if group["name"] != "sample string 3" || group["user_id"] != json.Number("2") {
		t.Errorf("name and user_id are in order and should bind: %v", group)
	}
}

// Every schema of the bundled documents takes schemafast's accept path:
// none of them falls back to jsonschema for valid values.
func TestEveryBundledSchemaHasAFastPath(t *testing.T) {
	set, err := Load(context.Background(), Bundled())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	check := func(where string, s *Schema) {
		if s == nil {
			return
		}
		n++
		if s.fast == nil {
			t.Errorf("%s: no fast path", where)
		}
	}
	for _, op := range set.Operations() {
		for _, m := range op.RequestBody {
			check(op.ID+" request "+m.Type, m.Schema)
		}
		for status, list := range op.Responses {
			for _, m := range list {
				check(op.ID+" "+status+" "+m.Type, m.Schema)
			}
		}
		for _, p := range op.Parameters {
			check(op.ID+" parameter "+p.Name, p.Schema)
		}
	}
	if n < 50 {
		t.Errorf("only %d schemas", n)
	}
}
