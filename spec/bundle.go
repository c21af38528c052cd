package spec

import (
	"cmp"
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"strings"

	"github.com/chatmock/chatmock/internal/inputfile"
	"github.com/chatmock/chatmock/internal/tmpl"
	"github.com/oasdiff/yaml"
)

// Limits of what a split document may pull in.
const (
	maxRefFiles    = 200     // other files one document may refer to
	maxRefInlines  = 100_000 // external $refs replaced by their targets
	externalPrefix = "x-chatmock-external"
)

// inlineExternal replaces every $ref of raw that points into another file
// (`other.yaml#/components/schemas/X`, `definitions/error.yaml`) with what
// it points to, read relative to the file that holds the $ref, so that the
// document that comes out refers only to itself. A target that refers back
// to itself (a recursive schema) is placed once under
// components/schemas/x-chatmock-external-N and referred to there. Files
// are read from src.FS, never outside src.Root, never over the network.
func inlineExternal(src Source, raw map[string]any) []Problem {
	b := &bundler{src: src, raw: raw, files: map[string]any{src.Path: raw}, hoisted: map[string]string{}}
	b.root = src.Root
	if b.root == "" {
		b.root = path.Dir(src.Path)
	}
	b.walk(raw, src.Path, "", nil)
	return b.problems
}

type bundler struct {
	src      Source
	raw      map[string]any
	root     string
	files    map[string]any    // file path → its parsed content
	hoisted  map[string]string // file#pointer → local $ref of a recursive target
	inlines  int
	problems []Problem
}

func (b *bundler) fail(file, ptr, format string, args ...any) {
	if len(b.problems) < 100 {
		b.problems = append(b.problems, Problem{File: b.shown(file), Pointer: ptr, Message: fmt.Sprintf(format, args...)})
	}
}

// walk resolves the external $refs below v, which lies in file at ptr;
// stack is the chain of targets being inlined (file#pointer), to find
// recursion.
func (b *bundler) walk(v any, file, ptr string, stack []string) any {
	switch x := v.(type) {
	case []any:
		for i, e := range x {
			x[i] = b.walk(e, file, fmt.Sprintf("%s/%d", ptr, i), stack)
		}
	case map[string]any:
		if ref, ok := x["$ref"].(string); ok {
			if file == b.src.Path && strings.HasPrefix(ref, "#") {
				return x // the document's own: kin-openapi and the compiler follow it
			}
			return b.resolve(x, ref, file, ptr, stack)
		}
		for k, e := range x {
			if refsBelow(k) {
				x[k] = b.walk(e, file, ptr+Pointer(k), stack)
			}
		}
	}
	return v
}

// resolve returns what the $ref node m at ptr in file designates, inlined.
func (b *bundler) resolve(m map[string]any, ref, file, ptr string, stack []string) any {
	if b.inlines++; b.inlines > maxRefInlines {
		if b.inlines == maxRefInlines+1 {
			b.fail(file, ptr, "more than %d $refs to other files: the rest are left unresolved", maxRefInlines)
		}
		return m
	}
	target, frag, err := b.locate(ref, file)
	if err != nil {
		b.fail(file, ptr, "$ref %q: %v", ref, err)
		return map[string]any{}
	}
	if target == b.src.Path { // back into the document: its own $ref
		return map[string]any{"$ref": "#" + frag}
	}
	key := target + "#" + frag
	if local, ok := b.hoisted[key]; ok {
		return map[string]any{"$ref": local}
	}
	for _, k := range stack {
		if k == key { // recursion: refer to one copy
			return map[string]any{"$ref": b.hoist(key, target, frag, stack)}
		}
	}
	node, err := b.load(target, frag)
	if err != nil {
		b.fail(file, ptr, "$ref %q: %v", ref, err)
		return map[string]any{}
	}
	out := b.walk(tmpl.DeepCopy(node), target, frag, append(stack, key))
	if len(m) > 1 { // 3.1: keywords beside a $ref apply too
		if om, ok := out.(map[string]any); ok {
			for k, v := range m {
				if k != "$ref" {
					om[k] = b.walk(v, file, ptr+Pointer(k), stack)
				}
			}
		}
	}
	return out
}

// hoist places the target once under components/schemas and returns the
// local $ref to it.
func (b *bundler) hoist(key, target, frag string, stack []string) string {
	name := fmt.Sprintf("%s-%d", externalPrefix, len(b.hoisted)+1)
	local := "#/components/schemas/" + name
	b.hoisted[key] = local
	node, err := b.load(target, frag)
	if err != nil {
		return local
	}
	comps, _ := b.raw["components"].(map[string]any)
	if comps == nil {
		comps = map[string]any{}
		b.raw["components"] = comps
	}
	schemas, _ := comps["schemas"].(map[string]any)
	if schemas == nil {
		schemas = map[string]any{}
		comps["schemas"] = schemas
	}
	schemas[name] = map[string]any{} // placed before walking, so recursion finds it
	schemas[name] = b.walk(tmpl.DeepCopy(node), target, frag, stack)
	return local
}

// locate turns a $ref met in file into the target file and the fragment.
func (b *bundler) locate(ref, file string) (string, string, error) {
	u, err := url.Parse(ref)
	if err != nil {
		return "", "", err
	}
	if u.Scheme != "" || u.Host != "" {
		return "", "", fmt.Errorf("only files beside the document are read, not %s URLs", cmp.Or(u.Scheme, "network"))
	}
	target := file
	if u.Path != "" {
		target = path.Clean(path.Join(path.Dir(file), u.Path))
	}
	if target != b.root && !strings.HasPrefix(target, b.root+"/") && b.root != "." {
		return "", "", fmt.Errorf("%s is outside %s, the folder the document was given in", u.Path, filepath.FromSlash("/"+b.root))
	}
	return target, u.Fragment, nil
}

// load reads (once) the file and returns the node the fragment designates.
func (b *bundler) load(file, frag string) (any, error) {
	doc, ok := b.files[file]
	if !ok {
		if len(b.files) > maxRefFiles {
			return nil, fmt.Errorf("more than %d files referred to", maxRefFiles)
		}
		data, err := inputfile.ReadFile(b.src.FS, file, b.shown(file), inputfile.MaxDocument)
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %v", b.shown(file), err)
		}
		js, err := yaml.YAMLToJSON(data)
		if err != nil {
			return nil, fmt.Errorf("%s is not YAML or JSON: %v", b.shown(file), err)
		}
		if doc, err = decodeValue(js); err != nil {
			return nil, fmt.Errorf("%s: %v", b.shown(file), err)
		}
		b.files[file] = doc
	}
	node, ok := Lookup(doc, frag)
	if !ok {
		return nil, fmt.Errorf("%s has nothing at %s", b.shown(file), cmp.Or(frag, "/"))
	}
	return node, nil
}

// shown is a file as messages name it: relative to the document's name.
func (b *bundler) shown(file string) string {
	rel, err := filepath.Rel(filepath.Dir("/"+b.src.Path), "/"+file)
	if err != nil {
		return file
	}
	return filepath.Join(filepath.Dir(b.src.Name), rel)
}

// cutDanglingRefs replaces each $ref of the document to a place it does not
// have with an empty schema (any value), so the rest loads, and returns a
// problem at each: one in an operation leaves that operation out.
func cutDanglingRefs(src Source, raw map[string]any) []Problem {
	var problems []Problem
	var walk func(v any, ptr string) any
	walk = func(v any, ptr string) any {
		switch x := v.(type) {
		case []any:
			for i, e := range x {
				x[i] = walk(e, fmt.Sprintf("%s/%d", ptr, i))
			}
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok && strings.HasPrefix(ref, "#") {
				frag, err := url.PathUnescape(ref[1:])
				if _, found := Lookup(raw, frag); err != nil || !found {
					if len(problems) < 100 {
						problems = append(problems, Problem{File: src.Name, Pointer: ptr, Message: fmt.Sprintf("$ref %q points to nothing", ref)})
					}
					return map[string]any{}
				}
				return x
			}
			for k, e := range x {
				if refsBelow(k) {
					x[k] = walk(e, ptr+Pointer(k))
				}
			}
		}
		return v
	}
	walk(raw, "")
	return problems
}

// hasExternalRef tells whether any $ref below v points outside the document.
func hasExternalRef(v any) bool {
	return anyObject(v, func(m map[string]any) bool {
		ref, ok := m["$ref"].(string)
		return ok && !strings.HasPrefix(ref, "#")
	})
}

// refsBelow tells whether the value of key k may hold $refs to follow:
// anything but an instance (an example's value, a default) or an
// extension; a map of examples may refer to example objects.
func refsBelow(k string) bool { return !dataKeyword(k) || k == "examples" }

// anyObject tells whether f holds for an object below v where $refs may
// stand (see refsBelow).
func anyObject(v any, f func(map[string]any) bool) bool {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if anyObject(e, f) {
				return true
			}
		}
	case map[string]any:
		if f(x) {
			return true
		}
		for k, e := range x {
			if refsBelow(k) && anyObject(e, f) {
				return true
			}
		}
	}
	return false
}
