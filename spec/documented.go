package spec

import (
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/chatmock/chatmock/internal/envelope"
	"github.com/chatmock/chatmock/internal/schema/schemagen"
	"github.com/chatmock/chatmock/internal/schema/schemanode"
)

// messageFields are the names an error body's message goes by, best first.
var messageFields = []string{"message", "detail", "error_description", "errorMessage", "error_message", "error", "description", "title", "msg", "reason"}

// documentErrors resolves the operation's own error responses (4xx, 5xx,
// 4XX, default), for an API that declares no x-chatmock-errors: each
// answers with its first JSON example, else a body generated from its
// schema (the same for every load), its message field found once.
func (o *Operation) documentErrors() {
	if o.Doc.Errors != nil {
		return
	}
	for status, media := range o.Responses {
		if !(strings.HasPrefix(status, "4") || strings.HasPrefix(status, "5") || status == "default") {
			continue
		}
		if o.Documented == nil {
			o.Documented = envelope.Documented{}
		}
		m := preferJSON(media)
		if m == nil {
			o.Documented[status] = envelope.DocumentedAnswer{NoBody: true}
			continue
		}
		ans := envelope.DocumentedAnswer{MediaType: m.Type}
		node := m.SchemaNode(o.Doc)
		if ex := slices.IndexFunc(m.Examples, func(e *Example) bool { return e.HasValue && e.Breaks == "" }); ex >= 0 {
			ans.Value = m.Examples[ex].Value
		} else if node != nil {
			h := fnv.New64a()
			h.Write([]byte(o.Method + " " + o.Path + " " + status))
			seed := h.Sum64()
			ans.Value, _ = m.Generate(o.Doc, rand.New(rand.NewPCG(seed, seed^0x5bd1e995)), fixedNow)
		}
		if m.Kind == KindJSON && node != nil {
			ans.Message = o.Doc.messageField(node, 0)
		}
		o.Documented[status] = ans
	}
}

// fixedNow is the clock of generated error bodies: they are the same on
// every load, so the mock and the runner agree on them.
func fixedNow() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }

func preferJSON(media []*Media) *Media {
	for _, m := range media {
		if m.Kind == KindJSON {
			return m
		}
	}
	if len(media) > 0 {
		return media[0]
	}
	return nil
}

// messageField finds the dotted path of a string property named like a
// message in an error schema: at its top, or one object down
// ({"error": {"message": ...}}); "" when it has none.
func (d *Document) messageField(node map[string]any, depth int) string {
	merged, err := schemanode.Merged(node, d.ResolveSchema)
	if err != nil {
		return ""
	}
	props, _ := merged["properties"].(map[string]any)
	for _, name := range messageFields {
		for k, p := range props {
			if t := d.soleType(p); strings.EqualFold(k, name) && (t == "string" || t == "") {
				return k
			}
		}
	}
	if depth > 0 {
		return ""
	}
	for _, name := range []string{"error", "errors", "fault"} {
		if p, ok := props[name].(map[string]any); ok && d.soleType(p) == "object" {
			if sub := d.messageField(p, depth+1); sub != "" {
				return name + "." + sub
			}
		}
	}
	return ""
}

// soleType is a schema's one non-null type, through $refs and allOf
// (object for one with properties and no type); "" when it names none or
// several.
func (d *Document) soleType(node any) string {
	n, _ := node.(map[string]any)
	merged, err := schemanode.Merged(n, d.ResolveSchema)
	if err != nil {
		return ""
	}
	switch t := schemanode.Types(merged); {
	case len(t) == 1:
		return t[0]
	case len(t) == 0 && merged["properties"] != nil:
		return "object"
	}
	return ""
}

// maxBranchTries bounds how many oneOf/anyOf branch choices Generate tries.
const maxBranchTries = 4

// Generate makes a body for the media type from its schema, one its schema
// accepts where it can: the schemas' defaults are used, and a value that
// matches two branches of a oneOf (or none), or whose default breaks its
// schema, is made again with the next branch, then without defaults. nil
// when it has no schema.
func (m *Media) Generate(d *Document, rnd *rand.Rand, now func() time.Time) (any, error) {
	node := m.SchemaNode(d)
	if node == nil {
		return nil, nil
	}
	gen := schemagen.New(m.Resolver(d), rnd, now)
	var first any
	var firstErr error
	// With the schemas' defaults first, as a client that leaves a field out
	// sees it; a default that breaks its own schema is tried without.
	for i, g := range []*schemagen.Generator{gen.Defaults(), gen} {
		for k := range maxBranchTries {
			v, err := g.Branch(k).Generate(node)
			if i == 0 && k == 0 {
				first, firstErr = v, err
			}
			if err == nil && (m.Schema == nil || m.Schema.Validate(v) == nil) {
				return v, nil
			}
		}
	}
	return first, firstErr
}

// Resolver resolves the $refs of the media type's schema (SchemaNode) as
// the schema's readers see them: requests without readOnly properties,
// answers without writeOnly ones.
func (m *Media) Resolver(d *Document) func(ref string) (map[string]any, error) {
	if m.view != nil {
		return m.view.resolve
	}
	return d.ResolveSchema
}
