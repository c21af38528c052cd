package contracts

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/chatmock/chatmock/internal/resource"
	"github.com/chatmock/chatmock/spec"
)

// Setup is a create a case needs sent first: of the item its path names,
// or of the parent it is created or listed under (package resource's model
// of the document's paths). The ids the setups make fill the case's path.
type Setup struct {
	Role *resource.Role // the resource's create
	Case *Case          // its request
}

// addSetups gives each valid positive case of an operation on an inferred
// resource the creates it needs: a read, update or delete of /rooms/{id}
// creates a room first, a message posted to /rooms/{roomId}/messages
// creates its room. A case whose needed create has no valid request is
// skipped, saying so. The flows of the inferred resources and of the
// documents' links follow the cases (deriveFlows).
func addSetups(set *spec.Set, cases []*Case) ([]*Case, error) {
	model, err := resource.Infer(set)
	if err != nil {
		return nil, err
	}
	ops := map[string]*spec.Operation{}
	for _, op := range set.Operations() {
		ops[op.Doc.API+"/"+op.ID] = op
	}
	creates := map[*spec.Operation]*Case{} // the first valid positive case of each operation
	for _, c := range cases {
		if op := ops[c.API+"/"+c.Operation]; op != nil && positiveBase(c) && creates[op] == nil {
			creates[op] = c
		}
	}
	for _, c := range cases {
		op := ops[c.API+"/"+c.Operation]
		role := model.Role(op)
		if op == nil || role == nil || role.Resource.Declared || !positiveBase(c) {
			continue
		}
		var chain []*resource.Resource // root first
		if role.Action != resource.Create && role.Action != resource.List {
			chain = append(chain, role.Resource)
		}
		for p := role.Resource.Parent; p != nil; p = p.Parent {
			chain = append([]*resource.Resource{p}, chain...)
		}
		for _, r := range chain {
			create := r.Find(resource.Create)
			base := creates[create.Op]
			if base == nil {
				c.Skip = fmt.Sprintf("it needs a %s first, and %s has no valid request to make one", r.Name, create.Op.ID)
				c.Setup = nil
				break
			}
			c.Setup = append(c.Setup, &Setup{Role: create, Case: base})
		}
	}
	return append(cases, deriveFlows(set, model, creates)...), nil
}

// positiveBase tells whether a case is a valid positive request of its
// own, fit to make a resource or to need one.
func positiveBase(c *Case) bool {
	return c.Skip == "" && c.Want == nil && len(c.Steps) == 0 && len(c.Setup) == 0 && c.Flow == nil && slices.Contains(c.Tags, "positive")
}

// runSetups sends a case's setups in order, each under the ids made
// before it, and returns the case with its path filled and the ids; a
// setup that makes nothing says why.
func runSetups(ctx context.Context, o RunOptions, c *Case) (*Case, []string, string) {
	var ids []string
	for _, s := range c.Setup {
		sc := s.Case.clone()
		sc.Path = FillPath(sc.Path, ids)
		freshID(s.Role, sc)
		sr := &Result{Case: sc}
		resp, body, ok := send(ctx, o, sc, sr)
		name := s.Role.Resource.Name
		if !ok {
			return nil, nil, fmt.Sprintf("it needs a %s, and creating one failed: %s", name, strings.Join(Messages(sr.Problems), "; "))
		}
		if resp.StatusCode >= 300 {
			return nil, nil, fmt.Sprintf("it needs a %s, and %s answered %d", name, s.Role.Op.ID, resp.StatusCode)
		}
		id, ok := madeID(s.Role, resp, body)
		if !ok {
			return nil, nil, fmt.Sprintf("it needs a %s, and %s's answer names no id", name, s.Role.Op.ID)
		}
		ids = append(ids, id)
	}
	out := c.clone()
	out.Path = FillPath(c.Path, ids)
	return out, ids, ""
}

// FillPath fills a path template's last parameters with values, in order
// (a nested item's parent ids, then its own); the first ones stay for the
// case's samples.
func FillPath(path string, values []string) string {
	segs := strings.Split(path, "/")
	var at []int
	for i, seg := range segs {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			at = append(at, i)
		}
	}
	for k := 0; k < len(values) && k < len(at); k++ {
		segs[at[len(at)-1-k]] = url.PathEscape(values[len(values)-1-k])
	}
	return strings.Join(segs, "/")
}

// setupSerial makes the ids setups choose distinct.
var setupSerial atomic.Int64

// freshID makes a setup whose request chooses the new item's id (Ably's
// deviceId) choose one no other setup of the run chose: a new one its
// schema takes (resource.Resource.NewID).
func freshID(role *resource.Role, c *Case) {
	m, _ := c.value.(map[string]any)
	k := role.RequestIDKey(m)
	if k == "" || !strings.Contains(c.Header["Content-Type"], "json") {
		return
	}
	n := setupSerial.Add(1)
	rnd := rand.New(rand.NewPCG(uint64(n), uint64(time.Now().UnixNano())))
	id, err := role.Resource.NewID(rnd, int(n)+1000, func(string) bool { return false })
	if err != nil {
		return
	}
	m[k] = id
	c.Body, _ = json.Marshal(m)
}
