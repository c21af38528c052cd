package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"

	"github.com/chatmock/chatmock/internal/envelope"
	"github.com/chatmock/chatmock/internal/resource"
	"github.com/chatmock/chatmock/internal/rules"
	"github.com/chatmock/chatmock/internal/store"
	"github.com/chatmock/chatmock/internal/tmpl"
	"github.com/chatmock/chatmock/spec"
)

// resourceAnswer answers an operation that creates, reads, updates,
// deletes or lists a resource (package resource), under one store
// transaction: the business rules first, then the store step, then the
// documented answer made of the record.
func (rt *route) resourceAnswer(ex *exchange, dynamic bool) *answer {
	tx := rt.s.store.Begin()
	defer tx.End()
	if env, refusal := rt.checkRules(ex, tx); refusal != nil {
		tx.End() // a rule's answer reads the request, never the store
		return rt.effect(ex, env, refusal)
	}
	op := resourceOp{rt: rt, ex: ex, tx: tx, role: rt.res, api: rt.op.Doc.API}
	for _, name := range rt.res.PathParams() {
		op.path = append(op.path, ex.req.Path[name])
	}
	if ans := op.parentHeld(); ans != nil {
		return ans
	}
	r, err := rt.resourceBase(ex, dynamic)
	if err != nil {
		return internalError(err)
	}
	switch rt.res.Action {
	case resource.Create:
		return op.create(r)
	case resource.List:
		return op.list(r)
	}
	return op.item(r)
}

// resourceBase is the documented answer a resource's answer is made
// from: rendered once per route and media type (a body generated from the
// schema costs more than the rest of the request), each request getting
// its own copy of the headers; the value is copied where it is changed.
// Prefer: dynamic=true makes a new one.
func (rt *route) resourceBase(ex *exchange, dynamic bool) (*rendered, error) {
	if dynamic {
		return rt.documented(ex, dynamic, rt.templateVars(ex))
	}
	media := rt.pick(ex, rt.success, "")
	key := ""
	if media != nil {
		key = media.Type
	}
	if v, ok := rt.bases.Load(key); ok {
		r := *v.(*rendered)
		r.headers = maps.Clone(r.headers)
		return &r, nil
	}
	r, err := rt.documented(ex, false, rt.templateVars(ex))
	if err != nil {
		return nil, err
	}
	kept := *r
	kept.headers = maps.Clone(r.headers)
	rt.bases.Store(key, &kept)
	return r, nil
}

// resourceOp is one request's store step on a resource.
type resourceOp struct {
	rt   *route
	ex   *exchange
	tx   *store.Tx
	role *resource.Role
	api  string
	path []string // the path parameters' values, in the path's order
}

// scope is the key prefix of the collection a request is in: its parent's
// key, "" at the top.
func (o *resourceOp) scope() string {
	n := len(o.path)
	if o.role.Action != resource.Create && o.role.Action != resource.List && o.role.Key == nil {
		n-- // the item's own id
	}
	if n <= 0 {
		return ""
	}
	return strings.Join(o.path[:n], "/")
}

// key is the key of the item an item operation names.
func (o *resourceOp) key() (string, bool) {
	if o.role.Key != nil {
		k, err := o.role.Key.RenderString(o.rt.templateVars(o.ex))
		return k, err == nil && k != ""
	}
	return strings.Join(o.path, "/"), len(o.path) > 0
}

// parentHeld answers 404 when the parent a nested request names is not
// held.
func (o *resourceOp) parentHeld() *answer {
	p := o.role.Resource.Parent
	if p == nil {
		return nil
	}
	key := o.scope()
	if _, ok := o.tx.Get(o.api, p.Name, key); ok {
		return nil
	}
	return o.notFound(p, key)
}

// notFound answers, in the API's envelope, that no record of r has key.
func (o *resourceOp) notFound(r *resource.Resource, key string) *answer {
	id := key[strings.LastIndexByte(key, '/')+1:]
	f := envelope.Failure{Class: envelope.ResourceNotFound, In: "path", Value: id, HasValue: true,
		Detail: fmt.Sprintf("no %s has the id %q", r.Name, id)}
	if ps := o.role.PathParams(); len(ps) > 0 {
		f.Name = ps[len(ps)-1]
		if r != o.role.Resource && len(ps) > 1 {
			f.Name = ps[len(ps)-2]
		}
	}
	o.ex.failures = []envelope.Failure{f}
	return o.rt.failed(o.ex)
}

// create stores a new record and answers with it.
func (o *resourceOp) create(r *rendered) *answer {
	res := o.role.Resource
	scope := o.scope()
	keyOf := func(id any) string {
		if scope == "" {
			return tmpl.Text(id)
		}
		return scope + "/" + tmpl.Text(id)
	}
	// one draw from the shared generator (repeatable with --seed) seeds
	// this request's own: the rest runs without the generator's lock
	var seed uint64
	o.rt.s.gen.Rand(func(r *rand.Rand) { seed = r.Uint64() })
	rnd := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	id, chosen := o.role.RequestedID(o.ex.req.Body)
	if chosen {
		if rec, taken := o.tx.Get(o.api, res.Name, keyOf(id)); taken {
			if _, conflict := o.rt.op.Responses["409"]; !conflict {
				return o.upsert(r, rec)
			}
			o.ex.failures = []envelope.Failure{{Class: envelope.ResourceConflict, In: "body", Name: res.IDField,
				Pointer: "/" + res.IDField, Value: id, HasValue: true,
				Detail: fmt.Sprintf("a %s with the id %q exists", res.Name, tmpl.Text(id))}}
			return o.rt.failed(o.ex)
		}
	} else {
		var err error
		n := o.tx.Made(o.api, res.Name) + 1 // a deleted item's id is not given again
		id, err = res.NewID(rnd, n, func(k string) bool {
			_, ok := o.tx.Get(o.api, res.Name, keyOf(k))
			return ok
		})
		if err != nil {
			return internalError(err)
		}
	}
	now := o.rt.s.gen.Now()
	value, state := o.role.Created(r.value, o.ex.req.Body, o.ex.req.Path, id, now, rnd)
	if !o.fits(r, value) { // an echoed value broke the answer's schema
		value, state = o.role.Created(r.value, nil, o.ex.req.Path, id, now, rnd)
	}
	data, err := tmpl.MarshalJSON(state)
	if err != nil {
		return internalError(err)
	}
	err = o.tx.Create(o.api, res.Name, store.Record{Key: keyOf(id), Created: now.UTC(), Data: data})
	if ans := o.storeFailed(err); ans != nil {
		return ans
	}
	r.value = value
	if o.role.Location {
		r.headers["Location"] = o.location(id)
	}
	return r.encode()
}

// upsert answers a create of an id that is held, where the operation
// documents no 409: the request updates the record (Intercom's
// createOrUpdateCompany), and the answer shows it.
func (o *resourceOp) upsert(r *rendered, rec store.Record) *answer {
	st, err := decodeState(rec.Data)
	if err != nil {
		return internalError(err)
	}
	st = o.role.Updated(st, o.ex.req.Body, o.rt.s.gen.Now())
	if rec.Data, err = tmpl.MarshalJSON(st); err != nil {
		return internalError(err)
	}
	if ans := o.storeFailed(o.tx.Replace(o.api, o.role.Resource.Name, rec)); ans != nil {
		return ans
	}
	if r.media != nil {
		r.value = o.conform(r, o.role.Project(r.value, st))
	}
	return r.encode()
}

// fits tells whether an answer keeps to its documented schema.
func (o *resourceOp) fits(r *rendered, value any) bool {
	return r.media == nil || r.media.Schema == nil || r.media.Schema.Validate(value) == nil
}

// location is the URL of a new item: its item path with the request's
// parameters and the id, on the request's own host.
func (o *resourceOp) location(id any) string {
	res := o.role.Resource
	if res.Item == "" {
		return baseURL(o.ex.r) + o.ex.r.URL.EscapedPath() + "/" + url.PathEscape(tmpl.Text(id))
	}
	vals := append(append([]string{}, o.path...), tmpl.Text(id))
	var b strings.Builder
	i := 0
	for _, seg := range strings.Split(strings.Trim(res.Item, "/"), "/") {
		b.WriteByte('/')
		if len(seg) > 2 && seg[0] == '{' && i < len(vals) {
			b.WriteString(url.PathEscape(vals[i]))
			i++
			continue
		}
		b.WriteString(seg)
	}
	return baseURL(o.ex.r) + b.String()
}

// storeFailed answers a store that refused a change: the API's quota error
// when its rules declare one, else problem+json.
func (o *resourceOp) storeFailed(err error) *answer {
	var full *store.FullError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &full):
		if e := o.rt.tbl.rules.Full(o.api); e != nil {
			return o.rt.effect(o.ex, &rules.Env{Request: &o.ex.req, Scope: &o.ex.ruleVars}, e)
		}
		return problemAnswer(http.StatusInsufficientStorage, "store-full", err.Error())
	}
	return internalError(err)
}

// item reads, updates or deletes the record the request names.
func (o *resourceOp) item(r *rendered) *answer {
	res := o.role.Resource
	key, ok := o.key()
	if !ok {
		return o.notFound(res, key)
	}
	rec, ok := o.tx.Get(o.api, res.Name, key)
	if !ok {
		return o.notFound(res, key)
	}
	st, err := decodeState(rec.Data)
	if err != nil {
		return internalError(err)
	}
	switch o.role.Action {
	case resource.Replace, resource.Merge:
		st = o.role.Updated(st, o.ex.req.Body, o.rt.s.gen.Now())
		data, err := tmpl.MarshalJSON(st)
		if err != nil {
			return internalError(err)
		}
		rec.Data = data
		if ans := o.storeFailed(o.tx.Replace(o.api, res.Name, rec)); ans != nil {
			return ans
		}
	case resource.Delete:
		o.tx.Delete(o.api, res.Name, key)
		o.deleteBelow(res, key)
	}
	if r.media != nil {
		r.value = o.conform(r, o.role.Project(r.value, st))
	}
	return r.encode()
}

// conform takes back what keeps an answer made of records from its
// documented schema (resource.Role.Revert), a few rounds at most.
func (o *resourceOp) conform(r *rendered, value any) any {
	if r.media == nil || r.media.Schema == nil {
		return value
	}
	for range 3 {
		err := r.media.Schema.Validate(value)
		if err == nil {
			break
		}
		var ptrs []string
		for _, v := range spec.Violations(err) {
			ptrs = append(ptrs, v.Pointer)
		}
		value = o.role.Revert(value, r.value, ptrs)
	}
	return value
}

// deleteBelow deletes the records nested under a deleted one's key.
func (o *resourceOp) deleteBelow(r *resource.Resource, key string) {
	for _, c := range r.Children {
		for _, rec := range o.tx.List(o.api, c.Name) {
			if strings.HasPrefix(rec.Key, key+"/") {
				o.tx.Delete(o.api, c.Name, rec.Key)
			}
		}
		o.deleteBelow(c, key)
	}
}

// list answers the records of the request's collection, paged as its
// query asks.
func (o *resourceOp) list(r *rendered) *answer {
	res := o.role.Resource
	prefix := o.scope()
	var held []store.Record
	for _, rec := range o.tx.List(o.api, res.Name) {
		if prefix == "" || strings.HasPrefix(rec.Key, prefix+"/") {
			held = append(held, rec)
		}
	}
	w := o.role.Paging.Window(func(name string) (string, bool) {
		v, ok := o.ex.req.Query[name]
		if !ok || len(v) == 0 {
			return "", false
		}
		return v[0], true
	}, func(cursor string) int {
		for i, rec := range held {
			if rec.Key == cursor || strings.HasSuffix(rec.Key, "/"+cursor) {
				return i + 1
			}
		}
		return -1
	})
	page := held[min(w.Start, len(held)):]
	if w.Count > 0 && len(page) > w.Count {
		page = page[:w.Count]
	}
	states := make([]resource.State, 0, len(page))
	for _, rec := range page {
		st, err := decodeState(rec.Data)
		if err != nil {
			return internalError(err)
		}
		states = append(states, st)
	}
	if r.media != nil {
		pg := resource.Page{Total: len(held), Size: w.Count, Number: o.role.Paging.PageBase + w.Start/max(w.Count, 1)}
		if w.Count == 0 {
			pg.Number = o.role.Paging.PageBase
		}
		if end := min(w.Start, len(held)) + len(page); end < len(held) && len(page) > 0 {
			last := page[len(page)-1].Key
			pg.Next = last[strings.LastIndexByte(last, '/')+1:]
		}
		r.value = o.conform(r, o.role.Listed(r.value, states, pg))
	}
	return r.encode()
}

func decodeState(data []byte) (resource.State, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var st resource.State
	if err := dec.Decode(&st); err != nil {
		return nil, err
	}
	if st == nil {
		st = resource.State{}
	}
	return st, nil
}
