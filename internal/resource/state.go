package resource

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chatmock/chatmock/internal/schema/schemagen"
	"github.com/chatmock/chatmock/internal/tmpl"
	"github.com/chatmock/chatmock/spec"
)

// State is a resource's record: its object as the create answered it,
// changed by the updates since.
type State = map[string]any

// at is the value at a dotted path of v ("" is v itself).
func at(v any, path string) any {
	if path == "" {
		return v
	}
	for _, name := range strings.Split(path, ".") {
		m, _ := v.(map[string]any)
		if m == nil {
			return nil
		}
		v = m[name]
	}
	return v
}

// put sets the value at a dotted path of root, making the objects on the
// way; it returns the root ("" replaces it).
func put(root any, path string, v any) any {
	if path == "" {
		return v
	}
	m, _ := root.(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	cur := m
	names := strings.Split(path, ".")
	for _, name := range names[:len(names)-1] {
		next, _ := cur[name].(map[string]any)
		if next == nil {
			next = map[string]any{}
			cur[name] = next
		}
		cur = next
	}
	cur[names[len(names)-1]] = v
	return m
}

// ObjectOf is a copy of the resource object in an answer (an empty one
// when there is none).
func (role *Role) ObjectOf(answer any) State {
	obj, _ := at(answer, role.Object).(map[string]any)
	if obj == nil {
		return State{}
	}
	return tmpl.DeepCopy(obj).(map[string]any)
}

// RequestedID is the id a create's request chose for the new item (a
// body field named like the id), if it chose one.
func (role *Role) RequestedID(body any) (any, bool) {
	m, _ := body.(map[string]any)
	k := role.RequestIDKey(m)
	if k == "" {
		return nil, false
	}
	if conv, ok := role.fits(m[k], role.props[role.Resource.IDField]); ok && conv != nil && conv != "" {
		return conv, true
	}
	return nil, false
}

// RequestIDKey is the field of a create's request body that names the new
// item's id (named like the id, by norm); "" when there is none.
func (role *Role) RequestIDKey(body map[string]any) string {
	f := role.Resource.IDField
	if f == "" {
		return ""
	}
	for k := range body {
		if norm(k) == norm(f) {
			return k
		}
	}
	return ""
}

// Revert takes back the fields of an answer's resource objects that
// pointers (JSON pointers of schema violations) fall in: the documented
// answer's value (base), else none. An echoed or stored value the answer's
// schema does not take (a format, a oneOf) is not shown.
func (role *Role) Revert(answer, base any, pointers []string) any {
	prefix := func(path string) []string {
		if path == "" {
			return nil
		}
		return strings.Split(path, ".")
	}
	for _, p := range pointers {
		toks := spec.Tokens(p)
		var obj, was map[string]any
		var field string
		if role.Action == List {
			pre := prefix(role.Array)
			if len(toks) < len(pre)+2 || !slices.Equal(toks[:len(pre)], pre) {
				continue
			}
			arr, _ := at(answer, role.Array).([]any)
			i, err := strconv.Atoi(toks[len(pre)])
			if err != nil || i < 0 || i >= len(arr) {
				continue
			}
			obj, _ = arr[i].(map[string]any)
			if doc, _ := at(base, role.Array).([]any); len(doc) > 0 {
				was, _ = doc[0].(map[string]any)
			}
			field = toks[len(pre)+1]
		} else {
			pre := prefix(role.Object)
			if len(toks) < len(pre)+1 || !slices.Equal(toks[:len(pre)], pre) {
				continue
			}
			obj, _ = at(answer, role.Object).(map[string]any)
			was, _ = at(base, role.Object).(map[string]any)
			field = toks[len(pre)]
		}
		if obj == nil || field == role.Resource.IDField || field == role.idField {
			continue
		}
		if v, ok := was[field]; ok {
			obj[field] = tmpl.DeepCopy(v)
		} else {
			delete(obj, field)
		}
	}
	return answer
}

// Created makes a create's answer from its documented one (base): the id
// set, the path's parameters and every request field the object also has
// echoed (by name, FriendlyName as friendly_name, converted to the
// property's type where the form sent text), its time fields now; the
// documented example's id and echoed values are replaced where other
// strings quote them (a url). It returns the answer and the new state.
func (role *Role) Created(base, body any, path map[string]string, id any, now time.Time, rnd *rand.Rand) (any, State) {
	base = tmpl.DeepCopy(base) // the documented example is shared
	obj := role.ObjectOf(base)
	swaps := map[string]string{}
	if f := role.Resource.IDField; f != "" {
		swap(swaps, obj[f], id)
		obj[f] = id
	}
	own := role.prep().own
	role.fill(obj, rnd, now)
	role.stamp(obj, now, true, own) // before the echo: a time the request sets is kept
	role.echo(obj, toAny(path), swaps, nil, own)
	rest := State{}
	role.echo(obj, body, swaps, rest, own)
	replaceIn(obj, swaps)
	st := tmpl.DeepCopy(obj).(map[string]any)
	for k, v := range rest {
		if _, ok := st[k]; !ok {
			st[k] = v // what the create's answer does not show, a read may
		}
	}
	return put(base, role.Object, obj), st
}

// fill gives the documented readOnly properties the documented answer
// lacks a value made from their schema (nil rnd: none), as the API would
// have set them.
func (role *Role) fill(obj State, rnd *rand.Rand, now time.Time) {
	if rnd == nil {
		return
	}
	gen := schemagen.New(role.rd.resolve, rnd, func() time.Time { return now })
	for name, n := range role.props {
		if _, ok := obj[name]; ok || !role.rd.flag(n, "readOnly") {
			continue
		}
		if v, err := gen.Generate(n); err == nil {
			obj[name] = v
		}
	}
}

// Updated is a state changed by an update's request: a merge sets the
// fields sent; a replace also drops the writable fields it did not send
// (unless the object requires them). Time fields named for updates
// become now.
func (role *Role) Updated(st State, body any, now time.Time) State {
	pre := role.prep()
	out := tmpl.DeepCopy(st).(map[string]any)
	if role.Action == Replace {
		sent, _ := body.(map[string]any)
		for name := range role.req {
			if _, ok := sent[name]; ok {
				continue
			}
			for k := range out {
				if norm(k) == norm(name) && !pre.required[k] && k != role.Resource.IDField {
					delete(out, k)
				}
			}
		}
	}
	// the state's own schema (the create's answer) says what it holds,
	// whatever this update answers
	role.stamp(out, now, false, pre.state)
	rest := State{}
	role.echo(out, body, nil, rest, pre.state)
	for k, v := range rest {
		out[k] = v
	}
	return out
}

// Project is an answer holding a state: the documented answer (base)
// with the state's fields laid over its resource object.
func (role *Role) Project(base any, st State) any {
	if !role.HasObject {
		return base
	}
	base = tmpl.DeepCopy(base)
	obj := role.ObjectOf(base)
	role.overlay(obj, st)
	// a field the state could hold but does not (a replace left it out)
	// is not made up from the documented answer, unless it is required
	pre := role.prep()
	for k := range obj {
		if _, in := st[k]; !in && pre.held[k] != nil && !pre.required[k] && k != role.idField {
			delete(obj, k)
		}
	}
	return put(base, role.Object, obj)
}

func (role *Role) overlay(obj, st State) {
	defer func() {
		// this answer's own name for the id (a conversation's id, where the
		// create answered a message whose conversation_id it was)
		if f := role.idField; f != "" && f != role.Resource.IDField {
			if id, ok := st[role.Resource.IDField]; ok {
				obj[f] = id
			}
		}
	}()
	own := role.prep().own
	for k, v := range st {
		p, ok := own.named(k)
		if len(own.props) == 0 {
			p, ok = k, true // a schema that names no property takes the state as it is
		}
		if !ok {
			continue
		}
		if conv, ok := role.fits(v, own.props[p]); ok {
			obj[p] = tmpl.DeepCopy(conv)
		}
	}
}

// Page is where a list's answer stands among the records: all of them
// (Total), the page's number and size as the request asked, and the
// cursor of the next page (the last item's id; "" on the last page).
type Page struct {
	Total, Number, Size int
	Next                string
}

// Listed is a list's answer holding states: the documented answer (base)
// with its array made of them, each laid over the documented first item
// (or an empty object), and its paging fields (total, total_count,
// page, per_page, total_pages, the next cursor) set where the answer has
// them, in its wrapper or two objects down (Twilio's meta, Intercom's
// pages and pages.next, which goes on the last page).
func (role *Role) Listed(base any, states []State, page Page) any {
	var template map[string]any
	if arr, _ := at(base, role.Array).([]any); len(arr) > 0 {
		template, _ = arr[0].(map[string]any)
	}
	items := make([]any, 0, len(states))
	for _, st := range states {
		obj := State{}
		if template != nil {
			obj = tmpl.DeepCopy(template).(map[string]any)
		}
		role.overlay(obj, st)
		items = append(items, obj)
	}
	out := put(tmpl.DeepCopy(base), role.Array, items)
	if m, ok := out.(map[string]any); ok && role.Array != "" {
		role.setPaging(m, page, 0)
	}
	return out
}

// setPaging sets the paging fields of a list's wrapper: numbers where the
// documented value is a number, the cursor where it is text (dropped on
// the last page).
func (role *Role) setPaging(m map[string]any, page Page, depth int) {
	pages := 1
	if page.Size > 0 {
		pages = max(1, (page.Total+page.Size-1)/page.Size)
	}
	cursor := norm(role.Paging.Cursor)
	for k, v := range m {
		n := norm(k)
		if inner, ok := v.(map[string]any); ok {
			switch {
			case n == "next" && depth < 2:
				// Intercom's pages.next: the next page's number and cursor
				if page.Next == "" {
					delete(m, k)
					continue
				}
				next := page
				next.Number++
				role.setPaging(inner, next, depth+1)
			case depth < 2:
				role.setPaging(inner, page, depth+1)
			}
			continue
		}
		_, isText := v.(string)
		isNum := !isText && v != nil && tmpl.Text(v) != "" && strings.IndexFunc(tmpl.Text(v), func(c rune) bool { return (c < '0' || c > '9') && c != '-' && c != '.' }) < 0
		switch {
		case isNum && (n == "total" || n == "totalcount" || n == "count" || n == "totalresults" || n == "totalitems"):
			m[k] = int64(page.Total)
		case isNum && n == "totalpages":
			m[k] = int64(pages)
		case isNum && (n == "page" || n == "pagenumber") && page.Number >= 0:
			m[k] = int64(page.Number)
		case isNum && (n == "perpage" || n == "pagesize" || n == "limit") && page.Size > 0:
			m[k] = int64(page.Size)
		case (isText || v == nil) && cursor != "" && (n == cursor || n == "nextcursor" || n == "nextpagetoken"):
			if page.Next == "" {
				delete(m, k)
			} else {
				m[k] = page.Next
			}
		}
	}
}

// echo copies the fields of src that f has a property for into obj,
// descending into a src object no property names (a request's
// {"room": {...}} wrapper). swaps collects the values replaced, rest (when
// not nil) the top-level fields no property names.
func (role *Role) echo(obj State, src any, swaps map[string]string, rest State, f fields) {
	m, _ := src.(map[string]any)
	if m == nil {
		return
	}
	for k, v := range m {
		p, ok := f.named(k)
		if !ok {
			if _, isObj := v.(map[string]any); isObj {
				role.echo(obj, v, swaps, nil, f)
			}
			if rest != nil && v != nil {
				rest[k] = tmpl.DeepCopy(v)
			}
			continue
		}
		if p == role.Resource.IDField {
			continue
		}
		if conv, ok := role.fits(v, f.props[p]); ok {
			if swaps != nil {
				swap(swaps, obj[p], conv)
			}
			obj[p] = tmpl.DeepCopy(conv)
		}
	}
}

// stamp sets the time fields f has: on a create every created or updated
// one, on an update the updated ones.
func (role *Role) stamp(obj State, now time.Time, create bool, f fields) {
	for name, n := range f.props {
		k := norm(name)
		updated := strings.Contains(k, "updated") || strings.Contains(k, "modified") || strings.Contains(k, "edited")
		created := strings.Contains(k, "created") || k == "datecreated" || k == "timestamp"
		if !updated && !(create && created) {
			continue
		}
		format, _ := n["format"].(string)
		ts := role.rd.types(n)
		switch {
		case slices.Contains(ts, "string") && format == "date-time":
			obj[name] = now.UTC().Format(time.RFC3339)
		case slices.Contains(ts, "integer") && (strings.HasSuffix(k, "at") || k == "timestamp"):
			obj[name] = now.Unix()
		}
	}
}

// fits returns v as the property's type wants it (a form's "5" as 5,
// "true" as true) and whether it fits: its type, enum, length and pattern.
func (role *Role) fits(v any, n map[string]any) (any, bool) {
	if n == nil {
		return v, true
	}
	ts := role.rd.types(n)
	has := func(t string) bool { return len(ts) == 0 || slices.Contains(ts, t) }
	var out any
	switch x := v.(type) {
	case nil:
		if !has("null") || len(ts) == 0 {
			return nil, false
		}
		return nil, true
	case string:
		switch {
		case has("string"):
			out = x
		case slices.Contains(ts, "integer"):
			i, err := strconv.ParseInt(x, 10, 64)
			if err != nil {
				return nil, false
			}
			out = i
		case slices.Contains(ts, "number"):
			f, err := strconv.ParseFloat(x, 64)
			if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
				return nil, false
			}
			out = f
		case slices.Contains(ts, "boolean") && (x == "true" || x == "false"):
			out = x == "true"
		default:
			return nil, false
		}
	case json.Number, float64, int64, int:
		if !has("number") && !has("integer") {
			return nil, false
		}
		if !has("number") {
			f, err := strconv.ParseFloat(tmpl.Text(x), 64)
			if err != nil || f != math.Trunc(f) {
				return nil, false
			}
		}
		out = x
	case bool:
		if !has("boolean") {
			return nil, false
		}
		out = x
	case map[string]any:
		if !has("object") {
			return nil, false
		}
		out = x
	case []any:
		if !has("array") {
			return nil, false
		}
		out = x
	default:
		return nil, false
	}
	if enum, ok := n["enum"].([]any); ok && !slices.ContainsFunc(enum, func(e any) bool { return tmpl.Text(e) == tmpl.Text(out) }) {
		return nil, false
	}
	if s, ok := out.(string); ok {
		if max, err := strconv.Atoi(tmpl.Text(n["maxLength"])); err == nil && len([]rune(s)) > max {
			return nil, false
		}
		if p, ok := n["pattern"].(string); ok {
			if re, err := schemagen.Pattern(p); err != nil || !re.MatchString(s) {
				return nil, false
			}
		}
	}
	return out, true
}

// swap notes that old (a documented value) became new, for the strings
// that quote it; short or non-text values are not noted.
func swap(swaps map[string]string, old, new any) {
	o, ok := old.(string)
	if !ok || len(o) < 6 {
		return
	}
	if n := tmpl.Text(new); n != o {
		swaps[o] = n
	}
}

// replaceIn replaces the noted values inside every string of v.
func replaceIn(v any, swaps map[string]string) {
	if len(swaps) == 0 {
		return
	}
	pairs := make([]string, 0, 2*len(swaps))
	olds := make([]string, 0, len(swaps))
	for o := range swaps {
		olds = append(olds, o)
	}
	slices.SortFunc(olds, func(a, b string) int { return len(b) - len(a) }) // longest first
	for _, o := range olds {
		pairs = append(pairs, o, swaps[o])
	}
	r := strings.NewReplacer(pairs...)
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if s, ok := e.(string); ok {
					x[k] = r.Replace(s)
				} else {
					walk(e)
				}
			}
		case []any:
			for i, e := range x {
				if s, ok := e.(string); ok {
					x[i] = r.Replace(s)
				} else {
					walk(e)
				}
			}
		}
	}
	walk(v)
}

func toAny(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Items are the resource objects of a list's answer.
func (role *Role) Items(answer any) []State {
	arr, _ := at(answer, role.Array).([]any)
	out := make([]State, 0, len(arr))
	for _, e := range arr {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// IDOf is the id a resource object holds, in this answer's name for it.
func (role *Role) IDOf(obj State) (any, bool) {
	f := role.idField
	if f == "" {
		f = role.Resource.IDField
	}
	v, ok := obj[f]
	return v, ok && v != nil
}

// Accepts tells whether the role's answer can show v as the value of the
// field a request calls name: a property named so (by norm) whose schema v
// fits.
func (role *Role) Accepts(name string, v any) bool {
	own := role.prep().own
	k, ok := own.named(name)
	if !ok {
		return false
	}
	_, fit := role.fits(v, own.props[k])
	return fit
}
