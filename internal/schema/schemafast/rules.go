package schemafast

import (
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// objectRules are the object keywords of one schema, as jsonschema's
// objValidate applies them.
type objectRules struct {
	minProps, maxProps int // -1: absent
	required           []string
	extraRequired      []string    // the required names that are not in props
	props              []namedNode // properties, in name order
	propIndex          map[string]*node
	patterns           []patternNode
	additional         *node // additionalProperties as a schema
	noAdditional       bool  // additionalProperties: false
	propertyNames      *node
	depRequired        []depRequired // dependentRequired and dependencies' lists
	depSchemas         []namedNode   // dependentSchemas and dependencies' schemas
}

type namedNode struct {
	name     string
	node     *node
	required bool // for props: the name is also required
}

type patternNode struct {
	re   jsonschema.Regexp
	node *node
}

type depRequired struct {
	name     string
	required []string
}

func (o *objectRules) check(obj map[string]any, st *state) bool {
	if o.minProps >= 0 && len(obj) < o.minProps || o.maxProps >= 0 && len(obj) > o.maxProps {
		return false
	}
	for _, d := range o.depRequired {
		if _, ok := obj[d.name]; ok && !hasAll(obj, d.required) {
			return false
		}
	}
	for _, d := range o.depSchemas {
		if _, ok := obj[d.name]; ok && !d.node.check(obj, st) {
			return false
		}
	}
	if !o.checkProperties(obj, st) {
		return false
	}
	if o.propertyNames != nil {
		for name := range obj {
			if !o.propertyNames.check(name, st) {
				return false
			}
		}
	}
	return true
}

func hasAll(obj map[string]any, names []string) bool {
	for _, name := range names {
		if _, ok := obj[name]; !ok {
			return false
		}
	}
	return true
}

// checkProperties applies required, properties, patternProperties and
// additionalProperties.
func (o *objectRules) checkProperties(obj map[string]any, st *state) bool {
	// Without patterns or an additionalProperties schema, looking up the
	// declared properties is enough: an undeclared one exists exactly when
	// fewer declared ones were found than obj has. Walk obj instead when it
	// is much the smaller.
	if len(o.patterns) == 0 && o.additional == nil && len(o.props) <= 2*len(obj)+4 {
		if !hasAll(obj, o.extraRequired) {
			return false
		}
		found := 0
		for _, p := range o.props {
			v, ok := obj[p.name]
			if !ok {
				if p.required {
					return false
				}
				continue
			}
			found++
			if !p.node.check(v, st) {
				return false
			}
		}
		return !o.noAdditional || found == len(obj)
	}
	if !hasAll(obj, o.required) {
		return false
	}
	for name, v := range obj {
		evaluated := false
		if n, ok := o.propIndex[name]; ok {
			evaluated = true
			if !n.check(v, st) {
				return false
			}
		}
		for _, p := range o.patterns {
			if p.re.MatchString(name) {
				evaluated = true
				if !p.node.check(v, st) {
					return false
				}
			}
		}
		if evaluated {
			continue
		}
		if o.noAdditional || o.additional != nil && !o.additional.check(v, st) {
			return false
		}
	}
	return true
}

// arrayRules are the array keywords of one schema. Both the draft-2020
// prefixItems/items and the older items/additionalItems map onto prefix
// and rest.
type arrayRules struct {
	minItems, maxItems int // -1: absent
	unique             bool
	prefix             []*node
	rest               *node // the items after prefix
	noRest             bool  // no items after prefix are allowed
	contains           *node
	minContains        int // -1: absent (contains wants one)
	maxContains        int // -1: absent
}

func (a *arrayRules) check(arr []any, st *state) bool {
	if a.minItems >= 0 && len(arr) < a.minItems || a.maxItems >= 0 && len(arr) > a.maxItems {
		return false
	}
	if a.unique && len(arr) > 1 && !unique(arr, st) {
		return false
	}
	for i, item := range arr {
		switch {
		case i < len(a.prefix):
			if !a.prefix[i].check(item, st) {
				return false
			}
		case a.noRest:
			return false
		case a.rest != nil:
			if !a.rest.check(item, st) {
				return false
			}
		}
	}
	if a.contains != nil {
		return a.checkContains(arr, st)
	}
	return true
}

func (a *arrayRules) checkContains(arr []any, st *state) bool {
	want := 1
	if a.minContains >= 0 {
		want = a.minContains
	}
	if want == 0 && a.maxContains < 0 {
		return true
	}
	matched := 0
	for _, item := range arr {
		if a.contains.check(item, st) {
			matched++
			if matched >= want && a.maxContains < 0 {
				return true
			}
			if a.maxContains >= 0 && matched > a.maxContains {
				return false
			}
		}
	}
	return matched >= want
}

// stringRules are the string keywords of one schema.
type stringRules struct {
	minLength, maxLength int // in code points; -1: absent
	pattern              jsonschema.Regexp
	encoding             *jsonschema.Decoder
	mediaType            *jsonschema.MediaType
}

func (r *stringRules) check(v any, st *state) bool {
	s := v.(string)
	// A string has at most as many code points as bytes.
	if r.minLength > 0 && (len(s) < r.minLength || utf8.RuneCountInString(s) < r.minLength) {
		return false
	}
	if r.maxLength >= 0 && len(s) > r.maxLength && utf8.RuneCountInString(s) > r.maxLength {
		return false
	}
	if r.pattern != nil && !r.pattern.MatchString(s) {
		return false
	}
	if r.encoding == nil && r.mediaType == nil {
		return true
	}
	// contentEncoding and contentMediaType, as strValidate does them.
	decoded := []byte(s)
	if r.encoding != nil {
		var err error
		if decoded, err = r.encoding.Decode(s); err != nil {
			return false
		}
	}
	return decoded == nil || r.mediaType == nil || r.mediaType.Validate(decoded) == nil
}
