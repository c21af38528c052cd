package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/chatmock/chatmock/internal/envelope"
	"github.com/chatmock/chatmock/internal/live"
	"github.com/chatmock/chatmock/internal/rules"
	"github.com/chatmock/chatmock/internal/store"
	"github.com/chatmock/chatmock/internal/tmpl"
	"github.com/chatmock/chatmock/spec"
)

// stateful answers a valid request with its business rules and its store
// effects, atomically: a rule is checked and a record created under one
// store transaction, so two creates of the same ID cannot both pass.
func (rt *route) stateful(ex *exchange, dynamic bool) *answer {
	if rt.res != nil {
		return rt.resourceAnswer(ex, dynamic)
	}
	if len(rt.rules) == 0 && rt.op.Store == nil {
		r, err := rt.documented(ex, dynamic, rt.templateVars(ex))
		if err != nil {
			return internalError(err)
		}
		return r.encode()
	}
	env, refusal, ans := rt.underStore(ex, dynamic)
	if refusal != nil {
		// A rule's answer reads the request and the edition, never the
		// store: it is rendered after the store's lock is let go.
		return rt.effect(ex, env, refusal)
	}
	return ans
}

// underStore checks the rules and, when none refuses, does the store step
// and renders the answer, in one store transaction: called directly, not
// through a callback, so the rules read the store's View one frame below.
func (rt *route) underStore(ex *exchange, dynamic bool) (*rules.Env, *rules.Effect, *answer) {
	tx := rt.s.store.Begin()
	defer tx.End()
	env, refusal := rt.checkRules(ex, tx)
	if refusal != nil {
		return env, refusal, nil
	}
	return env, nil, rt.withStore(ex, tx, env, dynamic)
}

// checkRules returns the effect of the first business rule that refuses
// the request, reading the store within tx; nil when none does.
func (rt *route) checkRules(ex *exchange, tx *store.Tx) (*rules.Env, *rules.Effect) {
	ex.ruleVars = tmpl.Vars{Request: &ex.req, Values: rt.values}
	env := &rules.Env{Request: &ex.req, Store: tx.API(rt.op.Doc.API), Scope: &ex.ruleVars}
	for _, r := range rt.rules {
		if r.Holds(env) {
			ex.rule = r.Name
			return env, r.Then
		}
	}
	return env, nil
}

// effect answers with a rule's (or the full store's) effect. A static one
// (a documented example as it stands: Tencent's 10021, 10025, 10058) is
// rendered and encoded once per Accept header and then reused.
func (rt *route) effect(ex *exchange, env *rules.Env, e *rules.Effect) *answer {
	if !e.Static() {
		return rt.renderEffect(ex, env, e)
	}
	key := staticKey{e, ex.accept}
	if ans, ok := rt.statics.m.Load(key); ok {
		return ans.(*answer)
	}
	ans := rt.renderEffect(ex, env, e)
	if ans.status < http.StatusInternalServerError && rt.statics.n.Add(1) <= maxStaticAnswers {
		rt.statics.m.Store(key, ans)
	}
	return ans
}

func (rt *route) renderEffect(ex *exchange, env *rules.Env, e *rules.Effect) *answer {
	resp, err := e.Render(env, rt.examples())
	if err != nil {
		return internalError(err)
	}
	return rt.fromEnvelope(ex, resp)
}

// staticAnswers keeps encoded answers of static effects. They are shared
// by every request that gets them, so an answer, once made, is never
// changed (the journal keeps answers the same way).
type staticAnswers struct {
	m sync.Map     // staticKey → *answer
	n atomic.Int64 // answers stored, bounded: the Accept header is the client's
}

type staticKey struct {
	effect *rules.Effect
	accept string
}

// maxStaticAnswers bounds one route's kept answers.
const maxStaticAnswers = 64

// withStore renders the answer and does the operation's store step: reads
// feed the answer's templates, a create stores the request and the answer.
func (rt *route) withStore(ex *exchange, tx *store.Tx, env *rules.Env, dynamic bool) *answer {
	la := rt.templateVars(ex)
	api := rt.op.Doc.API
	plan := rt.op.Store
	if plan != nil && plan.Read != nil {
		if err := read(tx, api, plan.Read, la); err != nil {
			return internalError(err)
		}
	}
	if plan != nil && plan.List != nil {
		for _, rec := range tx.List(api, plan.List.Kind) {
			la.List = append(la.List, tmpl.Item{Key: rec.Key, Record: &rec})
		}
	}
	r, err := rt.documented(ex, dynamic, la)
	if err != nil {
		return internalError(err)
	}
	la.Body = r.value
	if plan != nil && plan.Create != nil {
		err := rt.create(ex, tx, la)
		var exists *store.ExistsError
		for try := 1; errors.As(err, &exists) && !rt.keyChosen(ex) && try < maxKeyTries; try++ {
			// A generated key met an earlier one (eight random digits do,
			// after some thousands of creates): answer again, fresh IDs.
			fresh := rt.templateVars(ex)
			fresh.Record, fresh.List = la.Record, la.List
			la = fresh
			if r, err = rt.documented(ex, dynamic, la); err != nil {
				return internalError(err)
			}
			la.Body = r.value
			err = rt.create(ex, tx, la)
		}
		var full *store.FullError
		switch {
		case errors.As(err, &full):
			if e := rt.tbl.rules.Full(api); e != nil {
				return rt.effect(ex, env, e)
			}
			return problemAnswer(http.StatusInsufficientStorage, "store-full", err.Error())
		case errors.As(err, &exists):
			return problemAnswer(http.StatusConflict, "store-conflict", err.Error())
		case err != nil:
			return internalError(err)
		}
	}
	if plan != nil && plan.Delete != nil {
		tx.Delete(api, plan.Delete.Kind, text(plan.Delete.Key, la))
	}
	if r.media != nil && r.media.Kind == spec.KindJSON {
		// The JSON the store and the templates already have is the answer.
		if r.json, err = la.BodyJSON(); err != nil {
			return internalError(err)
		}
	}
	return r.encode()
}

// maxKeyTries bounds how often a create whose generated key is taken is
// answered again with fresh IDs.
const maxKeyTries = 8

// create stores the request and its answer under the key the plan renders.
func (rt *route) create(ex *exchange, tx *store.Tx, la *tmpl.Vars) error {
	step := rt.op.Store.Create
	ans, err := la.BodyJSON()
	if err != nil {
		return err
	}
	data, err := recordData(ex, ans)
	if err != nil {
		return err
	}
	rec := store.Record{Created: rt.s.gen.Now().UTC(), Data: data,
		Key: text(step.Key, la), Owner: text(step.Owner, la), Creator: text(step.Creator, la)}
	if rec.Key == "" {
		return fmt.Errorf("%s: the store key rendered empty", rt.op.ID)
	}
	return tx.Create(rt.op.Doc.API, step.Kind, rec)
}

// keyChosen tells whether the request chose the new resource's key (a
// field create.unique names), so a taken key is the client's conflict.
func (rt *route) keyChosen(ex *exchange) bool {
	for _, f := range rt.op.Store.Create.Unique {
		if _, ok := ex.req.Get("body", f); ok {
			return true
		}
	}
	return false
}

// recordData is what a create stores: {"request": <body>, "answer": <answer
// body>}, encoded once.
func recordData(ex *exchange, ans []byte) (json.RawMessage, error) {
	req := ex.req.BodyJSON()
	if req == nil {
		req = []byte("null")
	}
	buf := bytes.NewBuffer(make([]byte, 0, len(req)+len(ans)+24))
	buf.WriteString(`{"request":`)
	if bytes.ContainsAny(req, "\n\r\t") { // a JSON body comes as sent, maybe indented
		buf.Write(compactValid(make([]byte, 0, len(req)), req))
	} else {
		buf.Write(bytes.TrimSpace(req))
	}
	buf.WriteString(`,"answer":`)
	buf.Write(ans)
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// compactValid appends src, JSON that jsonbody accepted (or that
// encoding/json wrote), without the space between its tokens: what
// json.Compact writes for it, without checking it again.
func compactValid(dst, src []byte) []byte {
	in := false // inside a string
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case in:
			dst = append(dst, c)
			if c == '\\' && i+1 < len(src) {
				i++
				dst = append(dst, src[i])
			} else if c == '"' {
				in = false
			}
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		default:
			dst = append(dst, c)
			in = c == '"'
		}
	}
	return dst
}

// read loads what a read step names: one record, or one item per key.
func read(tx *store.Tx, api string, step *live.StoreStep, la *tmpl.Vars) error {
	if step.Keys != nil {
		v, err := step.Keys.Render(la)
		if err != nil {
			return err
		}
		keys, _ := v.([]any)
		for _, k := range keys {
			it := tmpl.Item{Key: tmpl.Text(k)}
			if rec, ok := tx.Get(api, step.Kind, it.Key); ok {
				it.Record = &rec
			}
			la.List = append(la.List, it)
		}
		return nil
	}
	if rec, ok := tx.Get(api, step.Kind, text(step.Key, la)); ok {
		la.Record = &rec
	}
	return nil
}

func text(t *tmpl.Template, s tmpl.Scope) string {
	if t == nil {
		return ""
	}
	v, err := t.RenderString(s)
	if err != nil {
		return ""
	}
	return v
}

// problemAnswer is a problem of the mock itself (a full store, a conflict
// the rules did not foresee), as problem+json.
func problemAnswer(status int, kind, detail string) *answer {
	ans, err := encodeJSON(envelope.ProblemMediaType, status, envelope.Problem(kind, status, detail))
	if err != nil {
		return internalError(err)
	}
	return ans
}
