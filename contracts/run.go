package contracts

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chatmock/chatmock/internal/envelope"
	"github.com/chatmock/chatmock/internal/schema/schemanode"
	"github.com/chatmock/chatmock/internal/tmpl"
	"github.com/chatmock/chatmock/spec"
)

// RunOptions are the settings of a run.
type RunOptions struct {
	Target   string            // base URL of the implementation
	Parallel int               // cases in flight at once (1 when 0)
	Timeout  time.Duration     // per request, the answer's body included (10 s when 0)
	Rate     float64           // requests per second at most (0: no cap)
	Header   map[string]string // sent with every request
	Client   *http.Client      // nil: the runner's own; any: its CheckRedirect is replaced, no redirect is followed
	Progress io.Writer         // a line per finished case; nil: quiet
	Cleanup  bool              // delete what the run created, where the API has a delete
	// ShowSecrets keeps the credentials in the curl commands that
	// reproduce failures; they are redacted without it.
	ShowSecrets bool
	Checks      CheckSet // the checks that count; nil: every one
}

// Run sends the cases and checks every answer.
func Run(ctx context.Context, set *spec.Set, cases []*Case, o RunOptions) *Report {
	if o.Parallel < 1 {
		o.Parallel = 1
	}
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Client == nil {
		o.Client = newClient()
	} else {
		own := *o.Client
		own.CheckRedirect = noRedirect
		o.Client = &own
	}
	ops := map[string]*spec.Operation{}
	for _, op := range set.Operations() {
		ops[op.Doc.API+"/"+op.ID] = op
	}
	r := &Report{Target: o.Target, Started: time.Now(), Results: make([]*Result, len(cases)), ShowSecrets: o.ShowSecrets}
	cases = uniqueKeys(cases, ops, fmt.Sprintf("%x", time.Now().UnixNano()%0xfffff))
	var pace <-chan time.Time
	if o.Rate > 0 {
		t := time.NewTicker(time.Duration(float64(time.Second) / o.Rate))
		defer t.Stop()
		pace = t.C
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan int)
	for range o.Parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				res := runCase(ctx, o, ops[cases[i].API+"/"+cases[i].Operation], cases[i])
				mu.Lock()
				r.Results[i] = res
				if o.Progress != nil {
					fmt.Fprintf(o.Progress, "%-7s %s\n", res.Outcome, res.Case.ID)
				}
				mu.Unlock()
			}
		}()
	}
	for i := range cases {
		if pace != nil {
			select {
			case <-pace:
			case <-ctx.Done():
			}
		}
		if ctx.Err() != nil {
			r.Results[i] = &Result{Case: cases[i], Outcome: Skipped, Reason: "the run was stopped"}
			continue
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if o.Cleanup {
		r.Deleted, r.Kept = cleanup(ctx, o, set, r)
	}
	r.Took = time.Since(r.Started)
	return r
}

func runCase(ctx context.Context, o RunOptions, op *spec.Operation, c *Case) *Result {
	res := &Result{Case: c}
	if c.Skip != "" {
		res.Outcome, res.Reason = Skipped, c.Skip
		return res
	}
	var made []string // the ids the setups made, root first
	if len(c.Setup) > 0 {
		filled, ids, why := runSetups(ctx, o, c)
		if why != "" {
			// the resource's own create case reports why it failed
			res.Outcome, res.Reason = Skipped, why
			return res
		}
		c, made = filled, ids
		res.Case = c
	}
	if c.Flow != nil && c.Flow.Create != nil {
		c = c.clone() // a create whose request chooses the id chooses a new one each run
		freshID(c.Flow.Create, c)
		res.Case = c
	}
	start := time.Now()
	defer func() {
		res.Took = time.Since(start)
		res.Problems = o.Checks.keep(res.Problems)
		for i, p := range res.Problems {
			// a problem may quote the answer
			res.Problems[i].Message = reportCut(p.Message, maxProblemBytes)
			res.Problems[i].Got = reportCut(p.Got, maxProblemBytes)
			res.Problems[i].Expected = reportCut(p.Expected, maxProblemBytes)
		}
		res.Outcome = Passed
		switch {
		case len(res.Problems) > 0:
			res.Outcome = Failed
		case res.Reason != "":
			res.Outcome = Skipped // a flow that could not go on says why
		}
	}()
	resp, body, ok := send(ctx, o, c, res)
	if !ok {
		return res
	}
	res.Problems = check(op, c, resp, body)
	key, keyErr := "", error(nil)
	if op.Store != nil && op.Store.Create != nil && resp.StatusCode < 300 && !looksLikeError(op, decodeLoose(body)) {
		if key, keyErr = createdKey(op, body); keyErr == nil {
			res.Created = append(res.Created, key)
		}
	}
	if c.Flow != nil && len(res.Problems) == 0 {
		res.Problems, res.Reason = runFlow(ctx, o, op, c, made, resp, body, res)
		return res
	}
	if len(c.Steps) == 0 || len(res.Problems) > 0 {
		return res
	}
	if keyErr != nil || key == "" {
		res.Problems = append(res.Problems, problemf(CheckAvailability, "the created key: %v", keyErr))
		return res
	}
	for i, step := range c.Steps {
		sc := c // a step without a place for the key sends the create again
		if step.Where != "" {
			sc = step.request(key)
		}
		sr := &Result{Case: sc}
		resp, body, ok := send(ctx, o, sc, sr)
		prefix := fmt.Sprintf("step %d (%s): ", i+1, step.Op.ID)
		if !ok {
			for _, p := range sr.Problems {
				p.Step, p.Message = i+1, prefix+p.Message
				res.Problems = append(res.Problems, p)
			}
			return res
		}
		res.Request, res.Response = sr.Request, sr.Response
		for _, p := range stepProblems(step, sc, resp, body, key) {
			p.Step, p.Message = i+1, prefix+p.Message
			res.Problems = append(res.Problems, p)
		}
		if step.Op.Store != nil && step.Op.Store.Delete != nil {
			res.Created = nil // the sequence destroyed what it made
		}
	}
	return res
}

// cleanup deletes what the run created, through each API's delete
// operation for the kind; it returns how many were deleted and what could
// not be.
func cleanup(ctx context.Context, o RunOptions, set *spec.Set, r *Report) (deleted int, kept []string) {
	for _, res := range r.Results {
		if len(res.Created) == 0 {
			continue
		}
		var create *spec.Operation
		for _, op := range set.Operations() {
			if op.Doc.API == res.Case.API && op.ID == res.Case.Operation {
				create = op
			}
		}
		var step *Step
		for _, op := range set.Operations() {
			if create != nil && op.Doc == create.Doc && op.Store != nil && op.Store.Delete != nil && op.Store.Delete.Kind == create.Store.Create.Kind {
				step = stepFor(op, res.Case, op.Store.Delete.Key, nil, "success")
			}
		}
		for _, key := range res.Created {
			if step == nil {
				kept = append(kept, res.Case.API+" "+key)
				continue
			}
			sr := &Result{}
			if resp, _, ok := send(ctx, o, step.request(key), sr); ok && resp.StatusCode < 300 {
				deleted++
			} else {
				kept = append(kept, res.Case.API+" "+key)
			}
		}
	}
	return deleted, kept
}

// stepProblems checks a step's answer: against the documents, and as the
// step expects — a success that shows the key, or a refusal.
func stepProblems(step *Step, c *Case, resp *http.Response, body []byte, key string) []Problem {
	problems := check(step.Op, &Case{Expect: c.Expect, Want: &Want{Success: true}, Credentials: c.Credentials}, resp, body)
	var value any
	if len(body) > 0 {
		value = decodeLoose(body)
	}
	refused := resp.StatusCode >= 400 || looksLikeError(step.Op, value)
	switch step.Expect {
	case "error":
		problems = slices.DeleteFunc(problems, func(p Problem) bool { return p.Check == CheckPositive })
		if !refused {
			problems = append(problems, problemf(step.check(), "want the API to refuse this (the resource was already created or destroyed), it answered a success"))
		}
	case "read":
		// A read that names the key in its path (a group's accounts) shows it
		// found the resource by succeeding; one that sends the key in its body
		// (Tencent's GroupIdList) must show it in the answer.
		if !refused && !bytes.Contains(body, []byte(key)) && !pathNames(resp.Request, key) {
			problems = append(problems, Problem{Check: CheckAvailability, Expected: key,
				Message: fmt.Sprintf("the answer does not show the created key %q", key)})
		}
	}
	if step.Expect == "read" {
		relabel(problems, CheckPositive, CheckAvailability) // the read of what was just made failed
	}
	return problems
}

// check is the check a step's refusal answers to: a second create of a
// unique key, or a use of a destroyed resource.
func (s *Step) check() string {
	if s.Op.Store != nil && s.Op.Store.Create != nil {
		return CheckDuplicate
	}
	return CheckUseAfterFree
}

// pathNames tells whether one segment of the request's path is key.
func pathNames(r *http.Request, key string) bool {
	if r == nil {
		return false
	}
	for seg := range strings.SplitSeq(r.URL.Path, "/") {
		if seg == key {
			return true
		}
	}
	return false
}

func decodeLoose(body []byte) any {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return nil
	}
	return v
}

// textSchema tells whether a media type's schema describes a string (or
// says nothing of its type), so its text can be checked against it.
func textSchema(d *spec.Document, m *spec.Media) bool {
	node := m.SchemaNode(d)
	if node == nil {
		return true
	}
	merged, err := schemanode.Merged(node, d.ResolveSchema)
	if err != nil {
		return false
	}
	t := schemanode.Types(merged)
	return len(t) == 0 || slices.Contains(t, "string")
}

// documentsErrors tells whether the operation documents any error answer;
// one that documents none is refused with any 4xx.
func documentsErrors(op *spec.Operation) bool {
	for _, s := range op.Statuses() {
		if s[0] == '4' || s[0] == '5' || s == "default" {
			return true
		}
	}
	return false
}

// check compares an answer with the documents and with the case.
func check(op *spec.Operation, c *Case, resp *http.Response, body []byte) []Problem {
	var problems []Problem
	status := strconv.Itoa(resp.StatusCode)
	if resp.StatusCode >= 500 {
		problems = append(problems, Problem{Check: CheckServerError, Pointer: "/status", Expected: "below 500", Got: status,
			Message: fmt.Sprintf("status: %d is a server error", resp.StatusCode)})
	}
	// The status as documented: exactly, by its class, or by default (a
	// response without content documents its status all the same).
	key, ok := op.ResponseKey(resp.StatusCode)
	documented := op.Responses[key]
	refusal := c.Want != nil && !c.Want.Success
	undocumentedRefusal := refusal && resp.StatusCode >= 400 && resp.StatusCode < 500 && !documentsErrors(op)
	if !ok && !undocumentedRefusal {
		problems = append(problems, Problem{Check: CheckStatus, Pointer: "/status", Expected: strings.Join(op.Statuses(), ", "), Got: status,
			Message: fmt.Sprintf("status: %d is not a status the operation documents (%s)%s", resp.StatusCode, strings.Join(op.Statuses(), ", "), redirectNote(resp, c))})
	}
	var value any
	if len(body) > 0 && len(documented) > 0 {
		ct := resp.Header.Get("Content-Type")
		mt, _, _ := mime.ParseMediaType(ct)
		var media *spec.Media
		var types []string
		for _, m := range documented {
			types = append(types, m.Type)
			if strings.EqualFold(m.Type, mt) {
				media = m
			}
		}
		if media == nil {
			problems = append(problems, Problem{Check: CheckContentType, Pointer: "/header/Content-Type", Expected: strings.Join(types, ", "), Got: ct,
				Message: fmt.Sprintf("Content-Type: %q is not documented for %s", ct, status)})
		} else if v, err := media.Decode(body); err != nil {
			problems = append(problems, Problem{Check: CheckContentType, Pointer: "/body", Keyword: "parse", Expected: media.Type,
				Message: "body: does not parse as " + media.Type + ": " + err.Error()})
		} else {
			value = v
			// A body of another kind (YAML, text) is only its text here:
			// a schema of something else describes what the text encodes.
			if media.Schema != nil && (media.Kind != spec.KindOther || textSchema(op.Doc, media)) {
				if err := media.Schema.Validate(v); err != nil {
					for _, viol := range spec.Violations(err) {
						problems = append(problems, Problem{Check: CheckSchema, Pointer: orRoot(viol.Pointer), Keyword: viol.Keyword,
							Message: fmt.Sprintf("body %s: %s (%s)", orRoot(viol.Pointer), viol.Message, viol.Keyword)})
					}
				}
			}
		}
	}
	if ok {
		problems = append(problems, headerProblems(op.Headers[key], resp.Header)...)
	}
	return append(problems, expectation(op, c, resp.StatusCode, value)...)
}

// expectation checks what this case wants: a success, or the declared error.
func expectation(op *spec.Operation, c *Case, status int, value any) []Problem {
	w := c.Want
	got := strconv.Itoa(status)
	if w == nil || w.Success {
		if !slices.Contains(c.Expect, got) && !slices.Contains(c.Expect, strconv.Itoa(status/100)+"XX") {
			return []Problem{{Check: CheckPositive, Pointer: "/status", Expected: strings.Join(c.Expect, " or "), Got: got,
				Message: fmt.Sprintf("status: want a success (%s), got %d", strings.Join(c.Expect, " or "), status)}}
		}
		if looksLikeError(op, value) {
			return []Problem{{Check: CheckPositive, Pointer: "/body", Keyword: "envelope", Expected: "a success", Got: "the API's error envelope",
				Message: "body: a success was expected, the answer is the API's error envelope"}}
		}
		return nil
	}
	check := CheckNegative
	if w.Failure.Class == envelope.Security {
		check = CheckIgnoredAuth
	}
	var problems []Problem
	if w.Status == 0 && (status < 400 || status >= 500) || w.Status != 0 && status != w.Status && !slices.Contains(w.Accept, status) {
		problems = append(problems, Problem{Check: check, Pointer: "/status", Keyword: w.Failure.Keyword, Expected: w.statuses(), Got: got,
			Message: fmt.Sprintf("status: want %s for %s, got %d", w.statuses(), describe(w), status)})
	}
	if w.Body != nil {
		for _, p := range match(w.Body, value, "") {
			p.Check, p.Keyword = check, cmp.Or(w.Failure.Keyword, string(w.Failure.Class))
			p.Message += " (for " + describe(w) + ")"
			problems = append(problems, p)
		}
	}
	return problems
}

func describe(w *Want) string {
	f := w.Failure
	if f.Pointer != "" {
		return fmt.Sprintf("%s at %s", f.Keyword, f.Pointer)
	}
	if f.Name != "" {
		return fmt.Sprintf("%s %s", f.Class, f.Name)
	}
	return string(f.Class)
}

// match checks that got has what want has: every key, and every value that
// is a code rather than prose (numbers, booleans, strings without spaces).
// Its problems name where and what, not the check.
func match(want, got any, ptr string) []Problem {
	mismatch := func(expected, gotText, format string, args ...any) []Problem {
		return []Problem{{Pointer: orRoot(ptr), Expected: expected, Got: gotText, Message: fmt.Sprintf(format, args...)}}
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return mismatch("an object", shown(got), "body %s: want an object, got %s", orRoot(ptr), shown(got))
		}
		var out []Problem
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				at := orRoot(ptr + spec.Pointer(k))
				out = append(out, Problem{Pointer: at, Expected: tmpl.Text(wv), Got: "missing", Message: fmt.Sprintf("body %s: missing", at)})
				continue
			}
			out = append(out, match(wv, gv, ptr+spec.Pointer(k))...)
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) < len(w) {
			return mismatch(fmt.Sprintf("%d item(s)", len(w)), shown(got), "body %s: want %d item(s), got %s", orRoot(ptr), len(w), shown(got))
		}
		var out []Problem
		for i := range w {
			out = append(out, match(w[i], g[i], ptr+"/"+strconv.Itoa(i))...)
		}
		return out
	case string:
		if strings.ContainsAny(w, " \n") || w == "" {
			return nil // prose: its wording is the implementation's own
		}
	}
	_, object := got.(map[string]any)
	_, array := got.([]any)
	if object || array || tmpl.Text(want) != tmpl.Text(got) {
		return mismatch(tmpl.Text(want), shown(got), "body %s: want %s, got %s", orRoot(ptr), tmpl.Text(want), shown(got))
	}
	return nil
}

// shown is an answer's value as a problem quotes it: a scalar as it is, an
// object or array by its size (the answer itself is in the report).
func shown(v any) string {
	switch x := v.(type) {
	case map[string]any:
		return fmt.Sprintf("an object of %d member(s)", len(x))
	case []any:
		return fmt.Sprintf("an array of %d item(s)", len(x))
	}
	return tmpl.Text(v)
}

// looksLikeError tells whether a success-status body is the API's error
// envelope (Tencent's HTTP 200 with ActionStatus FAIL).
func looksLikeError(op *spec.Operation, value any) bool {
	w := &Case{Header: map[string]string{}}
	probe := want(op, w, envelopeProbe)
	if probe.Body == nil || value == nil {
		return false
	}
	m, ok := probe.Body.(map[string]any)
	if !ok {
		return false
	}
	code := map[string]any{}
	for k, v := range m {
		if s, ok := v.(string); ok && !strings.ContainsAny(s, " \n") && s != "" {
			code[k] = v // the envelope's constant codes, e.g. ActionStatus FAIL
		}
	}
	return len(code) > 0 && len(match(code, value, "")) == 0
}

// headerProblems checks the answer's headers against those its status
// documents: each required one present, each present one's value against
// its schema.
func headerProblems(documented []*spec.Header, got http.Header) []Problem {
	var problems []Problem
	for _, h := range documented {
		values := got.Values(h.Name)
		if len(values) == 0 {
			if h.Required {
				problems = append(problems, Problem{Check: CheckHeaders, Pointer: "/header/" + h.Name, Keyword: "required",
					Message: "header " + h.Name + ": required by the document, missing"})
			}
			continue
		}
		if h.Schema == nil {
			continue
		}
		text := strings.Join(values, ", ")
		if err := h.Schema.Validate(h.Value(text)); err != nil {
			for _, viol := range spec.Violations(err) {
				problems = append(problems, Problem{Check: CheckHeaders, Pointer: "/header/" + h.Name + viol.Pointer, Keyword: viol.Keyword,
					Got: text, Message: fmt.Sprintf("header %s: %q: %s (%s)", h.Name, reportCut(text, 200), viol.Message, viol.Keyword)})
			}
		}
	}
	return problems
}

func orRoot(ptr string) string {
	if ptr == "" {
		return "/"
	}
	return ptr
}

func clip(b []byte) string {
	if len(b) > 64<<10 {
		return string(b[:64<<10]) + "…"
	}
	return string(b)
}

// Unreachable tells whether no case could reach the target at all.
func (r *Report) Unreachable() bool {
	sent := 0
	for _, res := range r.Results {
		if res.Outcome == Skipped {
			continue
		}
		sent++
		if !res.unreachable {
			return false
		}
	}
	return sent > 0
}

// uniqueKeys gives the body fields that become a created resource's key
// (x-chatmock-store create.unique) a suffix of this run, on the cases that
// expect a success, so a run does not trip over its own creations, nor
// over a previous run's.
func uniqueKeys(cases []*Case, ops map[string]*spec.Operation, run string) []*Case {
	out := make([]*Case, len(cases))
	n := 0
	for i, c := range cases {
		out[i] = c
		op := ops[c.API+"/"+c.Operation]
		if op == nil || op.Store == nil || op.Store.Create == nil || c.value == nil || (c.Want != nil && !c.Want.Success) {
			continue
		}
		v := tmpl.DeepCopy(c.value)
		changed := false
		for _, path := range op.Store.Create.Unique {
			ptr := "/" + strings.ReplaceAll(path, ".", "/")
			if s, ok := lookupString(v, ptr); ok {
				n++
				v = set(v, ptr, fmt.Sprintf("%s-%s%d", s, run, n))
				changed = true
			}
		}
		if changed {
			u := c.clone()
			u.value = v
			u.Body, _ = json.Marshal(v)
			out[i] = u
		}
	}
	return out
}

func lookupString(v any, ptr string) (string, bool) {
	x, ok := spec.Lookup(v, ptr)
	s, isString := x.(string)
	return s, ok && isString
}
