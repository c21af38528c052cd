package schemafast

import (
	"encoding/json"
	"hash/maphash"
	"math"
	"math/big"
	"slices"
)

// kinds is a set of JSON types.
type kinds uint8

const (
	kNull kinds = 1 << iota
	kBoolean
	kNumber
	kInteger // only in a schema's "type"; values are kNumber
	kString
	kArray
	kObject
)

var kindNames = map[string]kinds{
	"null": kNull, "boolean": kBoolean, "number": kNumber, "integer": kInteger,
	"string": kString, "array": kArray, "object": kObject,
}

// kindOf is jsonschema's typeOf: 0 for a value that is not JSON (NaN and
// infinities included).
func kindOf(v any) kinds {
	switch x := v.(type) {
	case nil:
		return kNull
	case bool:
		return kBoolean
	case string:
		return kString
	case map[string]any:
		return kObject
	case []any:
		return kArray
	case json.Number, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return kNumber
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0
		}
		return kNumber
	case float32:
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return 0
		}
		return kNumber
	}
	return 0
}

// equal mirrors jsonschema's equals(a, b): a from the instance, b from the
// schema or the instance. Numbers are equal when their values are (1 and
// 1.0). A value of a that is not JSON makes the state unsure: jsonschema
// then reports an error, or not, depending on map order.
func equal(a, b any, st *state) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !equal(xv, yv, st) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equal(x[i], y[i], st) {
				return false
			}
		}
		return true
	case nil:
		return b == nil
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	}
	if kindOf(a) != kNumber {
		st.unsure = true
		return false
	}
	if kindOf(b) != kNumber {
		return false
	}
	na, nb := newNumber(a), newNumber(b)
	if na.isInt && nb.isInt {
		return na.i == nb.i
	}
	ra, rb := na.rat(), nb.rat()
	return ra != nil && rb != nil && ra.Cmp(rb) == 0
}

// enum is the enum keyword.
type enum struct {
	values  []any
	kinds   kinds               // the kinds of the values
	strings map[string]struct{} // when every value is a string
}

func newEnum(values []any) *enum {
	e := &enum{values: values}
	for _, v := range values {
		e.kinds |= kindOf(v)
	}
	if e.kinds == kString {
		e.strings = make(map[string]struct{}, len(values))
		for _, v := range values {
			e.strings[v.(string)] = struct{}{}
		}
	}
	return e
}

// has reports whether v (of kind k) equals one of the values.
func (e *enum) has(v any, k kinds, st *state) bool {
	if e.kinds&k == 0 {
		return false
	}
	if e.strings != nil {
		_, ok := e.strings[v.(string)]
		return ok
	}
	for _, x := range e.values {
		if equal(v, x, st) {
			return true
		}
		if st.unsure {
			return false
		}
	}
	return false
}

// hashSeed keys the uniqueItems hashes; any fixed seed will do.
var hashSeed = maphash.MakeSeed()

// unique reports whether no two items of arr are equal. Items are hashed
// (equal values hash alike) and only items of equal hash are compared. A
// value that is not JSON anywhere in arr makes the state unsure.
func unique(arr []any, st *state) bool {
	var small [16]uint64
	hashes := small[:0]
	if len(arr) > len(small) {
		hashes = make([]uint64, 0, len(arr))
	}
	for _, v := range arr {
		h, ok := hashValue(v)
		if !ok {
			st.unsure = true
			return false
		}
		hashes = append(hashes, h)
	}
	if len(arr) <= len(small) {
		for i := 1; i < len(arr); i++ {
			for j := 0; j < i; j++ {
				if hashes[i] == hashes[j] && equal(arr[i], arr[j], st) {
					return false
				}
			}
		}
		return true
	}
	order := make([]int, len(arr))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		switch {
		case hashes[a] < hashes[b]:
			return -1
		case hashes[a] > hashes[b]:
			return 1
		}
		return 0
	})
	for i := 0; i < len(order); i++ {
		for j := i + 1; j < len(order) && hashes[order[j]] == hashes[order[i]]; j++ {
			if equal(arr[order[i]], arr[order[j]], st) {
				return false
			}
		}
	}
	return true
}

// Type tags keep values of different kinds apart in hashValue.
const (
	tagNull uint64 = iota + 1
	tagFalse
	tagTrue
	tagString
	tagInt
	tagRat
	tagArray
	tagObject
)

// hashValue hashes v so that equal values (in the sense of equal) hash
// alike; ok is false when v holds a value that is not JSON or a number
// big.Rat cannot read.
func hashValue(v any) (uint64, bool) {
	switch x := v.(type) {
	case nil:
		return tagNull, true
	case bool:
		if x {
			return tagTrue, true
		}
		return tagFalse, true
	case string:
		return mix(tagString, maphash.String(hashSeed, x)), true
	case []any:
		h := tagArray
		for _, item := range x {
			ih, ok := hashValue(item)
			if !ok {
				return 0, false
			}
			h = mix(h, ih)
		}
		return h, true
	case map[string]any:
		// A sum does not depend on the order of the entries.
		var sum uint64
		for k, item := range x {
			ih, ok := hashValue(item)
			if !ok {
				return 0, false
			}
			sum += mix(maphash.String(hashSeed, k), ih)
		}
		return mix(tagObject, sum), true
	}
	if kindOf(v) != kNumber {
		return 0, false
	}
	n := newNumber(v)
	if n.isInt {
		return mix(tagInt, uint64(n.i)), true
	}
	r := n.rat()
	if r == nil {
		return 0, false
	}
	return hashRat(r), true
}

func hashRat(r *big.Rat) uint64 {
	if r.IsInt() && r.Num().IsInt64() {
		return mix(tagInt, uint64(r.Num().Int64()))
	}
	return mix(tagRat, maphash.String(hashSeed, r.RatString()))
}

// mix combines two hashes (the 64-bit finaliser of MurmurHash3 over their
// sum, enough to spread nearby values).
func mix(a, b uint64) uint64 {
	h := a*0x9e3779b97f4a7c15 + b
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9f53ae34ceb
	h ^= h >> 33
	return h
}
