package resource

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// Explain prints the model as a user checks it: per resource its store
// kind, key, parent and what each operation does to it, then the
// collections that were not taken and why.
func (m *Model) Explain(w io.Writer) error {
	var b strings.Builder
	for _, r := range m.Resources {
		origin := "inferred from " + r.Collection
		if r.Declared {
			origin = "declared with " + Key
		}
		fmt.Fprintf(&b, "%s: resource %s (%s)\n", r.API, r.Name, origin)
		key := "id in " + r.IDField
		if r.IDField == "" {
			key = "id in the Location header"
		}
		if r.Parent != nil {
			key += ", under " + r.Parent.Name
		}
		fmt.Fprintf(&b, "  keyed by %s, new ids %s\n", key, r.idKind())
		for _, role := range r.Roles {
			fmt.Fprintf(&b, "  %-8s %-6s %s  (%s)%s\n", role.Action, role.Op.Method, role.Op.Path, role.Op.ID, role.detail())
		}
		for _, role := range r.Roles {
			for _, l := range role.Op.Links {
				fmt.Fprintf(&b, "  link     %s %s -> %s%s\n", role.Op.ID, l.Status, l.OperationID, linkParams(l.Parameters))
			}
		}
	}
	for _, s := range m.Skipped {
		fmt.Fprintf(&b, "%s: not a resource: POST %s: %s\n", s.API, s.Path, s.Reason)
	}
	if len(m.Resources) == 0 && len(m.Skipped) == 0 {
		b.WriteString("no resources: no collection path has a POST that creates\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// idKind says how new ids are made.
func (r *Resource) idKind() string {
	s := r.idSchema
	format, _ := s["format"].(string)
	pattern, _ := s["pattern"].(string)
	ts := (reader{}).types(s)
	switch {
	case len(ts) > 0 && (ts[0] == "integer" || ts[0] == "number"):
		return "count up"
	case format == "uuid":
		return "are uuids"
	case pattern != "":
		return "match " + pattern
	}
	if ex, ok := r.example.(string); ok && idLike.MatchString(ex) {
		return "are shaped like " + ex
	}
	return "are 24 hex digits"
}

// detail is what a role's line adds: where the object or array is, the
// paging parameters, the key.
func (role *Role) detail() string {
	var parts []string
	switch {
	case role.Action == List && role.Array != "":
		parts = append(parts, "items in "+role.Array)
	case role.Action == List:
		parts = append(parts, "items: the answer")
	case role.HasObject && role.Object != "":
		parts = append(parts, "object in "+role.Object)
	case !role.HasObject && role.Action != Delete:
		parts = append(parts, "answer holds no object")
	}
	p := role.Paging
	for _, x := range []struct{ what, name string }{{"limit", p.Limit}, {"offset", p.Offset}, {"page", p.Page}, {"cursor", p.Cursor}} {
		if x.name != "" {
			parts = append(parts, x.what+" "+x.name)
		}
	}
	if role.Key != nil {
		parts = append(parts, "key "+role.Key.Source())
	}
	if role.Location {
		parts = append(parts, "Location")
	}
	if len(parts) == 0 {
		return ""
	}
	return ": " + strings.Join(parts, ", ")
}

// linkParams are a link's parameters as name=expression, sorted.
func linkParams(ps map[string]string) string {
	if len(ps) == 0 {
		return ""
	}
	out := make([]string, 0, len(ps))
	for k, v := range ps {
		out = append(out, k+"="+v)
	}
	slices.Sort(out)
	return " (" + strings.Join(out, ", ") + ")"
}
