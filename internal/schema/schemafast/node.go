package schemafast

import (
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// node is one compiled schema. Keywords the schema does not use are zero
// (nil, empty) or, for the integer limits, -1.
type node struct {
	isBool  bool // a boolean schema: true accepts anything, false nothing
	boolVal bool

	types    kinds // from "type"; 0 when absent
	hasConst bool
	constVal any
	enum     *enum
	format   *jsonschema.Format
	ref      *node
	refOnly  bool // before draft 2019 $ref hides the keywords after it

	obj *objectRules
	arr *arrayRules
	str *stringRules
	num *numberRules

	not    *node
	allOf  []*node
	anyOf  []*node
	oneOf  []*node
	ifNode *node
	then   *node
	els    *node
	exts   []func(v any) bool
}

// check mirrors jsonschema's validator.validate: the same keywords in the
// same draft-dependent way, stopping at the first failure.
func (n *node) check(v any, st *state) bool {
	if n.isBool {
		return n.boolVal
	}
	k := kindOf(v)
	if k == 0 {
		return false // jsonschema: InvalidJsonValue
	}
	if n.types != 0 && n.types&k == 0 {
		if n.types&kInteger == 0 || k != kNumber || !isInteger(v) {
			return false
		}
	}
	if n.hasConst && !equal(v, n.constVal, st) {
		return false
	}
	if n.enum != nil && !n.enum.has(v, k, st) {
		return false
	}
	if n.format != nil && n.format.Validate(v) != nil {
		return false
	}
	if n.ref != nil {
		if !n.ref.check(v, st) {
			return false
		}
		if n.refOnly {
			return true
		}
	}
	switch k {
	case kObject:
		if n.obj != nil && !n.obj.check(v.(map[string]any), st) {
			return false
		}
	case kArray:
		if n.arr != nil && !n.arr.check(v.([]any), st) {
			return false
		}
	case kString:
		if n.str != nil && !n.str.check(v, st) {
			return false
		}
	case kNumber:
		if n.num != nil && !n.num.check(v, st) {
			return false
		}
	}
	for _, ext := range n.exts {
		if !ext(v) {
			return false
		}
	}
	return n.checkApplicators(v, st)
}

// checkApplicators is jsonschema's condValidate: not, allOf, anyOf, oneOf
// and if/then/else, each applied to the same value.
func (n *node) checkApplicators(v any, st *state) bool {
	if n.not != nil && n.not.check(v, st) {
		return false
	}
	for _, s := range n.allOf {
		if !s.check(v, st) {
			return false
		}
	}
	if len(n.anyOf) > 0 && !anyValid(n.anyOf, v, st) {
		return false
	}
	if len(n.oneOf) > 0 && !oneValid(n.oneOf, v, st) {
		return false
	}
	if n.ifNode != nil && (n.then != nil || n.els != nil) {
		if n.ifNode.check(v, st) {
			if n.then != nil {
				return n.then.check(v, st)
			}
		} else if n.els != nil {
			return n.els.check(v, st)
		}
	}
	return true
}

func anyValid(list []*node, v any, st *state) bool {
	for _, s := range list {
		if s.check(v, st) {
			return true
		}
	}
	return false
}

// oneValid reports whether exactly one of list accepts v.
func oneValid(list []*node, v any, st *state) bool {
	matched := false
	for _, s := range list {
		if s.check(v, st) {
			if matched {
				return false
			}
			matched = true
		}
	}
	return matched
}
