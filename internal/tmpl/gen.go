package tmpl

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Gen is what generated values draw on: counters, a random source and a
// clock, shared by all requests and safe for concurrent use. A seed makes
// every generated value repeatable.
type Gen struct {
	mu       sync.Mutex
	rnd      *rand.Rand
	counters map[string]int64
	now      func() time.Time
}

// NewGen returns a generator whose random source is seeded with seed when
// seeded is true, and from the runtime's entropy otherwise; now is its
// clock (time.Now when nil).
func NewGen(seed uint64, seeded bool, now func() time.Time) *Gen {
	if !seeded {
		seed = rand.Uint64()
	}
	if now == nil {
		now = time.Now
	}
	return &Gen{rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), counters: map[string]int64{}, now: now}
}

func (g *Gen) next(name string) int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.counters[name]++
	return g.counters[name]
}

func (g *Gen) random(prefix string, n int, alphabet string) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	var sb strings.Builder
	sb.WriteString(prefix)
	for range n {
		sb.WriteByte(alphabet[g.rnd.IntN(len(alphabet))])
	}
	return sb.String()
}

func (g *Gen) randomInt(lo, hi int64) int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return lo + g.rnd.Int64N(hi-lo+1)
}

// Rand runs f with the random source held, for generators that need one.
func (g *Gen) Rand(f func(r *rand.Rand)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	f(g.rnd)
}

// Now is the generator's clock.
func (g *Gen) Now() time.Time { return g.now() }

const upperDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// call runs the functions templates may call: now(layout?), id(name?),
// seq(name?), random(prefix, n, alphabet?), randomInt(min, max),
// uuid(name?) and isoDate(value).
func (v *Vars) call(fn string, args []any) (any, bool, error) {
	if v.Gen == nil {
		return nil, false, fmt.Errorf("%s(): no functions here", fn)
	}
	str := func(i int, def string) string {
		if i < len(args) {
			return Text(args[i])
		}
		return def
	}
	num := func(i int, def int64) (int64, error) {
		if i >= len(args) {
			return def, nil
		}
		return strconv.ParseInt(Text(args[i]), 10, 64)
	}
	switch fn {
	case "now":
		if v.at.IsZero() {
			v.at = v.Gen.Now().UTC()
		}
		return v.at.Format(str(0, "2006-01-02T15:04:05.000Z07:00")), true, nil
	case "seq":
		return json.Number(strconv.FormatInt(v.Gen.next(str(0, v.Counter)), 10)), true, nil
	case "id":
		name := str(0, v.Counter)
		if v.ids == nil {
			v.ids = map[string]int64{}
		}
		if _, ok := v.ids[name]; !ok {
			v.ids[name] = v.Gen.next(name)
		}
		return json.Number(strconv.FormatInt(v.ids[name], 10)), true, nil
	case "random":
		n, err := num(1, 8)
		if err != nil || n < 0 || n > 1024 {
			return nil, false, fmt.Errorf("random: want a length from 0 to 1024")
		}
		alphabet := str(2, upperDigits)
		if alphabet == "" {
			return nil, false, fmt.Errorf("random: empty alphabet")
		}
		return v.Gen.random(str(0, ""), int(n), alphabet), true, nil
	case "uuid":
		if len(args) > 0 && args[0] != nil {
			return nameUUID(Text(args[0])), true, nil
		}
		return nameUUID(v.Gen.random("", 32, upperDigits)), true, nil
	case "isoDate":
		return isoDate(args)
	case "randomInt":
		lo, err1 := num(0, 1)
		hi, err2 := num(1, 1<<31-1)
		if err1 != nil || err2 != nil || hi < lo {
			return nil, false, fmt.Errorf("randomInt: want min <= max")
		}
		return json.Number(strconv.FormatInt(v.Gen.randomInt(lo, hi), 10)), true, nil
	}
	return nil, false, fmt.Errorf("unknown function %s()", fn)
}

// msDate is Microsoft's JSON date: /Date(milliseconds[+-hhmm])/.
var msDate = regexp.MustCompile(`^/Date\((-?[0-9]+)([+-][0-9]{4})?\)/$`)

// isoDate writes a date the way .NET answers: ISO 8601 with seven
// fractional digits. It reads ISO 8601 (returned as it is) and Microsoft's
// /Date(...)/ form; anything else is undefined.
func isoDate(args []any) (any, bool, error) {
	if len(args) == 0 {
		return nil, false, nil
	}
	s, ok := args[0].(string)
	if !ok {
		return nil, false, nil
	}
	m := msDate.FindStringSubmatch(s)
	if m == nil {
		return s, true, nil
	}
	ms, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		return nil, false, nil
	}
	zone := time.UTC
	if m[2] != "" {
		h, _ := strconv.Atoi(m[2][1:3])
		mi, _ := strconv.Atoi(m[2][3:5])
		off := h*3600 + mi*60
		if m[2][0] == '-' {
			off = -off
		}
		zone = time.FixedZone("", off)
	}
	return time.UnixMilli(ms).In(zone).Format("2006-01-02T15:04:05.0000000-07:00"), true, nil
}

// nameUUID is a UUID (version 5 layout) derived from a name, so the same
// record always shows the same UniqueId.
func nameUUID(name string) string {
	h := sha1.Sum([]byte("chatmock:" + name))
	h[6] = (h[6] & 0x0f) | 0x50
	h[8] = (h[8] & 0x3f) | 0x80
	x := hex.EncodeToString(h[:16])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}
