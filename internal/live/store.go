package live

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/chatmock/chatmock/internal/record"
	"github.com/chatmock/chatmock/internal/tmpl"
	"github.com/tidwall/gjson"
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

// Item is one entry of a read by keys or of a list.
type Item struct {
	Key    string
	Record *record.Record // nil when no record has the key
}

// itemScope renders a template for one item, falling back to the answer.
type itemScope struct {
	a    *Answer
	item Item
}

func (s *itemScope) Items() []tmpl.Scope { return nil }

func (s *itemScope) Call(fn string, args []any) (any, bool, error) { return s.a.Call(fn, args) }

func (s *itemScope) Lookup(name string) (any, bool) {
	switch name {
	case "key":
		return s.item.Key, true
	case "found":
		return s.item.Record != nil, true
	}
	if rest, ok := strings.CutPrefix(name, "record"); ok && (rest == "" || rest[0] == '.') {
		if s.item.Record == nil {
			return nil, false
		}
		return s.a.recordValue(s.item.Record, strings.TrimPrefix(rest, "."))
	}
	return s.a.Lookup(name)
}

// recordValue reads a record: key, owner, creator, created (RFC 3339),
// createdUnix, or a gjson path into its data (request.Name,
// request.MemberList.#).
func (a *Answer) recordValue(r *record.Record, path string) (any, bool) {
	switch path {
	case "key":
		return r.Key, true
	case "owner":
		return r.Owner, r.Owner != ""
	case "creator":
		return r.Creator, r.Creator != ""
	case "created":
		return r.Created.UTC().Format("2006-01-02T15:04:05.000Z07:00"), true
	case "createdUnix":
		return json.Number(strconv.FormatInt(r.Created.Unix(), 10)), true
	case "":
		if len(r.Data) == 0 {
			return nil, true
		}
		return GJSONValue(gjson.ParseBytes(r.Data)), true
	}
	res := gjson.GetBytes(r.Data, path)
	if !res.Exists() {
		return nil, false
	}
	return GJSONValue(res), true
}

// GJSONValue is a gjson result as a JSON value, numbers as json.Number.
func GJSONValue(r gjson.Result) any {
	switch r.Type {
	case gjson.Null:
		return nil
	case gjson.False:
		return false
	case gjson.True:
		return true
	case gjson.Number:
		return json.Number(r.Raw)
	case gjson.String:
		return r.String()
	}
	var v any
	dec := json.NewDecoder(strings.NewReader(r.Raw))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return r.Raw
	}
	return v
}
