package schemagen

import (
	"encoding/json"
	"math"
	"math/big"
)

// window is how far a random number strays from its one bound, or from 0
// when it has none.
const window = 1000

// bound is one side of a number's range.
type bound struct {
	v         *big.Rat // nil: none
	exclusive bool
}

// lowerUpper reads minimum and exclusiveMinimum (a number in 3.1, a
// boolean in 3.0), or maximum and exclusiveMaximum when upper.
func lowerUpper(m map[string]any, inclusiveKey, exclusiveKey string, upper bool) bound {
	var b bound
	if r, ok := toRat(m[inclusiveKey]); ok {
		b.v = r
	}
	switch e := m[exclusiveKey].(type) {
	case bool:
		b.exclusive = e && b.v != nil
	default:
		if r, ok := toRat(e); ok {
			tighter := b.v == nil || (!upper && r.Cmp(b.v) >= 0) || (upper && r.Cmp(b.v) <= 0)
			if tighter {
				b = bound{v: r, exclusive: true}
			}
		}
	}
	return b
}

// genNumber returns a number within the node's bounds, a multiple of its
// multipleOf, an integer when integer is set.
func (g *Generator) genNumber(m map[string]any, integer bool, salt int) json.Number {
	lo := lowerUpper(m, "minimum", "exclusiveMinimum", false)
	hi := lowerUpper(m, "maximum", "exclusiveMaximum", true)
	var step *big.Rat
	if r, ok := toRat(m["multipleOf"]); ok && r.Sign() > 0 {
		step = r
	}
	if integer {
		switch {
		case step == nil:
			step = big.NewRat(1, 1)
		case !step.IsInt():
			// k·p/q (reduced) is an integer for every k only when q | k:
			// the smallest integer multiple is p.
			step = new(big.Rat).SetInt(step.Num())
		}
	}
	continuous := step == nil
	if continuous {
		step = big.NewRat(1, 1)
	}

	// The multiples k·step allowed lie in [kmin, kmax].
	var kmin, kmax *big.Int
	if lo.v != nil {
		q := new(big.Rat).Quo(lo.v, step)
		kmin = ceil(q)
		if lo.exclusive && q.IsInt() {
			kmin.Add(kmin, big.NewInt(1))
		}
	}
	if hi.v != nil {
		q := new(big.Rat).Quo(hi.v, step)
		kmax = floor(q)
		if hi.exclusive && q.IsInt() {
			kmax.Sub(kmax, big.NewInt(1))
		}
	}
	if kmin != nil && kmax != nil && kmin.Cmp(kmax) > 0 {
		// No multiple fits: a number between the bounds, or the lower bound
		// when the schema cannot be satisfied.
		if continuous && !integer && lo.v != nil && hi.v != nil && lo.v.Cmp(hi.v) <= 0 {
			mid := new(big.Rat).Add(lo.v, hi.v)
			mid.Quo(mid, big.NewRat(2, 1))
			return json.Number(ratString(mid))
		}
		return json.Number(ratString(new(big.Rat).Mul(new(big.Rat).SetInt(kmin), step)))
	}

	k := g.pickK(kmin, kmax, salt)
	value := func(k *big.Int) *big.Rat { return new(big.Rat).Mul(new(big.Rat).SetInt(k), step) }
	inRange := func(k *big.Int) bool {
		return (kmin == nil || k.Cmp(kmin) >= 0) && (kmax == nil || k.Cmp(kmax) <= 0)
	}
	// Step away from values ruled out by not const/enum.
	if excluded(m, json.Number(ratString(value(k)))) {
		for d := int64(1); d <= 16; d++ {
			found := false
			for _, c := range []*big.Int{new(big.Int).Add(k, big.NewInt(d)), new(big.Int).Sub(k, big.NewInt(d))} {
				if inRange(c) && !excluded(m, json.Number(ratString(value(c)))) {
					k, found = c, true
					break
				}
			}
			if found {
				break
			}
		}
	}
	v := value(k)
	if continuous && !integer && g.rnd != nil {
		// A fraction in hundredths, when it stays in range.
		f := new(big.Rat).Add(v, big.NewRat(int64(g.rnd.IntN(100)), 100))
		if (hi.v == nil || f.Cmp(hi.v) < 0 || (!hi.exclusive && f.Cmp(hi.v) == 0)) &&
			!excluded(m, json.Number(ratString(f))) {
			v = f
		}
	}
	return json.Number(ratString(v))
}

// pickK picks a multiple index in [kmin, kmax] (nil: unbounded). Without a
// source it is 0 moved into the range, plus salt (wrapping around); with
// one it is random, near the one bound, or near 0, when the range is open.
func (g *Generator) pickK(kmin, kmax *big.Int, salt int) *big.Int {
	clamp := func(k *big.Int) *big.Int {
		if kmin != nil && k.Cmp(kmin) < 0 {
			k = new(big.Int).Set(kmin)
		}
		if kmax != nil && k.Cmp(kmax) > 0 {
			k = new(big.Int).Set(kmax)
		}
		return k
	}
	if g.rnd == nil {
		base := clamp(big.NewInt(0))
		k := new(big.Int).Add(base, big.NewInt(int64(salt)))
		if kmax != nil && k.Cmp(kmax) > 0 {
			if kmin == nil {
				return clamp(new(big.Int).Sub(base, big.NewInt(int64(salt))))
			}
			// Wrap around within [kmin, kmax].
			size := new(big.Int).Sub(kmax, kmin)
			size.Add(size, big.NewInt(1))
			k.Sub(k, kmin).Mod(k, size).Add(k, kmin)
		}
		return k
	}
	var a, b *big.Int
	w := big.NewInt(window)
	switch {
	case kmin != nil && kmax != nil:
		a, b = kmin, kmax
	case kmin != nil:
		a, b = kmin, new(big.Int).Add(kmin, w)
	case kmax != nil:
		if kmax.Sign() >= 0 {
			a, b = big.NewInt(0), kmax
			if b.Cmp(w) > 0 {
				b = w
			}
		} else {
			a, b = new(big.Int).Sub(kmax, w), kmax
		}
	default:
		a, b = big.NewInt(0), w
	}
	span := new(big.Int).Sub(b, a)
	if !span.IsInt64() || span.Int64() >= math.MaxInt64 {
		span = big.NewInt(math.MaxInt64 - 1)
	}
	off := g.rnd.Int64N(span.Int64() + 1)
	return new(big.Int).Add(a, big.NewInt(off))
}

func floor(r *big.Rat) *big.Int {
	// Euclidean division is floor division for a positive denominator.
	q, _ := new(big.Int).DivMod(r.Num(), r.Denom(), new(big.Int))
	return q
}

func ceil(r *big.Rat) *big.Int {
	q := floor(r)
	if !r.IsInt() {
		q.Add(q, big.NewInt(1))
	}
	return q
}

// ratString writes r as a JSON number: an integer, or the shortest decimal
// that is exactly r (17 digits when there is none).
func ratString(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	for prec := 1; prec <= 40; prec++ {
		s := r.FloatString(prec)
		if back, ok := new(big.Rat).SetString(s); ok && back.Cmp(r) == 0 {
			return s
		}
	}
	return r.FloatString(17)
}
