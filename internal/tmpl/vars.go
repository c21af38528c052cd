package tmpl

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/chatmock/chatmock/internal/record"
	"github.com/tidwall/gjson"
)

// Vars is the scope the mock renders its templates in, as data: the
// request, the answer being built, what the store gave it and the
// generator. Names:
//
//	body.<gjson path>, query.<name>, header.<Name>, path.<name>   the request
//	baseURL, auth.user                                          the server, Basic credentials
//	index, element.<path>, current                              while setting a path with '#'
//	record.<path>, key, found, count                            what the store gave (Item, List)
//	answer.<gjson path>                                         the answer once rendered (Body)
//	<name>.<key>                                                Values: edition.<key>
//
// Calls are the generator's (see Gen). A Vars is one answer's: it is not
// safe for concurrent use.
type Vars struct {
	// Request is the request: the mock's *Request (a cond.Request).
	Request interface {
		Get(source, path string) (any, bool)
	}
	Gen     *Gen   // nil: templates may call no functions
	BaseURL string // the server's own base URL
	User    string // from Basic credentials, if any
	Counter string // the default counter name: the API and operation
	// Values are further names, each a JSON object read by key:
	// Values["edition"] answers edition.MaxMembers.
	Values map[string]any

	// What the store gave the answer: one record (record.*), or items
	// that $each, $group and $join repeat over (key, found, record.*).
	Record *record.Record
	List   []Item
	// Body is the answer once rendered, for store templates (answer.*);
	// it is set once.
	Body any

	item     *Item // the item this scope repeats for (Items)
	parent   *Vars // the answer's own scope, for an item's
	ids      map[string]int64
	at       time.Time // the answer's one "now", taken on first use
	elems    []Element // the array elements '#' stands for while setting
	current  any       // the value at the path being set
	bodyJSON []byte    // Body as JSON, made on first use
}

// Item is one entry of a read by keys or of a list.
type Item struct {
	Key    string
	Record *record.Record // nil when no record has the key
}

// Items are the scopes of the store items the answer lists.
func (v *Vars) Items() []Scope {
	out := make([]Scope, len(v.List))
	for i := range v.List {
		out[i] = &Vars{item: &v.List[i], parent: v}
	}
	return out
}

// Call runs a function, with the answer's one set of ids and one "now".
func (v *Vars) Call(fn string, args []any) (any, bool, error) {
	if v.parent != nil {
		return v.parent.Call(fn, args)
	}
	return v.call(fn, args)
}

// Lookup resolves a name.
func (v *Vars) Lookup(name string) (any, bool) {
	if it := v.item; it != nil {
		switch name {
		case "key":
			return it.Key, true
		case "found":
			return it.Record != nil, true
		}
		if rest, ok := strings.CutPrefix(name, "record"); ok && (rest == "" || rest[0] == '.') {
			if it.Record == nil {
				return nil, false
			}
			return recordValue(it.Record, strings.TrimPrefix(rest, "."))
		}
		return v.parent.Lookup(name)
	}
	switch name {
	case "baseURL":
		return v.BaseURL, true
	case "current":
		return v.current, v.current != nil
	case "auth.user":
		return v.User, v.User != ""
	case "index":
		if len(v.elems) == 0 {
			return nil, false
		}
		return json.Number(strconv.Itoa(v.elems[len(v.elems)-1].Index)), true
	case "count":
		return json.Number(strconv.Itoa(len(v.List))), true
	}
	if rest, ok := strings.CutPrefix(name, "record"); ok && (rest == "" || rest[0] == '.') {
		if v.Record == nil {
			return nil, false
		}
		return recordValue(v.Record, strings.TrimPrefix(rest, "."))
	}
	src, path, _ := strings.Cut(name, ".")
	switch src {
	case "element":
		if len(v.elems) == 0 {
			return nil, false
		}
		b, err := json.Marshal(v.elems[len(v.elems)-1].Value)
		if err != nil {
			return nil, false
		}
		r := gjson.GetBytes(b, path)
		return GJSONValue(r), r.Exists()
	case "body", "query", "header", "path":
		if v.Request == nil {
			return nil, false
		}
		x, ok := v.Request.Get(src, path)
		switch x.(type) {
		case map[string]any, []any: // the request's own: what a template makes of it must not change it
			x = DeepCopy(x)
		}
		return x, ok
	case "answer":
		b, err := v.BodyJSON()
		if err != nil {
			return nil, false
		}
		r := gjson.GetBytes(b, path)
		return GJSONValue(r), r.Exists()
	}
	if m, ok := v.Values[src].(map[string]any); ok {
		x, ok := m[path]
		return x, ok
	}
	return nil, false
}

// BodyJSON is Body as EncodeJSON writes it, encoded once: templates, the
// stored record and the written answer all use these bytes.
func (v *Vars) BodyJSON() ([]byte, error) {
	if v.bodyJSON == nil {
		b, err := EncodeJSON(v.Body)
		if err != nil {
			return nil, err
		}
		v.bodyJSON = b
	}
	return v.bodyJSON, nil
}

// EncodeJSON writes v as answers are written: without HTML escapes (an
// API echoes "<" as sent) and without a trailing newline.
func EncodeJSON(v any) ([]byte, error) {
	if b, ok := appendJSON(make([]byte, 0, 256), v, 0); ok {
		return b, nil
	}
	return encodeReflect(v)
}

// encodeReflect is EncodeJSON by encoding/json, for any value.
func encodeReflect(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// recordValue reads a record: key, owner, creator, created (RFC 3339),
// createdUnix, or a gjson path into its data (request.Name,
// request.MemberList.#).
func recordValue(r *record.Record, path string) (any, bool) {
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
