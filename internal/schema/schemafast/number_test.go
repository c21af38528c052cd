package schemafast

import (
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
)

// randomNumberText returns number text near the interesting places:
// integers around the int64 limits, decimals around small bounds, long
// fractions and exponents, and a little text that is not JSON.
func randomNumberText(r *rand.Rand) string {
	digits := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteByte(byte('0' + r.IntN(10)))
		}
		return b.String()
	}
	var s string
	switch r.IntN(8) {
	case 0:
		s = fmt.Sprint(r.Int64() >> r.IntN(64))
	case 1:
		s = []string{"9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "4294967295", "4294967296"}[r.IntN(6)]
	case 2:
		s = digits(1+r.IntN(3)) + "." + digits(1+r.IntN(25))
	case 3:
		s = "0." + strings.Repeat("0", r.IntN(5)) + digits(1+r.IntN(4))
	case 4:
		s = digits(1+r.IntN(3)) + "e" + fmt.Sprint(r.IntN(40)-20)
	case 5:
		s = digits(1+r.IntN(2)) + "." + digits(r.IntN(3)+1) + "E+" + fmt.Sprint(r.IntN(30))
	case 6:
		s = []string{"1.0", "100e-2", "0e999999999999", "1e1000001", "1e-1000001", "0.0", "007", "+5", "1_0", "0x10", "1/2", ".5", "5.", "1e"}[r.IntN(14)]
	default:
		s = digits(1 + r.IntN(30))
	}
	if r.IntN(3) == 0 && !strings.HasPrefix(s, "-") {
		s = "-" + s
	}
	return s
}

// TestNumbersAgainstRat compares the fast paths with big.Rat, which is
// what jsonschema uses, on many numbers and bounds.
func TestNumbersAgainstRat(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var bounds []*bound
	for _, b := range []string{"0", "1", "-1", "0.1", "2.5", "4294967295", "9223372036854775807.5", "-9223372036854775808.5", "1e30", "-1e30", "1e-30", "0.3333"} {
		rat, _ := new(big.Rat).SetString(b)
		bounds = append(bounds, newBound(rat))
	}
	for range 20000 {
		text := randomNumberText(r)
		want, ok := new(big.Rat).SetString(text)
		if got := isInteger(json.Number(text)); got != (ok && want.IsInt()) {
			t.Errorf("isInteger(%s) = %v", text, got)
		}
		for _, b := range bounds {
			n := newNumber(json.Number(text))
			c, cok := n.cmp(b)
			if cok != ok || ok && c != want.Cmp(b.r) {
				t.Errorf("cmp(%s, %s) = %d, %v; big.Rat reads it: %v", text, b.r.RatString(), c, cok, ok)
			}
		}
		if ok {
			f, _ := want.Float64()
			n := newNumber(f)
			fr, _ := new(big.Rat).SetString(sprint(f))
			for _, b := range bounds {
				if c, _ := n.cmp(b); c != fr.Cmp(b.r) {
					t.Errorf("cmp(float64 %v, %s) = %d, want %d", f, b.r.RatString(), c, fr.Cmp(b.r))
				}
			}
			if got := isInteger(f); got != fr.IsInt() {
				t.Errorf("isInteger(float64 %v) = %v", f, got)
			}
		}
	}
}
