package resource

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/chatmock/chatmock/internal/tmpl"
	"github.com/chatmock/chatmock/spec"
)

// Comparing what a run made with what the API shows of it afterwards: the
// mock's own sweep (bench/corpus --crud) and the contract runner's
// stateful checks both ask these questions.

// SameFields compares the fields two objects share: how many agree, or
// the first, by name, that differs ("name is "b", was "a"").
func SameFields(was, is State) (int, string) {
	n := 0
	keys := make([]string, 0, len(was))
	for k := range was {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		iv, ok := is[k]
		if !ok {
			continue
		}
		if x, y := Canonical(was[k]), Canonical(iv); x != y {
			return n, fmt.Sprintf("%s is %s, was %s", k, Clip(y), Clip(x))
		}
		n++
	}
	return n, ""
}

// Lists tells whether a list's answer shows the item: one whose id is id,
// or, where the list's objects carry no id, one whose fields agree with
// obj's.
func (role *Role) Lists(answer any, id string, obj State) bool {
	for _, it := range role.Items(answer) {
		if v, ok := role.IDOf(it); ok {
			if tmpl.Text(v) == id {
				return true
			}
			continue
		}
		if n, diff := SameFields(obj, it); n > 0 && diff == "" {
			return true
		}
	}
	return false
}

// NotFoundStatus is the status a read of a missing item answers: 404 or
// 410 where documented, else the operation's lowest documented 4xx but
// 401 and 403, else 404.
func NotFoundStatus(op *spec.Operation) int {
	if _, ok := op.Responses["404"]; ok {
		return 404
	}
	if _, ok := op.Responses["410"]; ok {
		return 410
	}
	best := 404 // also where only credentials errors are documented
	for _, st := range op.Statuses() {
		n := spec.StatusCode(st)
		if n >= 400 && n < 500 && n != 401 && n != 403 && (best == 404 || n < best) {
			best = n
		}
	}
	return best
}

// Canonical is a value's JSON text, for comparing values decoded apart.
func Canonical(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// Clip cuts a value's text to 80 bytes for a message.
func Clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
