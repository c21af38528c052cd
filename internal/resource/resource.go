// Package resource finds the resources of a REST-shaped document from its
// paths and methods, so the mock keeps state for a document nobody
// annotated: a collection path with POST creates (/rooms), the item path
// below it (/rooms/{roomId}) reads with GET, replaces with PUT, merges with
// PATCH (and with POST where the operation says it updates), removes with
// DELETE, and GET on the collection lists. A collection below another
// resource's item (/rooms/{roomId}/messages) is scoped by it: its records
// are keyed under the parent's key and go with it.
//
// The id is the answer's property that names the item: the one named like
// the item's path parameter, else id, Id, _id, sid, uuid or <name>_id; new
// ids honour that property's schema (integers count up, uuid, pattern, or
// the shape of the documented example).
//
// An operation the paths do not reveal (conversations.create) is marked
// with x-chatmock-resource (see Declared), in the document or in an
// overlay; an operation with x-chatmock-store or x-chatmock-response keeps
// its own declaration and is never inferred.
//
// It may import: internal/schema/schemagen, internal/tmpl, spec.
package resource

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/chatmock/chatmock/internal/tmpl"
	"github.com/chatmock/chatmock/spec"
)

// Action is what an operation does to its resource.
type Action string

const (
	Create  Action = "create"
	Read    Action = "read"
	Replace Action = "replace" // PUT: the writable fields as sent
	Merge   Action = "merge"   // PATCH, or POST on the item: the fields sent change
	Delete  Action = "delete"
	List    Action = "list"
)

// Model is the resources of a set of documents.
type Model struct {
	Resources []*Resource
	// Skipped says, per collection path that has a POST but was not taken
	// for a resource, why not.
	Skipped []Skip
	roles   map[*spec.Operation]*Role
}

// Skip is a collection that is no resource, and why.
type Skip struct {
	API, Path, Reason string
}

// Resource is one kind of record an API keeps.
type Resource struct {
	API  string
	Name string // the store's kind: the collection's last segment, qualified by its parent's name when two share it
	// Collection and Item are the path templates as the document writes
	// them; Item is "" for a declared resource read by key.
	Collection, Item string
	Parent           *Resource
	Children         []*Resource
	// IDField is the property of the resource object that holds its id
	// ("" when only the Location header carries it).
	IDField  string
	idSchema map[string]any
	example  any  // the documented example's id, for ids of its shape
	digits   bool // the item path's parameter is an integer: string ids are digits
	Roles    []*Role
	Declared bool // from x-chatmock-resource
}

// Role is what one operation does to a resource.
type Role struct {
	Resource *Resource
	Action   Action
	Op       *spec.Operation
	// Object is the dotted path of the resource object in the success
	// answer ("" the answer itself); HasObject is false when the answer
	// holds none (204, {"success": true}).
	Object    string
	HasObject bool
	// Array is the dotted path of a list's array ("" the answer itself).
	Array  string
	Paging Paging
	// Key is a declared read's, update's or delete's way to name the item
	// from the request (a template such as {{query.roomId}}); nil: the item
	// path's parameters.
	Key *tmpl.Template
	// IDPath is a declared create's path of the id in its answer, "" to
	// find it by name.
	IDPath string
	// Location tells whether the success answer documents a Location
	// header, which then names the new item.
	Location bool

	idField string      // the property of this answer's object that holds the id, when it has its own name for it
	success string      // the success status
	answer  *spec.Media // the success answer's JSON media, nil when none
	object  map[string]any
	props   map[string]map[string]any // the resource object's properties
	req     map[string]map[string]any // the request body's properties
	rd      reader

	params []string // the path's parameter names, in order

	once sync.Once
	pre  *prepared // see prep
}

// PathParams are the names of the role's operation's path parameters, in
// the path's order (the parent's first, the item's own last).
func (role *Role) PathParams() []string { return role.params }

// Role returns what op does to a resource; nil when it is none.
func (m *Model) Role(op *spec.Operation) *Role {
	if m == nil {
		return nil
	}
	return m.roles[op]
}

// Infer finds the resources of every document of set.
func Infer(set *spec.Set) (*Model, error) {
	m := &Model{roles: map[*spec.Operation]*Role{}}
	for _, d := range set.Documents {
		if err := m.inferDocument(d); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// segment kinds of a path template.
func segments(p string) []string {
	return strings.Split(strings.Trim(p, "/"), "/")
}

func isParam(seg string) bool {
	return len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}' && !strings.ContainsAny(seg[1:len(seg)-1], "{}")
}

// shape is a path with its parameters' names blanked: /rooms/{}/messages.
func shape(p string) string {
	segs := segments(p)
	for i, s := range segs {
		if isParam(s) {
			segs[i] = "{}"
		}
	}
	return "/" + strings.Join(segs, "/")
}

// params are a path template's parameter names, in order.
func params(p string) []string {
	var out []string
	for _, s := range segments(p) {
		if isParam(s) {
			out = append(out, s[1:len(s)-1])
		}
	}
	return out
}

// explicit tells whether an operation declares its own store or answers.
func explicit(op *spec.Operation) bool {
	return op.Store != nil || op.Live != nil
}

func (m *Model) inferDocument(d *spec.Document) error {
	byShape := map[string]map[string]*spec.Operation{}
	claimed := map[string]bool{} // shapes with an explicit operation
	for _, op := range d.Operations {
		s := shape(op.Path)
		if byShape[s] == nil {
			byShape[s] = map[string]*spec.Operation{}
		}
		byShape[s][op.Method] = op
		if explicit(op) {
			claimed[s] = true
		}
	}
	declared, err := m.declared(d)
	if err != nil {
		return err
	}
	shapes := make([]string, 0, len(byShape))
	for s := range byShape {
		shapes = append(shapes, s)
	}
	slices.Sort(shapes)
	var found []*Resource
	for _, s := range shapes {
		post := byShape[s]["POST"]
		segs := segments(s)
		if last := segs[len(segs)-1]; post == nil || last == "{}" || last == "" {
			continue
		}
		item := s + "/{}"
		skip := func(why string) { m.Skipped = append(m.Skipped, Skip{d.API, post.Path, why}) }
		switch {
		case claimed[s] || claimed[item]:
			skip("its operations declare their own store or answers")
			continue
		case declared[post]:
			continue
		}
		r, why := m.collection(d, post, byShape[s], byShape[item], declared)
		if r == nil {
			skip(why)
			continue
		}
		found = append(found, r)
	}
	byItem := map[string]*Resource{}
	for _, r := range found {
		byItem[shape(r.Item)] = r
	}
	for _, r := range found {
		segs := segments(shape(r.Collection))
		if len(segs) > 1 {
			if p := byItem["/"+strings.Join(segs[:len(segs)-1], "/")]; p != nil {
				r.Parent = p
				p.Children = append(p.Children, r)
				if integerParam(r.Find(Create).Op, len(params(p.Item))-1) {
					p.digits = true // the children's paths take the parent's id as an integer
				}
			}
		}
	}
	m.name(found)
	m.Resources = append(m.Resources, found...)
	for _, r := range found {
		for _, role := range r.Roles {
			m.roles[role.Op] = role
		}
	}
	return m.declare(d, declared)
}

// name gives each resource its store kind: the collection's last segment,
// qualified by the parent's name (or the whole path) where two meet.
func (m *Model) name(found []*Resource) {
	count := map[string]int{}
	last := func(r *Resource) string {
		segs := segments(r.Collection)
		return segs[len(segs)-1]
	}
	for _, r := range found {
		count[last(r)]++
	}
	taken := map[string]bool{}
	for _, r := range m.Resources {
		taken[r.API+"\x00"+r.Name] = true
	}
	for _, r := range found {
		r.Name = last(r)
		if count[r.Name] > 1 && r.Parent != nil {
			r.Name = last(r.Parent) + "." + r.Name
		}
		if taken[r.API+"\x00"+r.Name] {
			r.Name = strings.Trim(shape(r.Collection), "/")
		}
		taken[r.API+"\x00"+r.Name] = true
	}
}

// collection builds the resource a collection's POST creates, or says why
// there is none.
func (m *Model) collection(d *spec.Document, post *spec.Operation, coll, item map[string]*spec.Operation, declared map[*spec.Operation]bool) (*Resource, string) {
	r := &Resource{API: d.API, Collection: post.Path}
	create := r.role(Create, post)
	if create.answer == nil && !create.Location {
		return nil, "its POST documents no JSON answer and no Location header"
	}
	var itemPath string
	for _, op := range item {
		itemPath = op.Path
		break
	}
	r.Item = itemPath
	param := ""
	if itemPath != "" {
		ps := params(itemPath)
		param = ps[len(ps)-1]
	}
	singular := singularOf(lastSegment(post.Path))
	create.locate(param, singular)
	if create.HasObject {
		r.IDField = idField(create.props, param, singular)
	}
	take := func(a Action, op *spec.Operation) {
		if op == nil || declared[op] {
			return
		}
		role := r.role(a, op)
		role.locate(param, singular)
		if r.IDField == "" && role.HasObject && a == Read {
			r.IDField = idField(role.props, param, singular)
		}
	}
	if itemPath != "" {
		take(Read, item["GET"])
		take(Replace, item["PUT"])
		take(Merge, item["PATCH"])
		if op := item["POST"]; op != nil && updates(op) {
			take(Merge, op)
		}
		take(Delete, item["DELETE"])
	}
	if get := coll["GET"]; get != nil && !declared[get] {
		l := &Role{Resource: r, Action: List, Op: get, params: params(get.Path)}
		l.describe()
		if l.listArray(r) {
			l.Paging = pagingOf(get)
			r.Roles = append(r.Roles, l)
		}
	}
	if !r.has(Read) && !r.has(List) {
		return nil, "no GET reads or lists what it creates"
	}
	if (r.IDField == "" || create.props[r.IDField] == nil) && !create.Location {
		return nil, "its answer holds no id (id, <name>_id, a field named like the item's path parameter) and documents no Location"
	}
	if r.IDField == "" && itemPath == "" {
		return nil, "it has no item path and its answer holds no id"
	}
	r.idSchema = create.props[r.IDField]
	if r.idSchema == nil {
		for _, role := range r.Roles {
			if s := role.props[r.IDField]; s != nil {
				r.idSchema = s
				break
			}
		}
	}
	r.example = r.exampleID()
	for _, role := range r.Roles {
		for _, p := range role.Op.Parameters {
			if p.In == "path" && p.Name == param && slices.Contains(p.Types, "integer") {
				r.digits = true
			}
		}
	}
	return r, ""
}

// integerParam tells whether the operation's i-th path parameter is an
// integer.
func integerParam(op *spec.Operation, i int) bool {
	ps := params(op.Path)
	if i < 0 || i >= len(ps) {
		return false
	}
	for _, p := range op.Parameters {
		if p.In == "path" && p.Name == ps[i] {
			return slices.Contains(p.Types, "integer")
		}
	}
	return false
}

func (r *Resource) has(a Action) bool { return r.Find(a) != nil }

// stateProps are the properties of the resource's state: the create's
// answer's object, with extra's besides.
func (r *Resource) stateProps(extra map[string]map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for k, v := range extra {
		out[k] = v
	}
	if c := r.Find(Create); c != nil {
		for k, v := range c.props {
			out[k] = v
		}
	}
	return out
}

// Find returns the resource's role for an action, nil when it has none.
func (r *Resource) Find(a Action) *Role {
	if i := slices.IndexFunc(r.Roles, func(x *Role) bool { return x.Action == a }); i >= 0 {
		return r.Roles[i]
	}
	return nil
}

// role adds the role of op to r.
func (r *Resource) role(a Action, op *spec.Operation) *Role {
	role := &Role{Resource: r, Action: a, Op: op, params: params(op.Path)}
	role.describe()
	r.Roles = append(r.Roles, role)
	return role
}

// describe reads the operation's success answer and request body.
func (role *Role) describe() {
	op := role.Op
	for _, st := range op.Statuses() {
		if !strings.HasPrefix(st, "2") {
			continue
		}
		role.success = st
		for _, media := range op.Responses[st] {
			if media.Kind == spec.KindJSON && media.SchemaNode(op.Doc) != nil {
				role.answer = media
				role.rd = reader{media.Resolver(op.Doc)}
				break
			}
		}
		role.Location = documentsLocation(op, st)
		break
	}
	for _, media := range op.RequestBody {
		if media.Kind == spec.KindJSON || media.Kind == spec.KindForm || media.Kind == spec.KindMultipart {
			if n := media.SchemaNode(op.Doc); n != nil {
				rd := reader{media.Resolver(op.Doc)}
				role.req = rd.props(rd.deref(n))
			}
			break
		}
	}
}

// documentsLocation tells whether a response documents a Location header.
func documentsLocation(op *spec.Operation, status string) bool {
	v, _ := spec.Lookup(op.Raw, spec.Pointer("responses", status))
	resp, _ := v.(map[string]any)
	if ref, ok := resp["$ref"].(string); ok {
		if target, err := op.Doc.ResolveSchema(ref); err == nil {
			resp = target
		}
	}
	headers, _ := resp["headers"].(map[string]any)
	for k := range headers {
		if strings.EqualFold(k, "Location") {
			return true
		}
	}
	return false
}

// updates tells whether a POST on an item path updates it, as its
// operationId or summary says (Twilio's UpdateChannel, updateUser).
func updates(op *spec.Operation) bool {
	summary, _ := op.Raw["summary"].(string)
	text := strings.ToLower(op.ID + " " + summary)
	for _, w := range []string{"update", "edit", "modify", "rename", "change"} {
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}

func lastSegment(p string) string {
	segs := segments(p)
	return segs[len(segs)-1]
}

// singularOf is an English plural's singular, roughly: rooms → room,
// Channels → Channel, categories → category, messages → message.
func singularOf(s string) string {
	l := strings.ToLower(s)
	switch {
	case strings.HasSuffix(l, "ies") && len(s) > 3:
		return s[:len(s)-3] + "y"
	case strings.HasSuffix(l, "sses"), strings.HasSuffix(l, "xes"):
		return s[:len(s)-2]
	case strings.HasSuffix(l, "ss"):
		return s
	case strings.HasSuffix(l, "s") && len(s) > 1:
		return s[:len(s)-1]
	}
	return s
}

// String names a role as the explanation prints it.
func (role *Role) String() string {
	return fmt.Sprintf("%s %s %s", role.Action, role.Op.Method, role.Op.Path)
}
