package resource

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/chatmock/chatmock/internal/tmpl"
	"github.com/chatmock/chatmock/spec"
)

// Key is the operation extension that marks what inference cannot see: an
// RPC-style operation that creates, reads, updates, deletes or lists a
// resource.
//
//	x-chatmock-resource:
//	  name: channels            # the resource (the store's kind); required
//	  action: create            # create, read, replace, merge (or update), delete, list; required
//	  id: channel._id           # create: where the new id is in the answer (found by name without)
//	  key: '{{query.roomId}}'   # read, replace, merge, delete: how the request names the item
//	                            # (the path's last parameter without)
//	  object: channel           # where the resource object is in the answer (found without)
//	  array: channels           # list: where the array is in the answer (found without)
//
// Declared operations of one name make one resource, beside the inferred
// ones; a declaration beats inference, for the operation and for the
// collection path it is on.
const Key = "x-chatmock-resource"

type declaration struct {
	Name   string `json:"name"`
	Action string `json:"action"`
	ID     string `json:"id"`
	Key    string `json:"key"`
	Object string `json:"object"`
	Array  string `json:"array"`
}

// declared reads every operation's x-chatmock-resource; the map holds the
// declared operations.
func (m *Model) declared(d *spec.Document) (map[*spec.Operation]bool, error) {
	out := map[*spec.Operation]bool{}
	for _, op := range d.Operations {
		if _, ok := op.Raw[Key]; ok {
			out[op] = true
		}
	}
	return out, nil
}

// declare builds the declared resources of d.
func (m *Model) declare(d *spec.Document, declared map[*spec.Operation]bool) error {
	byName := map[string]*Resource{}
	var order []*Resource
	for _, op := range d.Operations {
		if !declared[op] {
			continue
		}
		ptr := op.Pointer + "/" + Key
		dc, err := parseDeclaration(op.Raw[Key])
		if err != nil {
			return fmt.Errorf("%s: %s: %v", d.Source.Name, ptr, err)
		}
		action := Action(dc.Action)
		if action == "update" {
			action = Merge
		}
		switch action {
		case Create, Read, Replace, Merge, Delete, List:
		default:
			return fmt.Errorf("%s: %s/action: want create, read, replace, merge, update, delete or list, got %q", d.Source.Name, ptr, dc.Action)
		}
		r := byName[dc.Name]
		if r == nil {
			r = &Resource{API: d.API, Name: dc.Name, Declared: true}
			byName[dc.Name] = r
			order = append(order, r)
		}
		role := r.role(action, op)
		if err := role.declared(dc); err != nil {
			return fmt.Errorf("%s: %s: %v", d.Source.Name, ptr, err)
		}
	}
	for _, r := range order {
		create := r.Find(Create)
		if create == nil {
			return fmt.Errorf("%s: x-chatmock-resource %q: no operation creates it (action: create)", d.Source.Name, r.Name)
		}
		r.Collection = create.Op.Path
		if create.HasObject && r.IDField == "" {
			r.IDField = idField(create.props, "", singularOf(r.Name))
		}
		if r.IDField == "" {
			return fmt.Errorf("%s: %s/%s: the answer holds no id field: name it with id", d.Source.Name, create.Op.Pointer, Key)
		}
		r.idSchema = create.props[r.IDField]
		r.example = r.exampleID()
		m.Resources = append(m.Resources, r)
		for _, role := range r.Roles {
			m.roles[role.Op] = role
		}
	}
	return nil
}

func parseDeclaration(v any) (declaration, error) {
	var dc declaration
	b, err := json.Marshal(v)
	if err != nil {
		return dc, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&dc); err != nil {
		return dc, err
	}
	if dc.Name == "" {
		return dc, fmt.Errorf("name: required")
	}
	return dc, nil
}

// declared applies a declaration to a role.
func (role *Role) declared(dc declaration) error {
	r := role.Resource
	idPath := dc.ID
	object := dc.Object
	if role.Action == Create && idPath != "" && object == "" {
		if i := strings.LastIndexByte(idPath, '.'); i >= 0 {
			object = idPath[:i]
		}
	}
	switch {
	case role.Action == List:
		if dc.Array != "" {
			role.Array = dc.Array
			role.HasObject = true
			role.locateAt(dc.Array, true)
		} else if !role.listArray(r) {
			return fmt.Errorf("array: the answer has no array of the resource: name it")
		}
	case object != "" || dc.ID != "":
		role.locateAt(object, false)
		if !role.HasObject {
			return fmt.Errorf("object: the answer has no object at %q", object)
		}
	default:
		role.locate("", singularOf(dc.Name))
	}
	if role.Action == Create && idPath != "" {
		field := idPath
		if object != "" {
			field = strings.TrimPrefix(idPath, object+".")
		}
		r.IDField = field
	}
	if role.Action != Create && role.Action != List {
		key := dc.Key
		if key == "" {
			ps := params(role.Op.Path)
			if len(ps) == 0 {
				return fmt.Errorf("key: the path has no parameter: say how the request names the item, e.g. '{{query.id}}'")
			}
			key = "{{path." + ps[len(ps)-1] + "}}"
		}
		t, err := tmpl.Compile(key)
		if err != nil {
			return fmt.Errorf("key: %v", err)
		}
		role.Key = t
	}
	return nil
}

// locateAt takes the object (or, for a list, the array's items) at a
// dotted path of the answer's schema.
func (role *Role) locateAt(path string, array bool) {
	if role.answer == nil {
		return
	}
	n := role.rd.deref(role.answer.SchemaNode(role.Op.Doc))
	if path != "" {
		for _, name := range strings.Split(path, ".") {
			n = role.rd.props(n)[name]
			if n == nil {
				return
			}
		}
	}
	if array {
		n = role.rd.items(n)
		if n == nil {
			role.HasObject = false
			return
		}
	}
	role.HasObject, role.Object, role.object, role.props = true, path, n, role.rd.props(n)
	if array {
		role.Object = ""
	}
}
