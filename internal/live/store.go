package live

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/chatmock/chatmock/internal/tmpl"
)

// StoreKey is the operation extension saying what the operation does to the
// store:
//
//	x-chatmock-store:
//	  create: {kind: groups, key: '{{answer.GroupId}}', unique: [GroupId], owner: '{{body.Owner_Account}}', creator: '{{query.identifier}}'}
//	  read:   {kind: groups, key: '{{path.id}}'}        # one record, as record.*
//	  read:   {kind: groups, keys: '{{body.GroupIdList}}'}  # one item per key, found or not
//	  list:   {kind: groups}                            # every record, as items
//	  delete: {kind: groups, key: '{{body.GroupId}}'}
//
// A created record holds {"request": <body>, "answer": <answer body>}.
const StoreKey = "x-chatmock-store"

// StorePlan is an operation's compiled x-chatmock-store.
type StorePlan struct {
	Create *StoreStep
	Read   *StoreStep
	List   *StoreStep
	Delete *StoreStep
}

// StoreStep is one thing done to the store.
type StoreStep struct {
	Kind string
	// Unique lists the body fields (dotted paths) whose values become the
	// resource's key, so a contract run that creates it keeps them unique.
	Unique  []string
	Key     *tmpl.Template
	Keys    *tmpl.Template
	Owner   *tmpl.Template
	Creator *tmpl.Template
}

type rawStep struct {
	Kind    string   `json:"kind"`
	Unique  []string `json:"unique"`
	Key     any      `json:"key"`
	Keys    any      `json:"keys"`
	Owner   any      `json:"owner"`
	Creator any      `json:"creator"`
}

// ParseStore compiles the operation's x-chatmock-store; nil, nil without.
func ParseStore(op map[string]any, ptr string) (*StorePlan, error) {
	v, ok := op[StoreKey]
	if !ok {
		return nil, nil
	}
	ptr += "/" + StoreKey
	b, _ := json.Marshal(v)
	var raw map[string]rawStep
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("%s: %v", ptr, err)
	}
	p := &StorePlan{}
	for name, r := range raw {
		step, err := compileStep(r)
		if err != nil {
			return nil, fmt.Errorf("%s/%s: %v", ptr, name, err)
		}
		switch name {
		case "create":
			p.Create = step
		case "read":
			p.Read = step
		case "list":
			p.List = step
		case "delete":
			p.Delete = step
		default:
			return nil, fmt.Errorf("%s/%s: want create, read, list or delete", ptr, name)
		}
		if name != "list" && step.Key == nil && step.Keys == nil {
			return nil, fmt.Errorf("%s/%s: a key is required", ptr, name)
		}
	}
	return p, nil
}

func compileStep(r rawStep) (*StoreStep, error) {
	if r.Kind == "" {
		return nil, fmt.Errorf("a kind is required")
	}
	s := &StoreStep{Kind: r.Kind, Unique: r.Unique}
	for _, f := range []struct {
		v   any
		dst **tmpl.Template
	}{{r.Key, &s.Key}, {r.Keys, &s.Keys}, {r.Owner, &s.Owner}, {r.Creator, &s.Creator}} {
		if f.v == nil {
			continue
		}
		t, err := tmpl.Compile(f.v)
		if err != nil {
			return nil, err
		}
		*f.dst = t
	}
	return s, nil
}
