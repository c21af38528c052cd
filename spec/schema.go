package spec

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/chatmock/chatmock/internal/schema/schemafast"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// maxViolations bounds what Violations returns.
const maxViolations = 1000

// Schema is a compiled JSON Schema with a fast accept path: a value that
// schemafast finds valid is valid, and only one it does not is validated by
// jsonschema, for the detailed errors. The two agree on every value; a
// schema schemafast cannot compile exactly always goes to jsonschema.
type Schema struct {
	*jsonschema.Schema
	fast *schemafast.Checker
}

// Validate returns nil for a valid value, else jsonschema's
// *ValidationError.
func (s *Schema) Validate(v any) error {
	if s.fast != nil && s.fast.Valid(v) {
		return nil
	}
	return s.Schema.Validate(v)
}

// MaxBytesKeyword is the extension that limits a string's length in UTF-8
// bytes; JSON Schema's maxLength counts characters.
const MaxBytesKeyword = "x-max-bytes"

const maxBytesVocab = "https://chatmock.dev/vocab/max-bytes"

// newCompiler returns a jsonschema compiler for OpenAPI 3.1 schemas: draft
// 2020-12, formats asserted, and the x-max-bytes keyword.
func newCompiler() (*jsonschema.Compiler, error) {
	meta, err := jsonschema.UnmarshalJSON(strings.NewReader(
		`{"properties":{"` + MaxBytesKeyword + `":{"type":"integer","minimum":0}}}`))
	if err != nil {
		return nil, err
	}
	mc := jsonschema.NewCompiler()
	if err := mc.AddResource(maxBytesVocab, meta); err != nil {
		return nil, err
	}
	metaSchema, err := mc.Compile(maxBytesVocab)
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	c.AssertVocabs()
	c.RegisterVocabulary(&jsonschema.Vocabulary{URL: maxBytesVocab, Schema: metaSchema, Compile: compileMaxBytes, Subschemas: documentSchemas})
	c.RegisterFormat(byteFormat)
	c.RegisterFormat(intFormat("int32", 32))
	c.RegisterFormat(intFormat("int64", 64))
	dt, err := dateTime()
	if err != nil {
		return nil, err
	}
	c.RegisterFormat(dt)
	return c, nil
}

// documentSchemas are where an OpenAPI document holds schemas. Listed as
// the subschemas of a keyword, they let the compiler take in every schema
// of a document when it compiles the document's root once (Document.
// prepare), instead of once per schema compiled: jsonschema/v6 copies its
// table of a resource's known subschemas for each new one, so compiling a
// large document's schemas one at a time costs their number squared.
var documentSchemas = func() []jsonschema.SchemaPath {
	type (
		p   = jsonschema.Prop
		all = jsonschema.AllProp
		idx = jsonschema.AllItem
	)
	content := func(prefix ...jsonschema.Position) jsonschema.SchemaPath {
		return append(append(jsonschema.SchemaPath{}, prefix...), p("content"), all{}, p("schema"))
	}
	param := func(prefix ...jsonschema.Position) jsonschema.SchemaPath {
		return append(append(jsonschema.SchemaPath{}, prefix...), p("schema"))
	}
	return []jsonschema.SchemaPath{
		{p("components"), p("schemas"), all{}},
		param(p("components"), p("parameters"), all{}),
		param(p("components"), p("headers"), all{}),
		content(p("components"), p("parameters"), all{}),
		content(p("components"), p("requestBodies"), all{}),
		content(p("components"), p("responses"), all{}),
		param(p("components"), p("responses"), all{}, p("headers"), all{}),
		param(p("paths"), all{}, p("parameters"), idx{}),
		param(p("paths"), all{}, all{}, p("parameters"), idx{}),
		content(p("paths"), all{}, all{}, p("requestBody")),
		content(p("paths"), all{}, all{}, p("responses"), all{}),
		param(p("paths"), all{}, all{}, p("responses"), all{}, p("headers"), all{}),
	}
}()

// byteFormat is OpenAPI's format byte: base64 text (RFC 4648, the standard
// or the URL alphabet, padded or not).
var byteFormat = &jsonschema.Format{Name: "byte", Validate: func(v any) error {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if _, err := enc.DecodeString(s); err == nil {
			return nil
		}
	}
	return errors.New("not base64")
}}

// intFormat is an integer format of the OpenAPI Format Registry: a signed
// integer of so many bits. A number beyond it is refused, as the real API's
// typed model would refuse it; other values are left to other keywords.
func intFormat(name string, bits int) *jsonschema.Format {
	return &jsonschema.Format{Name: name, Validate: func(v any) error {
		var text string
		switch n := v.(type) {
		case json.Number:
			text = n.String()
		case float64:
			text = strconv.FormatFloat(n, 'f', -1, 64)
		case int, int64, int32:
			text = fmt.Sprint(n)
		default:
			return nil
		}
		_, err := strconv.ParseInt(text, 10, bits)
		if err == nil {
			return nil
		}
		if errors.Is(err, strconv.ErrRange) {
			return fmt.Errorf("%s is outside the range of a %d-bit integer", text, bits)
		}
		r, ok := new(big.Rat).SetString(text) // 1.0, 2e3
		if !ok || !r.IsInt() {
			return nil // not an integer: the type keyword says so
		}
		limit := new(big.Int).Lsh(big.NewInt(1), uint(bits-1))
		if i := r.Num(); i.Cmp(limit) >= 0 || i.Cmp(new(big.Int).Neg(limit)) < 0 {
			return fmt.Errorf("%s is outside the range of a %d-bit integer", text, bits)
		}
		return nil
	}}
}

func compileMaxBytes(_ *jsonschema.CompilerContext, obj map[string]any) (jsonschema.SchemaExt, error) {
	v, ok := obj[MaxBytesKeyword]
	if !ok {
		return nil, nil
	}
	n, ok := v.(json.Number)
	if !ok {
		return nil, fmt.Errorf("%s must be an integer", MaxBytesKeyword)
	}
	limit, err := n.Int64()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", MaxBytesKeyword, err)
	}
	return maxBytes(limit), nil
}

type maxBytes int64

// fastMaxBytes is x-max-bytes for schemafast.
func fastMaxBytes(ext jsonschema.SchemaExt) (func(any) bool, bool) {
	m, ok := ext.(maxBytes)
	if !ok {
		return nil, false
	}
	return func(v any) bool {
		s, ok := v.(string)
		return !ok || int64(len(s)) <= int64(m)
	}, true
}

func (m maxBytes) Validate(ctx *jsonschema.ValidatorContext, v any) {
	if s, ok := v.(string); ok && int64(len(s)) > int64(m) {
		ctx.AddError(&MaxBytes{Got: len(s), Want: int(m)})
	}
}

// MaxBytes is the violation of x-max-bytes.
type MaxBytes struct {
	Got, Want int
}

func (*MaxBytes) KeywordPath() []string { return []string{MaxBytesKeyword} }

func (k *MaxBytes) LocalizedString(p *message.Printer) string {
	return p.Sprintf("maxBytes: got %d bytes of UTF-8, want at most %d", k.Got, k.Want)
}

// Violation is one failed schema keyword at one place in an instance.
type Violation struct {
	Pointer string // JSON pointer into the instance
	Keyword string // the failing keyword, e.g. "required", "maxItems", "x-max-bytes"
	Kind    jsonschema.ErrorKind
	Message string
}

var printer = message.NewPrinter(language.English)

// Violations flattens a validation error into its leaves. Any other error
// comes back as one violation at the root.
//
// At most maxViolations are returned: a body of 100,000 wrong items is
// reported by its first ones.
func Violations(err error) []Violation {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []Violation{{Message: err.Error()}}
	}
	var out []Violation
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(out) >= maxViolations {
			return
		}
		// anyOf and oneOf fail as one: their branches' complaints would only
		// repeat the same value once per branch.
		_, any := e.ErrorKind.(*kind.AnyOf)
		_, one := e.ErrorKind.(*kind.OneOf)
		if len(e.Causes) == 0 || any || one {
			kw := e.ErrorKind.KeywordPath()
			v := Violation{
				Pointer: Pointer(e.InstanceLocation...),
				Kind:    e.ErrorKind,
				Message: e.ErrorKind.LocalizedString(printer),
			}
			if len(kw) > 0 {
				v.Keyword = kw[len(kw)-1]
			}
			out = append(out, v)
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	slices.SortStableFunc(out, func(a, b Violation) int { return strings.Compare(a.Pointer, b.Pointer) })
	return out
}
