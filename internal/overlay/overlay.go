// Package overlay reads and applies OpenAPI Overlays (the OAI Overlay
// Specification 1.0.0): files of actions that change an OpenAPI document
// without editing it, so that a public document can carry chatmock's
// extensions as it is. Each action selects nodes of the document with an
// RFC 9535 JSONPath target and updates or removes them:
//
//	overlay: 1.0.0
//	info: {title: Rocket.Chat for chatmock, version: 1.0.0}
//	actions:
//	  - target: $.paths['/api/v1/channels.create'].post
//	    update: {x-chatmock-resource: {name: channels, action: create}}
//	  - target: $.paths.*[?@.deprecated == true]
//	    remove: true
//
// Parse reads and checks a file once; Apply then applies its actions in
// order to a decoded document, each to the document as the actions before
// it left it. An update changes each node selected by its kind:
//
//   - An object is merged with the update, which must be an object: a
//     member that is an object in both is merged again, member by member;
//     any other member of the update (arrays too) replaces the node's or is
//     added.
//   - An array gets the update appended: the elements of an update that is
//     an array (`update: [{name: Rooms}]` on $.tags adds one tag), else the
//     update as one element.
//   - A string, number, boolean or null is replaced by the update. Overlay
//     1.0 leaves this case open; replacing is the one reading that lets an
//     action change a single value ($.info.version).
//
// `remove: true` deletes each node selected from the object or array that
// holds it. Overlay 1.0 lets a target select nothing: such an action
// changes nothing and Apply returns a warning for it. What the update puts
// into the document is copied for each node, never shared.
//
// Two choices are stricter than the specification, which ignores an update
// beside `remove: true` and says nothing of null: an action with both, or
// with `update: null`, is refused. `extends` is read, not followed: the
// caller chooses the document.
//
// It may import: nothing of the module.
package overlay

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/oasdiff/yaml"
	"github.com/theory/jsonpath"
	"github.com/theory/jsonpath/spec"
)

// MaxSize is the largest overlay file Parse reads, in bytes (8 MiB).
const MaxSize = 8 << 20

// MaxActions is the most actions an overlay may hold.
const MaxActions = 10000

// Overlay is one parsed overlay file.
type Overlay struct {
	Name           string // the file name it was read from, for messages
	Title, Version string // info.title, info.version
	Extends        string // the `extends` URL, "" when absent
	Actions        []Action
}

// Action is one action of an overlay: Update or Remove on the nodes Target
// selects.
type Action struct {
	Target      string // RFC 9535 JSONPath
	Description string
	Update      any // nil when absent
	Remove      bool
	path        *jsonpath.Path // compiled at Parse
}

// Error is an overlay that does not parse or an action that cannot be
// applied. Pointer is a JSON pointer into the overlay ("/actions/2/target";
// "" for the file as a whole); Err is the cause, when there is one (a YAML
// or JSONPath error).
type Error struct {
	Name    string
	Pointer string
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Pointer == "" {
		return e.Name + ": " + e.Message
	}
	return e.Name + ": " + e.Pointer + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// The fields each object of an overlay may have, besides x- extensions.
var (
	overlayFields = []string{"overlay", "info", "extends", "actions"}
	infoFields    = []string{"title", "version"}
	actionFields  = []string{"target", "description", "update", "remove"}
)

// version is what `overlay` may say: a version of Overlay 1.0.
var version = regexp.MustCompile(`^1\.0\.\d+$`)

// rootRemoved is why no action may remove the root.
const rootRemoved = "remove cannot take the root $ (the whole document)"

// Parse reads an overlay file (YAML or JSON; name is used in messages). It checks the
// document: `overlay` must be a 1.0.x version string, `info` with `title` and `version`
// required, `actions` a non-empty list, each with a `target` that compiles as RFC 9535
// JSONPath, and update or remove (remove: true with an update is an error). Unknown
// top-level fields other than `x-` extensions are errors. Errors read
// "<name>: /actions/2/target: <what is wrong>" (a JSON pointer into the overlay).
// The errors are of type *Error. Unknown fields of info and of an action are errors
// too, as the specification's schema has them; data over MaxSize bytes is refused.
func Parse(name string, data []byte) (*Overlay, error) {
	p := parser{name}
	if len(data) > MaxSize {
		return nil, p.fail("", "%d bytes, over the limit of %d (8 MiB)", len(data), MaxSize)
	}
	v, err := decode(data)
	if err != nil {
		return nil, &Error{Name: name, Message: "not YAML or JSON: " + err.Error(), Err: err}
	}
	root, ok := v.(map[string]any)
	if !ok {
		return nil, p.fail("", "want an overlay object, not %s", kind(v))
	}
	if err := p.known(root, "", overlayFields); err != nil {
		return nil, err
	}
	o := &Overlay{Name: name}
	if err := p.version(root); err != nil {
		return nil, err
	}
	if o.Title, o.Version, err = p.info(root); err != nil {
		return nil, err
	}
	if o.Extends, err = p.text(root, "", "extends", false); err != nil {
		return nil, err
	}
	if _, err := url.Parse(o.Extends); err != nil {
		return nil, p.fail("/extends", "want a URI reference: %v", err)
	}
	if o.Actions, err = p.actions(root); err != nil {
		return nil, err
	}
	return o, nil
}

// decode reads YAML or JSON, numbers as json.Number.
func decode(data []byte) (any, error) {
	js := data
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) == 0 || t[0] != '{' || !json.Valid(data) {
		var err error
		if js, err = yaml.YAMLToJSON(data); err != nil {
			return nil, err
		}
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	err := dec.Decode(&v)
	return v, err
}

// parser checks one overlay file and names it in its errors.
type parser struct{ name string }

func (p parser) fail(ptr, format string, args ...any) *Error {
	return &Error{Name: p.name, Pointer: ptr, Message: fmt.Sprintf(format, args...)}
}

// known refuses the first member of obj (at ptr), in sorted order, that is
// neither one of fields nor an x- extension.
func (p parser) known(obj map[string]any, ptr string, fields []string) error {
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		if !slices.Contains(fields, k) && !strings.HasPrefix(k, "x-") {
			return p.fail(ptr+"/"+escape(k), "unknown field (want %s or an x- extension)", strings.Join(fields, ", "))
		}
	}
	return nil
}

// text reads the string member key of obj (at ptr): "" when it is absent,
// which is an error when it is required.
func (p parser) text(obj map[string]any, ptr, key string, required bool) (string, error) {
	at := ptr + "/" + escape(key)
	v, ok := obj[key]
	if !ok {
		if required {
			return "", p.fail(at, "missing, want a string")
		}
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", p.fail(at, "want a string, not %s", kind(v))
	}
	return s, nil
}

func (p parser) version(root map[string]any) error {
	const want = `want a 1.0.x version string such as "1.0.0"`
	v, ok := root["overlay"]
	if !ok {
		return p.fail("/overlay", "missing, %s", want)
	}
	s, ok := v.(string)
	if !ok {
		return p.fail("/overlay", "%s (quoted in YAML), not %s", want, kind(v))
	}
	if !version.MatchString(s) {
		return p.fail("/overlay", "%s, not %q", want, s)
	}
	return nil
}

func (p parser) info(root map[string]any) (title, version string, err error) {
	v, ok := root["info"]
	if !ok {
		return "", "", p.fail("/info", "missing, want an object with title and version")
	}
	info, ok := v.(map[string]any)
	if !ok {
		return "", "", p.fail("/info", "want an object with title and version, not %s", kind(v))
	}
	if err := p.known(info, "/info", infoFields); err != nil {
		return "", "", err
	}
	if title, err = p.text(info, "/info", "title", true); err != nil {
		return "", "", err
	}
	version, err = p.text(info, "/info", "version", true)
	return title, version, err
}

func (p parser) actions(root map[string]any) ([]Action, error) {
	v, ok := root["actions"]
	if !ok {
		return nil, p.fail("/actions", "missing, want a list of actions")
	}
	list, ok := v.([]any)
	switch {
	case !ok:
		return nil, p.fail("/actions", "want a list of actions, not %s", kind(v))
	case len(list) == 0:
		return nil, p.fail("/actions", "want at least one action")
	case len(list) > MaxActions:
		return nil, p.fail("/actions", "%d actions, over the limit of %d", len(list), MaxActions)
	}
	actions := make([]Action, len(list))
	for i, v := range list {
		a, err := p.action(v, fmt.Sprintf("/actions/%d", i))
		if err != nil {
			return nil, err
		}
		actions[i] = a
	}
	return actions, nil
}

func (p parser) action(v any, ptr string) (Action, error) {
	var a Action
	obj, ok := v.(map[string]any)
	if !ok {
		return a, p.fail(ptr, "want an action object, not %s", kind(v))
	}
	if err := p.known(obj, ptr, actionFields); err != nil {
		return a, err
	}
	var err error
	if a.Target, err = p.text(obj, ptr, "target", true); err != nil {
		return a, err
	}
	if a.path, err = jsonpath.Parse(a.Target); err != nil {
		e := p.fail(ptr+"/target", "not RFC 9535 JSONPath: %s", strings.TrimPrefix(err.Error(), "jsonpath: "))
		e.Err = err
		return a, e
	}
	if a.Description, err = p.text(obj, ptr, "description", false); err != nil {
		return a, err
	}
	if r, ok := obj["remove"]; ok {
		if a.Remove, ok = r.(bool); !ok {
			return a, p.fail(ptr+"/remove", "want true or false, not %s", kind(r))
		}
	}
	u, update := obj["update"]
	switch {
	case update && u == nil:
		return a, p.fail(ptr+"/update", "want a value, not null")
	case update && a.Remove:
		return a, p.fail(ptr+"/update", "an action with remove: true takes no update")
	case !update && !a.Remove:
		return a, p.fail(ptr, "want update or remove: true")
	case a.Remove && len(a.path.Query().Segments()) == 0:
		return a, p.fail(ptr+"/target", rootRemoved)
	}
	a.Update = u
	return a, nil
}

// escape escapes a member name for a JSON pointer (RFC 6901).
func escape(key string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(key)
}

// kind names the JSON type of v for messages.
func kind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return "a number"
}

// Apply applies the actions in order to doc (a decoded JSON document:
// map[string]any / []any / json.Number or float64 / string / bool / nil), changing it
// in place, and returns one warning per action whose target selected nothing
// ("<name>: /actions/1: target $.paths['/x'].get selects nothing"), since Overlay 1.0
// lets an action match nothing. A selected object gets the update object merged in
// recursively (object members merged, other values replaced); a selected array gets
// the update appended (an array update: its elements); a selected string, number,
// boolean or null is replaced by the update. remove: true deletes each selected node
// from its parent (object member or array element, array elements from the highest
// index down so indexes stay right). Selecting the root "$" with remove is an error.
// Values put into doc are deep copies, never shared between two targets.
//
// The error is an *Error pointing at the action; doc then holds the changes of
// the actions before it. Apply only reads o: one Overlay may be applied to
// several documents at once.
func (o *Overlay) Apply(doc map[string]any) (warnings []string, err error) {
	for i := range o.Actions {
		a := &o.Actions[i]
		ptr := fmt.Sprintf("/actions/%d", i)
		path := a.path
		if path == nil { // an Action not made by Parse
			if path, err = jsonpath.Parse(a.Target); err != nil {
				return warnings, &Error{Name: o.Name, Pointer: ptr + "/target", Message: "not RFC 9535 JSONPath", Err: err}
			}
		}
		nodes := path.SelectLocated(doc).Deduplicate()
		if len(nodes) == 0 {
			warnings = append(warnings, fmt.Sprintf("%s: %s: target %s selects nothing", o.Name, ptr, a.Target))
			continue
		}
		var e *Error
		if a.Remove {
			e = remove(doc, nodes)
		} else {
			e = update(doc, nodes, a.Update)
		}
		if e != nil {
			e.Name, e.Pointer = o.Name, ptr+e.Pointer
			return warnings, e
		}
	}
	return warnings, nil
}

// remove deletes the nodes from doc. Taken from the last path to the
// first, a node comes before its ancestors and before the elements that
// precede it in its array, so every path still names its node when its
// turn comes.
func remove(doc map[string]any, nodes jsonpath.LocatedNodeList) *Error {
	slices.SortFunc(nodes, func(a, b *spec.LocatedNode) int { return b.Path.Compare(a.Path) })
	if len(nodes[len(nodes)-1].Path) == 0 { // the root sorts last
		return &Error{Pointer: "/target", Message: rootRemoved}
	}
	for _, n := range nodes {
		np := n.Path
		change(doc, np, func(m map[string]any, key string) { delete(m, key) },
			func(a []any, i int) { store(doc, np[:len(np)-1], slices.Delete(a, i, i+1)) })
	}
	return nil
}

// update applies u to each node: merged into an object, appended to an
// array, in place of anything else.
func update(doc map[string]any, nodes jsonpath.LocatedNodeList, u any) *Error {
	for _, n := range nodes {
		node, ok := lookup(doc, n.Path)
		if !ok {
			continue
		}
		switch node := node.(type) {
		case map[string]any:
			obj, ok := u.(map[string]any)
			if !ok {
				return &Error{Pointer: "/update", Message: fmt.Sprintf("want an object to merge into the object at %s, not %s", n.Path, kind(u))}
			}
			merge(node, obj)
		case []any:
			if list, ok := u.([]any); ok {
				node = append(node, deepCopy(list).([]any)...)
			} else {
				node = append(node, deepCopy(u))
			}
			store(doc, n.Path, node)
		default:
			store(doc, n.Path, deepCopy(u))
		}
	}
	return nil
}

// merge merges src into dst: members that are objects in both are merged,
// the others are copied over.
func merge(dst, src map[string]any) {
	for k, v := range src {
		d, dObj := dst[k].(map[string]any)
		s, sObj := v.(map[string]any)
		if dObj && sObj {
			merge(d, s)
			continue
		}
		dst[k] = deepCopy(v)
	}
}

// deepCopy copies the objects and arrays of v, so that nothing an action
// puts into a document is shared.
func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		c := maps.Clone(v)
		for k, e := range c {
			c[k] = deepCopy(e)
		}
		return c
	case []any:
		c := slices.Clone(v)
		for i, e := range c {
			c[i] = deepCopy(e)
		}
		return c
	}
	return v
}

// lookup finds the node at np in doc.
func lookup(doc map[string]any, np spec.NormalizedPath) (any, bool) {
	var node any = doc
	for _, sel := range np {
		switch sel := sel.(type) {
		case spec.Name:
			m, ok := node.(map[string]any)
			if !ok {
				return nil, false
			}
			if node, ok = m[string(sel)]; !ok {
				return nil, false
			}
		case spec.Index:
			a, ok := node.([]any)
			if !ok || int(sel) < 0 || int(sel) >= len(a) {
				return nil, false
			}
			node = a[sel]
		default:
			return nil, false
		}
	}
	return node, true
}

// store puts v at np, which is not the root, in place of the node there.
func store(doc map[string]any, np spec.NormalizedPath, v any) {
	change(doc, np, func(m map[string]any, key string) { m[key] = v }, func(a []any, i int) { a[i] = v })
}

// change calls member or element with the object or array that holds the
// node at np (not the root) and the node's name or index there; neither
// when the node is gone.
func change(doc map[string]any, np spec.NormalizedPath, member func(map[string]any, string), element func([]any, int)) {
	parent, ok := lookup(doc, np[:len(np)-1])
	if !ok {
		return
	}
	switch sel := np[len(np)-1].(type) {
	case spec.Name:
		if m, ok := parent.(map[string]any); ok {
			member(m, string(sel))
		}
	case spec.Index:
		if a, ok := parent.([]any); ok && int(sel) >= 0 && int(sel) < len(a) {
			element(a, int(sel))
		}
	}
}
