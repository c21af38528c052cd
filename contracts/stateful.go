package contracts

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/chatmock/chatmock/internal/tmpl"
	"github.com/chatmock/chatmock/spec"
	"github.com/tidwall/gjson"
)

// Step is one request of a stateful sequence, made from the key the
// sequence's first step created.
type Step struct {
	Op     *spec.Operation
	Case   *Case  // the request, its key not yet filled in
	Where  string // where the key goes: "path.id", "body.GroupId", "body.GroupIdList" (a list)
	Expect string // "read" (a success showing the key), "success", "error" (refused in the API's envelope)
}

// deriveStateful lists, for each operation that creates a resource, the
// sequences its document allows: create then read it back, create the same
// unique key again, create then destroy it and destroy it again.
func deriveStateful(set *spec.Set, creates map[string]*Case) []*Case {
	var out []*Case
	for _, op := range set.Operations() {
		base := creates[op.Doc.API+"/"+op.ID]
		if base == nil || op.Store == nil || op.Store.Create == nil {
			continue
		}
		kind := op.Store.Create.Kind
		seq := func(name string, steps ...*Step) {
			c := base.clone()
			c.ID = strings.Join([]string{op.Doc.API, op.ID, "stateful", name}, "/")
			c.Tags = []string{"stateful"}
			c.Steps = steps
			out = append(out, c)
		}
		for _, other := range set.Operations() {
			if other.Doc != op.Doc || other.Store == nil {
				continue
			}
			if r := other.Store.Read; r != nil && r.Kind == kind {
				expect := "success"
				if answersFromRecord(other) {
					expect = "read"
				}
				if step := stepFor(other, base, r.Key, r.Keys, expect); step != nil {
					seq("read-back-"+other.ID, step)
				}
			}
			if d := other.Store.Delete; d != nil && d.Kind == kind {
				first := stepFor(other, base, d.Key, nil, "success")
				again := stepFor(other, base, d.Key, nil, "error")
				if first != nil && again != nil {
					seq("destroy-"+other.ID, first, again)
				}
			}
		}
		if len(op.Store.Create.Unique) > 0 {
			seq("create-again", &Step{Op: op, Case: base.clone(), Expect: "error"})
		}
	}
	return out
}

var single = regexp.MustCompile(`^\{\{\s*(path|body)\.([A-Za-z0-9_.-]+)\s*\}\}$`)

// stepFor makes the request of op that carries a created key, from the
// template the document reads the key with ({{path.id}}, {{body.GroupId}},
// {{body.GroupIdList}}). Templates of another shape give no step.
func stepFor(op *spec.Operation, base *Case, key, keys *tmpl.Template, expect string) *Step {
	src := ""
	list := false
	switch {
	case key != nil:
		src = key.Source()
	case keys != nil:
		src, list = keys.Source(), true
	}
	m := single.FindStringSubmatch(src)
	if m == nil {
		return nil
	}
	c := &Case{API: base.API, Operation: op.ID, Method: op.Method, Path: op.Path,
		Query: base.Query, Header: map[string]string{}, Expect: successStatuses(op),
		Credentials: slices.Concat(base.Credentials, op.Credentials())} // it sends the create's credentials
	for k, v := range base.Header {
		if k != "Content-Type" {
			c.Header[k] = v
		}
	}
	where := m[1] + "." + m[2]
	if list {
		where += "[]"
	}
	if m[1] == "body" {
		c.Header["Content-Type"] = "application/json"
		if jm := jsonMedia(op); jm != nil {
			c.Header["Content-Type"] = jm.Type
		}
	}
	return &Step{Op: op, Case: c, Where: where, Expect: expect}
}

// request fills the created key into the step's request.
func (s *Step) request(key string) *Case {
	c := s.Case.clone()
	what, name, _ := strings.Cut(s.Where, ".")
	list := strings.HasSuffix(name, "[]")
	name = strings.TrimSuffix(name, "[]")
	switch what {
	case "path": // one segment, whatever the target made the key
		c.Path = strings.ReplaceAll(c.Path, "{"+name+"}", url.PathEscape(key))
	case "body":
		var v any = key
		if list {
			v = []any{key}
		}
		start := tmpl.DeepCopy(c.value) // keep the rest of an example's body
		if start == nil {
			start = map[string]any{}
		}
		body := set(start, "/"+strings.ReplaceAll(name, ".", "/"), v)
		c.value = body
		c.Body, _ = json.Marshal(body)
	}
	return c
}

// createdKey reads the created resource's key from the create answer, by
// the document's key template ({{answer.GroupId}}, {{answer.data.id}}).
func createdKey(op *spec.Operation, answer []byte) (string, error) {
	m := regexp.MustCompile(`^\{\{\s*answer\.([A-Za-z0-9_.-]+)\s*\}\}$`).FindStringSubmatch(op.Store.Create.Key.Source())
	if m == nil {
		return "", fmt.Errorf("the key template %q is not {{answer.<path>}}", op.Store.Create.Key.Source())
	}
	r := gjson.GetBytes(answer, m[1])
	switch key := r.String(); {
	case !r.Exists() || key == "":
		return "", fmt.Errorf("the create answer has no %s", m[1])
	case len(key) > maxKeyBytes:
		return "", fmt.Errorf("the create answer's %s is %d bytes long, more than the %d a key may have", m[1], len(key), maxKeyBytes)
	case key == "." || key == "..":
		return "", fmt.Errorf("the create answer's %s is %q, which names no resource", m[1], key)
	default:
		return key, nil
	}
}

// answersFromRecord tells whether the document makes the operation's answer
// from the stored record, so the answer shows the resource.
func answersFromRecord(op *spec.Operation) bool {
	if op.Live == nil {
		return false
	}
	for _, e := range op.Live.Entries {
		if e.Base == "record" {
			return true
		}
		for _, s := range e.Set {
			if s.Value.Mentions("record.") || s.Value.Mentions("key") {
				return true
			}
		}
	}
	return false
}
