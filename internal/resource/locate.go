package resource

import (
	"slices"
	"strings"
)

// locate finds the resource object in the role's success answer: the
// answer itself, or the object property (data, result, the singular name)
// that holds an id.
func (role *Role) locate(param, singular string) {
	if role.answer == nil {
		return
	}
	root := role.rd.deref(role.answer.SchemaNode(role.Op.Doc))
	if root == nil || !role.rd.isObject(root) {
		return
	}
	top := role.rd.props(root)
	if f := idField(top, param, singular); f != "" {
		role.HasObject, role.object, role.props, role.idField = true, root, top, f
		return
	}
	for _, name := range preferredNames(top, singular) {
		n := top[name]
		if ps := role.rd.props(n); idField(ps, param, singular) != "" {
			role.HasObject, role.Object, role.object, role.props = true, name, n, ps
			role.idField = idField(ps, param, singular)
			return
		}
	}
}

// listArray finds a list's array: the answer itself, or its array
// property whose items are the resource (an id in them, else the one
// named data, items, results or after the collection).
func (role *Role) listArray(r *Resource) bool {
	if role.answer == nil {
		return false
	}
	root := role.rd.deref(role.answer.SchemaNode(role.Op.Doc))
	if root == nil {
		return false
	}
	if it := role.rd.items(root); it != nil && len(role.rd.types(root)) <= 1 {
		role.object, role.props, role.HasObject = it, role.rd.props(it), true
		role.idField = idField(role.props, "", singularOf(lastSegment(r.Collection)))
		return true
	}
	top := role.rd.props(root)
	singular := singularOf(lastSegment(r.Collection))
	pick := role.pickArray(top, "", r, singular)
	if pick == "" {
		// one level down: Vonage's {"_embedded": {"conversations": [...]}}
		for _, name := range preferredNames(top, singular) {
			if inner := role.rd.props(top[name]); len(inner) > 0 {
				if pick = role.pickArray(inner, name+".", r, singular); pick != "" {
					break
				}
			}
		}
	}
	if pick == "" {
		return false
	}
	n := root
	for _, name := range strings.Split(pick, ".") {
		n = role.rd.props(n)[name]
	}
	it := role.rd.items(n)
	role.Array, role.object, role.props, role.HasObject = pick, it, role.rd.props(it), true
	role.idField = idField(role.props, "", singular)
	return true
}

// pickArray is the property of ps (its path, after prefix) that is an
// array of the resource: the one whose items hold the id, else the only
// array of objects, else one named data, items, results or after the
// collection; "" when none is.
func (role *Role) pickArray(ps map[string]map[string]any, prefix string, r *Resource, singular string) string {
	var arrays []string
	for _, name := range preferredNames(ps, singular) {
		if it := role.rd.items(ps[name]); it != nil && role.rd.isObject(it) && slices.Contains(role.rd.types(ps[name]), "array") {
			arrays = append(arrays, name)
		}
	}
	for _, name := range arrays {
		if r.IDField != "" {
			if _, ok := role.rd.props(role.rd.items(ps[name]))[r.IDField]; ok {
				return prefix + name
			}
		}
	}
	if len(arrays) == 1 || len(arrays) > 1 && isListName(arrays[0], lastSegment(r.Collection)) {
		return prefix + arrays[0]
	}
	return ""
}

// preferredNames orders an object's property names: the usual wrappers
// first (data, result, item, the singular and plural name), then the rest
// in order.
func preferredNames(ps map[string]map[string]any, singular string) []string {
	rank := func(name string) int {
		switch n := norm(name); {
		case n == "data", n == "result", n == "results", n == "item", n == "items":
			return 0
		case n == norm(singular), n == norm(singular)+"s":
			return 1
		}
		return 2
	}
	names := make([]string, 0, len(ps))
	for k := range ps {
		names = append(names, k)
	}
	slices.SortFunc(names, func(a, b string) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(a, b)
	})
	return names
}

func isListName(name, collection string) bool {
	n := norm(name)
	return n == "data" || n == "items" || n == "results" || n == "records" || n == norm(collection)
}

// idField is the property of an object's properties that holds its id.
func idField(ps map[string]map[string]any, param, singular string) string {
	if len(ps) == 0 {
		return ""
	}
	byNorm := map[string]string{}
	names := make([]string, 0, len(ps))
	for k := range ps {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		if _, seen := byNorm[norm(k)]; !seen {
			byNorm[norm(k)] = k
		}
	}
	var want []string
	if param != "" {
		want = append(want, norm(param))
	}
	want = append(want, "id", "sid", "uuid", "uid", norm(singular)+"id", "key")
	for _, w := range want {
		if k, ok := byNorm[w]; ok && scalar(ps[k]) {
			return k
		}
	}
	return ""
}

// scalar tells whether a schema could be an id: a string or a number.
func scalar(n map[string]any) bool {
	t, _ := n["type"].(string)
	switch t {
	case "string", "integer", "number", "":
		_, obj := n["properties"]
		return !obj
	}
	if l, ok := n["type"].([]any); ok {
		for _, x := range l {
			if x == "string" || x == "integer" {
				return true
			}
		}
	}
	return false
}
