package main

// With --crud the sweep checks instead the state the mock infers from each
// document's paths, with no overlay and no edit: for each resource,
// create → read (the same fields) → update → read (changed) → list
// (present) → delete → read (404 as documented) → list (absent), as far as
// the resource has the operations, against the mock served in-process;
// one line per document and resource.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/chatmock/chatmock/contracts"
	"github.com/chatmock/chatmock/internal/resource"
	"github.com/chatmock/chatmock/internal/tmpl"
	"github.com/chatmock/chatmock/mockserver"
	"github.com/chatmock/chatmock/spec"
)

// crudLine is what one resource's sequence found.
type crudLine struct {
	doc, api, resource string
	steps              []string // "create 201", "read same 14 fields", ...
	fail               string   // the first step that failed, and why
	skip               string   // why the sequence could not start, when the document allows no valid create
}

func (l crudLine) String() string {
	status := "ok"
	switch {
	case l.fail != "":
		status = "FAIL " + l.fail
	case l.skip != "":
		status = "skipped: " + l.skip
	}
	if len(l.steps) == 0 {
		return fmt.Sprintf("%s %s: %s", l.doc, l.resource, status)
	}
	return fmt.Sprintf("%s %s: %s: %s", l.doc, l.resource, status, strings.Join(l.steps, ", "))
}

// runCRUD runs the sequences of every document and prints a line per
// resource, and per document without any; an error when a step failed.
func runCRUD(ctx context.Context, corpus string, docs []document, stdout io.Writer) error {
	failed := 0
	for _, d := range docs {
		lines, none, err := crudDocument(ctx, filepath.Join(corpus, d.Name, d.Entry), d.Name)
		if err != nil {
			return fmt.Errorf("%s: %w", d.Name, err)
		}
		if none != "" {
			fmt.Fprintf(stdout, "%s: no inferable resource: %s\n", d.Name, none)
		}
		for _, l := range lines {
			fmt.Fprintln(stdout, l)
			if l.fail != "" {
				failed++
			}
		}
	}
	if failed > 0 {
		return &shortError{fmt.Sprintf("%d resources failed a step", failed)}
	}
	return nil
}

// crudDocument serves one document and runs each resource's sequence;
// none says why the document has no resource, when it has none.
func crudDocument(ctx context.Context, path, name string) ([]crudLine, string, error) {
	srcs, err := spec.FromPaths([]string{path})
	if err != nil {
		return nil, "", err
	}
	set, err := spec.Load(ctx, srcs)
	if err != nil {
		return nil, "", err
	}
	model, err := resource.Infer(set)
	if err != nil {
		return nil, "", err
	}
	if len(model.Resources) == 0 {
		return nil, noneReason(model), nil
	}
	mock, err := mockserver.New(set, mockserver.WithSeed(1))
	if err != nil {
		return nil, "", err
	}
	srv := httptest.NewServer(mock.Handler())
	defer srv.Close()
	creds := contracts.Credentials{Bearer: "token", Basic: "user:secret", Query: map[string]string{}}
	for _, c := range set.Credentials() {
		if c.Kind == "apiKey" {
			creds.Query[c.Name] = "key"
		}
	}
	cases, err := contracts.Derive(set, creds)
	if err != nil {
		return nil, "", err
	}
	positive := map[*spec.Operation]*contracts.Case{}
	skipped := map[*spec.Operation]string{} // why an operation has no valid request
	byID := map[string]*spec.Operation{}
	for _, op := range set.Operations() {
		byID[op.Doc.API+"/"+op.ID] = op
	}
	for _, c := range cases {
		op := byID[c.API+"/"+c.Operation]
		if op == nil || c.Want != nil || len(c.Steps) > 0 || !strings.Contains(c.ID, "/positive/") {
			continue
		}
		if c.Skip != "" {
			skipped[op] = c.Skip
			continue
		}
		if _, seen := positive[op]; !seen {
			positive[op] = c
		}
	}
	s := &sequence{url: srv.URL, client: srv.Client(), positive: positive, skipped: skipped, ids: map[*resource.Resource]string{}}
	var lines []crudLine
	for _, r := range model.Resources {
		l := crudLine{doc: name, api: r.API, resource: r.Name}
		s.run(r, &l)
		lines = append(lines, l)
	}
	return lines, "", nil
}

// noneReason sums up why no collection of a document was taken.
func noneReason(m *resource.Model) string {
	if len(m.Skipped) == 0 {
		return "no collection path has a POST (RPC-style or read-only paths)"
	}
	why := map[string]int{}
	for _, s := range m.Skipped {
		why[s.Reason]++
	}
	var parts []string
	for r, n := range why {
		parts = append(parts, fmt.Sprintf("%d POST paths: %s", n, r))
	}
	slices.Sort(parts)
	return strings.Join(parts, "; ")
}

// sequence sends one document's requests.
type sequence struct {
	url      string
	client   *http.Client
	positive map[*spec.Operation]*contracts.Case
	skipped  map[*spec.Operation]string
	ids      map[*resource.Resource]string // the key of the last created item of each resource, its parent's included
}

// answer is a response decoded.
type answer struct {
	status int
	body   any
	header http.Header
}

func (s *sequence) send(ctx context.Context, op *spec.Operation, path []string) (*answer, error) {
	c := s.positive[op]
	method, query, header, body := op.Method, url.Values{}, map[string]string{}, []byte(nil)
	if c != nil {
		query, header, body = c.Query, c.Header, c.Body
	}
	// the item's id last, its parents' before; the first ones keep the
	// case's samples
	p := contracts.FillPath(op.Path, path)
	if c != nil && strings.Contains(p, "{") {
		// parameters no created resource fills: the case's own samples
		tc := *c
		tc.Path = p
		tc.Query = nil
		u, err := contracts.RequestURL(s.url, &tc)
		if err != nil {
			return nil, err
		}
		p = strings.TrimPrefix(u, s.url)
	}
	u := s.url + p
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if os.Getenv("CRUD_DEBUG") != "" {
		fmt.Fprintf(os.Stderr, "> %s %s %v %s\n", method, u, req.Header, body)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return nil, err
	}
	a := &answer{status: resp.StatusCode, header: resp.Header}
	if len(bytes.TrimSpace(b)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		_ = dec.Decode(&a.body) // a body that is no JSON stays nil
	}
	return a, nil
}

// run is one resource's sequence, as far as it has the operations.
func (s *sequence) run(r *resource.Resource, l *crudLine) {
	ctx := context.Background()
	fail := func(format string, args ...any) { l.fail = fmt.Sprintf(format, args...) }
	var scope []string
	if r.Parent != nil {
		key, ok := s.ids[r.Parent]
		if !ok {
			s.create(ctx, r.Parent, &crudLine{})
			if key, ok = s.ids[r.Parent]; !ok {
				fail("create: no %s to create it under", r.Parent.Name)
				return
			}
		}
		scope = strings.Split(key, "/")
	}
	created := s.create(ctx, r, l)
	if l.fail != "" || l.skip != "" {
		return
	}
	id := created.id
	item := append(append([]string{}, scope...), id)
	if read := r.Find(resource.Read); read != nil {
		a, err := s.send(ctx, read.Op, item)
		if err != nil || a.status/100 != 2 {
			fail("read: %v", statusOr(a, err))
			return
		}
		got := read.ObjectOf(a.body)
		if v, ok := read.IDOf(got); !ok || tmpl.Text(v) != id {
			fail("read: the answer's id is %v, want %s", v, id)
			return
		}
		n, diff := resource.SameFields(created.obj, got)
		if diff != "" {
			fail("read: %s", diff)
			return
		}
		l.steps = append(l.steps, fmt.Sprintf("read %d (%d fields the same)", a.status, n))
	}
	for _, action := range []resource.Action{resource.Merge, resource.Replace} {
		up := r.Find(action)
		if up == nil {
			continue
		}
		a, err := s.send(ctx, up.Op, item)
		if err != nil || a.status/100 != 2 {
			fail("%s: %v", action, statusOr(a, err))
			return
		}
		step := fmt.Sprintf("%s %d", action, a.status)
		if read := r.Find(resource.Read); read != nil {
			after, err := s.send(ctx, read.Op, item)
			if err != nil || after.status/100 != 2 {
				fail("read after %s: %v", action, statusOr(after, err))
				return
			}
			sent := sentFields(s.positive[up.Op])
			n, diff := changed(sent, read, read.ObjectOf(after.body))
			if diff != "" {
				fail("read after %s: %s", action, diff)
				return
			}
			step += fmt.Sprintf(", read %d (%d fields changed)", after.status, n)
		}
		l.steps = append(l.steps, step)
		break
	}
	list := r.Find(resource.List)
	if list != nil {
		a, err := s.send(ctx, list.Op, scope)
		if err != nil || a.status/100 != 2 {
			fail("list: %v", statusOr(a, err))
			return
		}
		if !list.Lists(a.body, id, created.obj) {
			fail("list: %s %s is not in the list", r.Name, id)
			return
		}
		l.steps = append(l.steps, fmt.Sprintf("list %d (present)", a.status))
	}
	del := r.Find(resource.Delete)
	if del == nil {
		l.steps = append(l.steps, "no delete")
		return
	}
	a, err := s.send(ctx, del.Op, item)
	if err != nil || a.status/100 != 2 {
		fail("delete: %v", statusOr(a, err))
		return
	}
	l.steps = append(l.steps, fmt.Sprintf("delete %d", a.status))
	delete(s.ids, r)
	if read := r.Find(resource.Read); read != nil {
		a, err := s.send(ctx, read.Op, item)
		if err != nil {
			fail("read after delete: %v", err)
			return
		}
		if want := resource.NotFoundStatus(read.Op); a.status != want {
			fail("read after delete: %d, want %d", a.status, want)
			return
		}
		l.steps = append(l.steps, fmt.Sprintf("read %d", a.status))
	}
	if list != nil {
		a, err := s.send(ctx, list.Op, scope)
		if err != nil || a.status/100 != 2 {
			fail("list after delete: %v", statusOr(a, err))
			return
		}
		if list.Lists(a.body, id, created.obj) {
			fail("list after delete: %s %s is still listed", r.Name, id)
			return
		}
		l.steps = append(l.steps, fmt.Sprintf("list %d (absent)", a.status))
	}
}

// made is a created item: its id and its object as the create answered.
type made struct {
	id  string
	obj resource.State
}

// create creates an item of r (under the parent's last item) and keeps its key.
func (s *sequence) create(ctx context.Context, r *resource.Resource, l *crudLine) made {
	var scope []string
	if r.Parent != nil {
		if key, ok := s.ids[r.Parent]; ok {
			scope = strings.Split(key, "/")
		} else {
			s.create(ctx, r.Parent, &crudLine{})
			if key, ok := s.ids[r.Parent]; ok {
				scope = strings.Split(key, "/")
			}
		}
	}
	c := r.Find(resource.Create)
	if s.positive[c.Op] == nil && s.skipped[c.Op] != "" {
		// the document allows no valid create request the runner can make
		l.skip = "create: " + s.skipped[c.Op]
		return made{}
	}
	a, err := s.send(ctx, c.Op, scope)
	if err != nil || a.status/100 != 2 {
		l.fail = fmt.Sprintf("create: %v", statusOr(a, err))
		return made{}
	}
	obj := c.ObjectOf(a.body)
	id, ok := c.IDOf(obj)
	if !ok {
		if loc := a.header.Get("Location"); loc != "" {
			id, ok = loc[strings.LastIndexByte(loc, '/')+1:], true
		}
	}
	if !ok {
		l.fail = "create: the answer holds no id"
		return made{}
	}
	key := strings.Join(append(append([]string{}, scope...), tmpl.Text(id)), "/")
	s.ids[r] = key
	l.steps = append(l.steps, fmt.Sprintf("create %d (%s %s)", a.status, r.IDField, tmpl.Text(id)))
	return made{id: tmpl.Text(id), obj: obj}
}

func statusOr(a *answer, err error) string {
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("status %d: %s", a.status, clip(a.body))
}

func clip(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 200 {
		b = append(b[:200], "..."...)
	}
	return string(b)
}

// sentFields are the top-level fields an update's request sent.
func sentFields(c *contracts.Case) map[string]any {
	if c == nil || len(c.Body) == 0 {
		return nil
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(c.Body))
	dec.UseNumber()
	if dec.Decode(&m) == nil {
		return m
	}
	if q, err := url.ParseQuery(string(c.Body)); err == nil {
		m = map[string]any{}
		for k, v := range q {
			m[k] = v[0]
		}
	}
	return m
}

// changed checks that the read shows what the update sent, by name as
// the mock echoes it (FriendlyName as friendly_name); how many fields.
func changed(sent map[string]any, read *resource.Role, got resource.State) (int, string) {
	norm := func(s string) string {
		return strings.NewReplacer("_", "", "-", "").Replace(strings.ToLower(s))
	}
	byNorm := map[string]string{}
	for k := range got {
		byNorm[norm(k)] = k
	}
	n := 0
	for k, v := range sent {
		g, ok := byNorm[norm(k)]
		if !ok {
			continue
		}
		if _, isObj := v.(map[string]any); isObj || !read.Accepts(k, v) {
			continue // a value the read's schema cannot show (an enum's outsider) is not echoed
		}
		if x, y := resource.Canonical(v), resource.Canonical(got[g]); x != y && tmpl.Text(v) != tmpl.Text(got[g]) {
			return n, fmt.Sprintf("%s is %s, the update sent %s", g, resource.Clip(y), resource.Clip(x))
		}
		n++
	}
	return n, ""
}
