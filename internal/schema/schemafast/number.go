package schemafast

import (
	"encoding/json"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// jsonschema reads every number as big.Rat.SetString(fmt.Sprint(v)). The
// types here give the same answers without a big.Rat on the common path:
// an integer that fits int64 is compared as an int64, a decimal as a
// correctly rounded float64 when that decides, and only the rest as a
// big.Rat parsed from the same text jsonschema parses.

// numberRules are the number keywords of one schema.
type numberRules struct {
	min, max, exclMin, exclMax *bound
	multipleOf                 *multiple
}

func (r *numberRules) check(v any, st *state) bool {
	n := newNumber(v)
	return n.holds(r.min, st, func(c int) bool { return c >= 0 }) &&
		n.holds(r.max, st, func(c int) bool { return c <= 0 }) &&
		n.holds(r.exclMin, st, func(c int) bool { return c > 0 }) &&
		n.holds(r.exclMax, st, func(c int) bool { return c < 0 }) &&
		(r.multipleOf == nil || r.multipleOf.divides(&n, st))
}

// number is one JSON number of the instance.
type number struct {
	v     any
	i     int64
	isInt bool // v is exactly the integer i

	r     *big.Rat // jsonschema's value of v, once needed
	rDone bool
}

// maxExactFloat is 2^53: every integer of smaller magnitude is a float64.
const maxExactFloat = 1 << 53

func newNumber(v any) number {
	n := number{v: v}
	switch x := v.(type) {
	case json.Number:
		n.i, n.isInt = parseInt(string(x))
	case float64:
		if x == math.Trunc(x) && math.Abs(x) <= maxExactFloat {
			n.i, n.isInt = int64(x), true
		}
	case int:
		n.i, n.isInt = int64(x), true
	case int8:
		n.i, n.isInt = int64(x), true
	case int16:
		n.i, n.isInt = int64(x), true
	case int32:
		n.i, n.isInt = int64(x), true
	case int64:
		n.i, n.isInt = x, true
	case uint:
		n.i, n.isInt = int64(x), x <= math.MaxInt64
	case uint8:
		n.i, n.isInt = int64(x), true
	case uint16:
		n.i, n.isInt = int64(x), true
	case uint32:
		n.i, n.isInt = int64(x), true
	case uint64:
		n.i, n.isInt = int64(x), x <= math.MaxInt64
	}
	return n
}

// rat is the value jsonschema computes for the number: nil when big.Rat
// cannot read its text.
func (n *number) rat() *big.Rat {
	if !n.rDone {
		n.rDone = true
		n.r, _ = new(big.Rat).SetString(sprint(n.v))
	}
	return n.r
}

// float returns the number rounded to the nearest float64, when that is
// known without a big.Rat and finite.
func (n *number) float() (float64, bool) {
	switch x := n.v.(type) {
	case float64:
		return x, true // fmt.Sprint's shortest text rounds back to x
	case json.Number:
		if d, ok := parseDecimal(string(x)); !ok || !d.ratReadable() {
			return 0, false
		}
		f, err := strconv.ParseFloat(string(x), 64)
		return f, err == nil && !math.IsInf(f, 0)
	}
	return 0, false
}

// cmp returns the sign of n - b; ok is false when jsonschema cannot read
// the number.
func (n *number) cmp(b *bound) (c int, ok bool) {
	if n.isInt {
		return b.cmpInt(n.i), true
	}
	// Rounding to nearest is monotonic: a strict order of the rounded
	// values is the order of the exact ones.
	if f, ok := n.float(); ok && !math.IsInf(b.f, 0) {
		switch {
		case f < b.f:
			return -1, true
		case f > b.f:
			return 1, true
		}
	}
	r := n.rat()
	if r == nil {
		return 0, false
	}
	return r.Cmp(b.r), true
}

// holds reports whether the number meets the limit b (absent: it does);
// want judges the sign of n - b.
func (n *number) holds(b *bound, st *state, want func(int) bool) bool {
	if b == nil {
		return true
	}
	c, ok := n.cmp(b)
	if !ok {
		st.unsure = true // jsonschema would dereference a nil big.Rat
		return false
	}
	return want(c)
}

// bound is a minimum, maximum or exclusive limit.
type bound struct {
	r *big.Rat
	f float64 // r rounded to the nearest float64

	// For int64 operands: side is -1 when r is below every int64, +1 when
	// it is above every int64, else 0 and r = floor (+ a fraction if frac).
	side  int8
	floor int64
	frac  bool
}

var (
	minInt64 = big.NewInt(math.MinInt64)
	maxInt64 = big.NewInt(math.MaxInt64)
)

func newBound(r *big.Rat) *bound {
	b := &bound{r: r}
	b.f, _ = r.Float64()
	fl := new(big.Int).Div(r.Num(), r.Denom()) // Euclidean: the floor, as Denom > 0
	switch {
	case fl.Cmp(minInt64) < 0:
		b.side = -1
	case fl.Cmp(maxInt64) > 0:
		b.side = 1
	default:
		b.floor, b.frac = fl.Int64(), !r.IsInt()
	}
	return b
}

// cmpInt returns the sign of x - b.
func (b *bound) cmpInt(x int64) int {
	switch {
	case b.side < 0:
		return 1
	case b.side > 0:
		return -1
	case x < b.floor:
		return -1
	case x > b.floor:
		return 1
	case b.frac:
		return -1
	}
	return 0
}

// multiple is a multipleOf divisor (positive).
type multiple struct {
	r     *big.Rat
	i     int64
	isInt bool // r is the int64 i
}

func newMultiple(r *big.Rat) *multiple {
	m := &multiple{r: r}
	if r.IsInt() && r.Num().IsInt64() {
		m.i, m.isInt = r.Num().Int64(), true
	}
	return m
}

func (m *multiple) divides(n *number, st *state) bool {
	if n.isInt && m.isInt {
		return n.i%m.i == 0
	}
	r := n.rat()
	if r == nil {
		st.unsure = true
		return false
	}
	return new(big.Rat).Quo(r, m.r).IsInt()
}

// isInteger mirrors jsonschema's isInteger: big.Rat of fmt.Sprint(v) is an
// integer. v is a number (kindOf(v) == kNumber).
func isInteger(v any) bool {
	switch x := v.(type) {
	case json.Number:
		if _, ok := parseInt(string(x)); ok {
			return true
		}
		if d, ok := parseDecimal(string(x)); ok {
			if isInt, known := d.isInteger(); known {
				return isInt
			}
		}
	case float64:
		// The shortest decimal of a float64 is an integer exactly when the
		// float64 is.
		return x == math.Trunc(x)
	case float32:
		return float64(x) == math.Trunc(float64(x))
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return true
	}
	r, ok := new(big.Rat).SetString(sprint(v))
	return ok && r.IsInt()
}

// sprint is fmt.Sprint for the number types, without fmt.
func sprint(v any) string {
	switch x := v.(type) {
	case json.Number:
		return string(x)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 32)
	case uint:
		return strconv.FormatUint(uint64(x), 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	}
	n := newNumber(v)
	return strconv.FormatInt(n.i, 10)
}

// parseInt reads [+-]?[0-9]+ as an int64 (leading zeros are decimal for
// big.Rat too); ok is false for any other text or on overflow.
func parseInt(s string) (int64, bool) {
	neg := false
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" {
		return 0, false
	}
	var u uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if u > (math.MaxUint64-9)/10 {
			return 0, false
		}
		u = u*10 + uint64(c-'0')
	}
	switch {
	case !neg && u <= math.MaxInt64:
		return int64(u), true
	case neg && u <= 1<<63:
		return -int64(u), true // -(1<<63) wraps to MinInt64, as wanted
	}
	return 0, false
}

// decimal is the parts of a number in JSON syntax.
type decimal struct {
	intPart, frac string // the digits before and after the point
	exp           int64
	expOK         bool // the exponent has at most 9 significant digits
}

// digit returns the i-th digit of intPart followed by frac.
func (d decimal) digit(i int) byte {
	if i < len(d.intPart) {
		return d.intPart[i]
	}
	return d.frac[i-len(d.intPart)]
}

// parseDecimal splits s if it is in JSON number syntax.
func parseDecimal(s string) (d decimal, ok bool) {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	start := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	intPart := s[start:i]
	if intPart == "" || (len(intPart) > 1 && intPart[0] == '0') {
		return d, false
	}
	frac := ""
	if i < len(s) && s[i] == '.' {
		i++
		fs := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if frac = s[fs:i]; frac == "" {
			return d, false
		}
	}
	d.intPart, d.frac, d.expOK = intPart, frac, true
	if i == len(s) {
		return d, true
	}
	if s[i] != 'e' && s[i] != 'E' {
		return d, false
	}
	i++
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	es := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i != len(s) || es == i {
		return d, false
	}
	for es < i-1 && s[es] == '0' {
		es++
	}
	if i-es > 9 {
		d.expOK = false
		return d, true
	}
	d.exp, _ = strconv.ParseInt(s[es:i], 10, 64)
	if neg {
		d.exp = -d.exp
	}
	return d, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// zero reports whether every digit is 0.
func (d decimal) zero() bool {
	return strings.Trim(d.intPart, "0") == "" && strings.Trim(d.frac, "0") == ""
}

// ratReadable reports whether big.Rat.SetString reads d: it gives up on a
// decimal exponent beyond ±1e6 (the point counted in) unless the digits
// are all zero.
func (d decimal) ratReadable() bool {
	if !d.expOK {
		return false
	}
	exp5 := d.exp - int64(len(d.frac))
	return exp5 <= 1e6 && exp5 >= -1e6 || d.zero()
}

// isInteger reports whether big.Rat reads d as an integer; known is false
// when only big.Rat can tell (an exponent too long to read here).
func (d decimal) isInteger() (isInt, known bool) {
	if !d.expOK {
		return false, false
	}
	if d.zero() {
		return true, true
	}
	if !d.ratReadable() {
		return false, true
	}
	n := len(d.intPart) + len(d.frac)
	// The digits from the shifted point on must all be zero.
	from := int64(len(d.intPart)) + d.exp
	for i := max(from, 0); i < int64(n); i++ {
		if d.digit(int(i)) != '0' {
			return false, true
		}
	}
	return true, true
}
