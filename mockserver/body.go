package mockserver

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/chatmock/chatmock/internal/envelope"
	"github.com/chatmock/chatmock/spec"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// checkBody decodes the body by its media type and validates it.
func (rt *route) checkBody(ex *exchange) {
	m := ex.media
	v, err := m.Decode(ex.body)
	if err != nil {
		ex.fail(envelope.Failure{Class: envelope.BodyMalformed, Detail: err.Error()})
		return
	}
	// Rules and templates read the body with gjson: a JSON body as sent
	// (jsonbody refused duplicate keys and invalid text, so the bytes say
	// what the decoded value says), any other body re-encoded on first use.
	ex.req.Body, ex.req.HasBody = v, true
	if m.Kind == spec.KindJSON {
		ex.req.JSON = ex.body
	}
	if m.Schema == nil {
		return
	}
	if err := m.Schema.Validate(v); err != nil {
		for _, f := range schemaFailures(err, v) {
			ex.fail(f)
		}
	}
}

// schemaFailures turns a validation error into failures, one per missing
// property and per unexpected property, each with the value sent.
func schemaFailures(err error, instance any) []envelope.Failure {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []envelope.Failure{{Class: envelope.Schema, Detail: err.Error()}}
	}
	var out []envelope.Failure
	for _, viol := range spec.Violations(err) {
		f := envelope.Failure{Class: envelope.Schema, In: "body", Pointer: viol.Pointer, Keyword: viol.Keyword, Detail: viol.Message}
		f.Limit, f.Want = limits(viol.Kind)
		switch k := viol.Kind.(type) {
		case *kind.Required:
			for _, name := range k.Missing {
				g := f
				g.Pointer = viol.Pointer + spec.Pointer(name)
				g.Detail = "missing property '" + name + "'"
				out = append(out, g)
			}
			continue
		case *kind.AdditionalProperties:
			for _, name := range k.Properties {
				g := f
				g.Pointer = viol.Pointer + spec.Pointer(name)
				g.Detail = "property '" + name + "' is not allowed"
				g.Value, g.HasValue = spec.Lookup(instance, g.Pointer)
				out = append(out, g)
			}
			continue
		}
		f.Value, f.HasValue = spec.Lookup(instance, f.Pointer)
		out = append(out, f)
	}
	return out
}

// limits reads a keyword's limit and expectation from its error kind.
func limits(k jsonschema.ErrorKind) (limit, want any) {
	switch k := k.(type) {
	case *kind.MaxLength:
		return json.Number(strconv.Itoa(k.Want)), nil
	case *kind.MinLength:
		return json.Number(strconv.Itoa(k.Want)), nil
	case *kind.MaxItems:
		return json.Number(strconv.Itoa(k.Want)), nil
	case *kind.MinItems:
		return json.Number(strconv.Itoa(k.Want)), nil
	case *spec.MaxBytes:
		return json.Number(strconv.Itoa(k.Want)), nil
	case *kind.Type:
		return nil, strings.Join(k.Want, " or ")
	case *kind.Enum:
		return nil, k.Want
	case *kind.Const:
		return nil, k.Want
	case *kind.Pattern:
		return nil, k.Want
	case *kind.Format:
		return nil, formatNoun(k.Want)
	case *kind.Minimum:
		return ratNumber(k.Want), nil
	case *kind.Maximum:
		return ratNumber(k.Want), nil
	}
	return nil, nil
}

// formatNoun names what a format asks for, as error texts say it ("is not
// a valid {{want}}").
func formatNoun(format string) string {
	switch format {
	case "date-time", "date":
		return "date"
	case "int32", "int64":
		return "integer"
	case "email":
		return "email address"
	case "uri", "uri-reference":
		return "URL"
	}
	return format
}

func ratNumber(r interface{ FloatString(int) string }) any {
	s := r.FloatString(6)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return json.Number(s)
}
