package resource

import "slices"

// fields are an object schema's properties, indexed once by their
// normalised names (norm) for matching a request's names to an answer's.
type fields struct {
	props map[string]map[string]any
	norms map[string]string // norm → the first property, in name order, of that norm
}

func newFields(props map[string]map[string]any) fields {
	names := make([]string, 0, len(props))
	for k := range props {
		names = append(names, k)
	}
	slices.Sort(names)
	f := fields{props: props, norms: make(map[string]string, len(props))}
	for _, k := range names {
		if _, seen := f.norms[norm(k)]; !seen {
			f.norms[norm(k)] = k
		}
	}
	return f
}

// named is the property a name means: itself, else the one of its norm
// (FriendlyName → friendly_name).
func (f fields) named(name string) (string, bool) {
	if _, ok := f.props[name]; ok {
		return name, true
	}
	k, ok := f.norms[norm(name)]
	return k, ok
}

// prepared is what a role's answers read of its schemas on every request,
// worked out once.
type prepared struct {
	own      fields                    // the role's answer's resource object
	state    fields                    // the state's: the create's answer's object, with own's
	held     map[string]map[string]any // the state's properties: the create's answer's object
	required map[string]bool           // what own's object requires
}

// prep is the role's prepared view, made on first use; the model is
// complete by then (Infer returned), and it does not change after.
func (role *Role) prep() *prepared {
	role.once.Do(func() {
		role.pre = &prepared{
			own:      newFields(role.props),
			state:    newFields(role.Resource.stateProps(role.props)),
			held:     role.Resource.stateProps(nil),
			required: role.rd.required(role.object),
		}
	})
	return role.pre
}
