package contracts

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/chatmock/chatmock/internal/resource"
	"github.com/chatmock/chatmock/internal/tmpl"
	"github.com/chatmock/chatmock/spec"
)

// Flow is a stateful sequence on any document: the case makes something
// (an inferred resource's create, its parents made first by the case's
// setups, or any operation whose answer has links), then each step uses
// what it made.
type Flow struct {
	Create *resource.Role // the resource the case creates; nil for an operation that only links on
	Steps  []*FlowStep
}

// FlowStep is one request of a flow.
type FlowStep struct {
	Op     *spec.Operation
	Role   *resource.Role // the step's role on the created resource; nil for a link's target
	Link   *spec.Link     // the link that fills the request; nil for a role's step
	Case   *Case          // the operation's own valid request, filled with what the flow made when it runs
	Expect string         // flowReadBack, flowSuccess, flowGone, flowListed, flowLink
}

// What a flow's step expects.
const (
	flowReadBack = "read-back" // a success showing the created item, its fields as the create answered them
	flowSuccess  = "success"
	flowGone     = "gone"   // a refusal: the item was deleted
	flowListed   = "listed" // a list showing the created item
	flowLink     = "link"   // a success of the operation the link names
)

// flowPageWalk bounds the further pages a listed step reads.
const flowPageWalk = 5

// deriveFlows lists the flows of every inferred resource that has a valid
// create: create then read it back, create then delete it and use it
// again, create then find it listed; and of every create, read or update
// whose success answer has links, each link followed. bases are the first valid
// positive case of each operation; they carry their setups.
func deriveFlows(set *spec.Set, model *resource.Model, bases map[*spec.Operation]*Case) []*Case {
	var out []*Case
	flow := func(base *Case, name string, create *resource.Role, steps ...*FlowStep) {
		c := base.clone()
		c.ID = strings.Join([]string{base.API, base.Operation, "stateful", name}, "/")
		c.Tags = []string{"stateful"}
		c.Flow = &Flow{Create: create, Steps: steps}
		for _, s := range steps {
			c.Credentials = append(c.Credentials, s.Case.Credentials...)
			for _, m := range s.Case.MissingCredentials {
				if !slices.Contains(c.MissingCredentials, m) {
					c.MissingCredentials = append(c.MissingCredentials, m)
				}
			}
		}
		out = append(out, c)
	}
	step := func(role *resource.Role, expect string) *FlowStep {
		if role == nil || bases[role.Op] == nil {
			return nil
		}
		return &FlowStep{Op: role.Op, Role: role, Case: stepCase(bases[role.Op]), Expect: expect}
	}
	for _, r := range model.Resources {
		create := r.Find(resource.Create)
		if r.Declared || create == nil || bases[create.Op] == nil {
			continue
		}
		base := bases[create.Op]
		if read := step(r.Find(resource.Read), flowReadBack); read != nil {
			flow(base, "read-back-"+read.Op.ID, create, read)
		}
		if del := step(r.Find(resource.Delete), flowSuccess); del != nil {
			after := step(r.Find(resource.Read), flowGone)
			if after == nil {
				after = step(r.Find(resource.Delete), flowGone)
			}
			flow(base, "delete-then-"+after.Op.ID, create, del, after)
		}
		if list := step(r.Find(resource.List), flowListed); list != nil {
			flow(base, "listed-"+list.Op.ID, create, list)
		}
	}
	for _, op := range set.Operations() {
		// Links are followed from what answers from state: the create, read
		// or update of an inferred resource (an update's setups make the
		// item first). Another operation's answer (Mastodon's bookmark of a
		// status) is the mock's sample, naming nothing the run made.
		base, role := bases[op], model.Role(op)
		if base == nil || len(op.Links) == 0 || role == nil || role.Resource.Declared || role.Action == resource.Delete || role.Action == resource.List {
			continue
		}
		var create *resource.Role
		if role.Action == resource.Create {
			create = role
		}
		for i := range op.Links {
			l := &op.Links[i]
			target := op.LinkTarget(*l)
			if target == nil || bases[target] == nil || !strings.HasPrefix(l.Status, "2") {
				continue
			}
			flow(base, "link-"+l.Name, create, &FlowStep{Op: target, Role: model.Role(target), Link: l, Case: stepCase(bases[target]), Expect: flowLink})
		}
	}
	return out
}

// stepCase is an operation's valid request as a flow's step sends it: what
// the flow made fills its path, so none of its own setups or steps.
func stepCase(base *Case) *Case {
	c := base.clone()
	c.Setup, c.Steps, c.Flow = nil, nil, nil
	return c
}

// madeID is the id a create's answer gives the new item: its object's id,
// else the last segment of its Location.
func madeID(role *resource.Role, resp *http.Response, body []byte) (string, bool) {
	id := ""
	if v, ok := role.IDOf(role.ObjectOf(decodeLoose(body))); ok {
		id = tmpl.Text(v)
	} else if loc := resp.Header.Get("Location"); loc != "" {
		id = loc[strings.LastIndexByte(loc, '/')+1:]
		if u, err := url.PathUnescape(id); err == nil {
			id = u
		}
	}
	return id, id != "" && len(id) <= maxKeyBytes && id != "." && id != ".."
}

// made is what a flow's first request made, for its steps to use.
type made struct {
	op      *spec.Operation
	req     *Case
	resp    *http.Response
	body    []byte
	id      string         // the created item's id ("" when the flow creates none)
	parents []string       // the ids of the parents it was created under, root first
	object  resource.State // the created item as the create answered it
}

// runFlow sends a flow's steps after its first request answered a success
// (resp, body), and returns their problems, each naming its step; or why
// the flow cannot go on, when the create's answer names no one item (a
// batch create: what would the steps use?).
func runFlow(ctx context.Context, o RunOptions, op *spec.Operation, c *Case, parents []string, resp *http.Response, body []byte, res *Result) ([]Problem, string) {
	m := &made{op: op, req: c, resp: resp, body: body, parents: parents}
	if f := c.Flow; f.Create != nil {
		id, ok := madeID(f.Create, resp, body)
		if !ok {
			return nil, fmt.Sprintf("the create's answer names no one new %s (no %q in its object, no Location): nothing for the steps to use", f.Create.Resource.Name, f.Create.Resource.IDField)
		}
		m.id, m.object = id, f.Create.ObjectOf(decodeLoose(body))
	}
	var problems []Problem
	for i, st := range c.Flow.Steps {
		sc, why := st.request(m)
		prefix := fmt.Sprintf("step %d (%s): ", i+1, st.Op.ID)
		if why != "" {
			return append(problems, Problem{Check: CheckAvailability, Step: i + 1, Message: prefix + why}), ""
		}
		sr := &Result{Case: sc}
		resp, body, ok := send(ctx, o, sc, sr)
		if ok {
			res.Request, res.Response = sr.Request, sr.Response
			sr.Problems = st.problems(ctx, o, sc, resp, body, m)
		}
		for _, p := range sr.Problems {
			p.Step, p.Message = i+1, prefix+p.Message
			problems = append(problems, p)
		}
		if len(sr.Problems) > 0 {
			return problems, "" // later steps stand on this one
		}
	}
	return problems, ""
}

// request is the step's request, filled with what the flow made: the
// created item's ids in its path (only the parents' for a list), or what
// its link's expressions name.
func (st *FlowStep) request(m *made) (*Case, string) {
	sc := st.Case.clone()
	if m.id != "" && (st.Link == nil || st.Role != nil && st.Role.Resource == m.createdResource()) {
		ids := append(slices.Clone(m.parents), m.id)
		if st.Expect == flowListed || st.Role != nil && (st.Role.Action == resource.List || st.Role.Action == resource.Create) {
			ids = m.parents
		}
		sc.Path = FillPath(sc.Path, ids)
	}
	if st.Expect == flowListed {
		widen(st.Role.Paging, sc)
	}
	if st.Link != nil {
		if why := fillLink(st.Op, st.Link, sc, m); why != "" {
			return nil, why
		}
	}
	return sc, ""
}

func (m *made) createdResource() *resource.Resource {
	if m.req.Flow.Create == nil {
		return nil
	}
	return m.req.Flow.Create.Resource
}

// problems checks a step's answer against its operation's documents and
// as the step expects.
func (st *FlowStep) problems(ctx context.Context, o RunOptions, sc *Case, resp *http.Response, body []byte, m *made) []Problem {
	op := st.Op
	if st.Expect == flowGone {
		ps := check(op, &Case{Want: &Want{}, Credentials: sc.Credentials}, resp, body)
		want := resource.NotFoundStatus(op)
		ps = slices.DeleteFunc(ps, func(p Problem) bool {
			// A success is use after free, below. The 404 of an operation
			// that documents no status for a missing item is the one it can
			// have (NotFoundStatus).
			return p.Check == CheckNegative || p.Check == CheckStatus && resp.StatusCode == want
		})
		if resp.StatusCode < 400 {
			ps = append(ps, Problem{Check: CheckUseAfterFree, Pointer: "/status", Expected: strconv.Itoa(want), Got: strconv.Itoa(resp.StatusCode),
				Message: fmt.Sprintf("status: %d after the delete of %s %q; want %d, it is gone", resp.StatusCode, m.createdResource().Name, m.id, want)})
		}
		return ps
	}
	ps := check(op, &Case{Expect: sc.Expect, Want: &Want{Success: true}, Credentials: sc.Credentials}, resp, body)
	if st.Expect != flowSuccess && (st.Expect != flowLink || op.Method == http.MethodGet) {
		relabel(ps, CheckPositive, CheckAvailability) // what was just made is not there
	}
	if len(ps) > 0 {
		return ps
	}
	value := decodeLoose(body)
	switch st.Expect {
	case flowReadBack:
		got := st.Role.ObjectOf(value)
		if v, ok := st.Role.IDOf(got); ok && tmpl.Text(v) != m.id {
			return []Problem{{Check: CheckAvailability, Pointer: "/" + st.Role.Resource.IDField, Expected: m.id, Got: tmpl.Text(v),
				Message: fmt.Sprintf("the read shows %s %q, want the one just created, %q", st.Role.Resource.IDField, tmpl.Text(v), m.id)}}
		}
		if _, diff := resource.SameFields(m.object, got); diff != "" {
			return []Problem{{Check: CheckAvailability, Message: "the read shows other values than the create answered: " + diff}}
		}
	case flowListed:
		if !st.Role.Lists(value, m.id, m.object) && !st.pagedAway(ctx, o, sc, value, m) {
			return []Problem{{Check: CheckAvailability, Expected: m.id,
				Message: fmt.Sprintf("the list does not show the %s just created, %q", st.Role.Resource.Name, m.id)}}
		}
	}
	return nil
}

// pagedAway tells whether a list that does not show the created item may
// hold it on a later page: its page is full and the later pages, as far
// as flowPageWalk reads them (by offset or page number), do not show it
// either but stay full, or it cannot be paged on.
func (st *FlowStep) pagedAway(ctx context.Context, o RunOptions, sc *Case, value any, m *made) bool {
	p := st.Role.Paging
	size, _ := strconv.Atoi(sc.Query.Get(p.Limit))
	if p.Limit == "" {
		size = p.Default
	}
	full := func(v any) bool { return size > 0 && len(st.Role.Items(v)) >= size }
	if !full(value) {
		return false
	}
	if p.Offset == "" && p.Page == "" {
		return true // a full page, and no way to the next: not seen, not missing
	}
	for n := 1; n <= flowPageWalk; n++ {
		next := sc.clone()
		if p.Offset != "" {
			next.Query.Set(p.Offset, strconv.Itoa(n*size))
		} else {
			next.Query.Set(p.Page, strconv.Itoa(p.PageBase+n))
		}
		resp, body, ok := send(ctx, o, next, &Result{Case: next})
		if !ok || resp.StatusCode >= 300 {
			return false
		}
		v := decodeLoose(body)
		if st.Role.Lists(v, m.id, m.object) {
			return true
		}
		if !full(v) {
			return false
		}
	}
	return true
}

// widen asks a list for as many items per page as its limit parameter
// allows: its schema's maximum, else 100.
func widen(p resource.Paging, c *Case) {
	if p.Limit == "" {
		return
	}
	n := 100
	if p.Max > 0 {
		n = min(p.Max, 1000)
	}
	c.Query.Set(p.Limit, strconv.Itoa(n))
	for _, drop := range []string{p.Offset, p.Page, p.Cursor} {
		if drop != "" {
			c.Query.Del(drop)
		}
	}
}
