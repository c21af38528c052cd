package layout

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// lead opens the paragraph that lists what a package may import.
const lead = "It may import:"

// none is the list of a package that may import nothing of the module.
const none = "nothing of the module"

// listed is what the tests read of `go list -json`.
type listed struct {
	ImportPath string
	Dir        string
	GoFiles    []string
	CgoFiles   []string
	Imports    []string // non-test imports only
	Module     *struct{ Path string }
}

// goTool runs the go command in dir and returns its standard output.
func goTool(t *testing.T, dir string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out
}

// moduleRoot is the directory of the module's go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	gomod := strings.TrimSpace(string(goTool(t, ".", "env", "GOMOD")))
	if gomod == "" || filepath.Base(gomod) != "go.mod" {
		t.Fatalf("go env GOMOD = %q: not in a module", gomod)
	}
	return filepath.Dir(gomod)
}

// packageDoc is the text of the package's one package comment.
func packageDoc(p listed) (string, error) {
	fset := token.NewFileSet()
	var docs, files []string
	for _, name := range slices.Concat(p.GoFiles, p.CgoFiles) {
		f, err := parser.ParseFile(fset, filepath.Join(p.Dir, name), nil, parser.PackageClauseOnly|parser.ParseComments)
		if err != nil {
			return "", err
		}
		if f.Doc != nil {
			docs = append(docs, f.Doc.Text())
			files = append(files, name)
		}
	}
	switch len(docs) {
	case 0:
		return "", errors.New("no package comment")
	case 1:
		return docs[0], nil
	}
	return "", fmt.Errorf("package comments in %d files (%s): keep one", len(docs), strings.Join(files, ", "))
}

// mayImport reads the module-relative paths that the last paragraph of doc
// allows: "It may import: a, b, c." or "It may import: nothing of the
// module.", wrapped over as many lines as it takes.
func mayImport(doc string) ([]string, error) {
	paras := strings.Split(strings.TrimSpace(doc), "\n\n")
	for _, p := range paras[:len(paras)-1] {
		if strings.HasPrefix(strings.TrimSpace(p), lead) {
			return nil, fmt.Errorf("%q must be the comment's last paragraph, and its only one", lead)
		}
	}
	last := strings.Join(strings.Fields(paras[len(paras)-1]), " ")
	rest, ok := strings.CutPrefix(last, lead+" ")
	if !ok {
		return nil, fmt.Errorf("the comment's last paragraph must be %q followed by the module packages it may import, or by %q", lead, none+".")
	}
	rest, ok = strings.CutSuffix(rest, ".")
	if !ok {
		return nil, fmt.Errorf("%q must end with a period: %q", lead, last)
	}
	if rest == none {
		return nil, nil
	}
	list := strings.Split(rest, ", ")
	for _, path := range list {
		if path == "" || strings.ContainsAny(path, " ,") {
			return nil, fmt.Errorf("%q must list paths separated by \", \": %q", lead, last)
		}
	}
	if !slices.IsSorted(list) || len(slices.Compact(slices.Clone(list))) != len(list) {
		return nil, fmt.Errorf("%q must list each path once, sorted: %q", lead, last)
	}
	return list, nil
}

func TestMayImport(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		want []string
		bad  bool
	}{
		{doc: "Package a does a.\n\nIt may import: nothing of the module.\n", want: nil},
		{doc: "Package a does a.\n\nIt may import: internal/b,\ninternal/c, spec.\n", want: []string{"internal/b", "internal/c", "spec"}},
		{doc: "Package a does a.\n\n\tcode\n\nIt may import: spec.\n", want: []string{"spec"}},
		{doc: "Package a does a.\n", bad: true},
		{doc: "Package a does a.\nIt may import: spec.\n", bad: true},
		{doc: "Package a does a.\n\nIt may import: spec.\n\nMore.\n", bad: true},
		{doc: "Package a does a.\n\nIt may import: spec\n", bad: true},
		{doc: "Package a does a.\n\nIt may import: spec, internal/b.\n", bad: true},
		{doc: "Package a does a.\n\nIt may import: spec, spec.\n", bad: true},
		{doc: "Package a does a.\n\nIt may import: internal/b spec.\n", bad: true},
		{doc: "Package a does a.\n\nIt may import:.\n", bad: true},
	} {
		got, err := mayImport(tc.doc)
		if tc.bad {
			if err == nil {
				t.Errorf("mayImport(%q) = %q, want an error", tc.doc, got)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("mayImport(%q) = %q, %v; want %q", tc.doc, got, err, tc.want)
		}
	}
}

// TestImportsFollowComments holds every package of the module to the last
// paragraph of its package comment: each module package it imports (test
// files aside) must be one the paragraph names.
func TestImportsFollowComments(t *testing.T) {
	root := moduleRoot(t)
	var pkgs []listed
	dec := json.NewDecoder(bytes.NewReader(goTool(t, root, "list", "-json", "./...")))
	for {
		var p listed
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("go list -json ./...: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) == 0 || pkgs[0].Module == nil {
		t.Fatalf("go list -json ./... in %s listed no package of a module", root)
	}
	modPath := pkgs[0].Module.Path
	rel := func(path string) (string, bool) {
		if path == modPath {
			return ".", true
		}
		return strings.CutPrefix(path, modPath+"/")
	}
	known := map[string]bool{}
	for _, p := range pkgs {
		r, _ := rel(p.ImportPath)
		known[r] = true
	}
	if !known["internal/layout"] {
		t.Fatalf("go list -json ./... in %s did not list internal/layout", root)
	}
	for _, p := range pkgs {
		name, _ := rel(p.ImportPath)
		doc, err := packageDoc(p)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		allowed, err := mayImport(doc)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		shown := none
		if allowed != nil {
			shown = strings.Join(allowed, ", ")
		}
		for _, a := range allowed {
			if !known[a] {
				t.Errorf("%s: its comment allows %s, which is no package of the module (It may import: %s.)", name, a, shown)
			}
		}
		var imported []string
		for _, imp := range p.Imports {
			r, ok := rel(imp)
			if !ok {
				continue
			}
			imported = append(imported, r)
			if !slices.Contains(allowed, r) {
				t.Errorf("%s imports %s, which its comment does not allow (It may import: %s.)", name, r, shown)
			}
		}
		for _, a := range allowed {
			if known[a] && !slices.Contains(imported, a) {
				t.Errorf("%s: its comment allows %s, which it no longer imports: keep the comment exact (It may import: %s.)", name, a, shown)
			}
		}
	}
}

// TestContractsAndSpecDoNotLinkStore keeps the store out of what the
// contract runner and the document loader link.
func TestContractsAndSpecDoNotLinkStore(t *testing.T) {
	root := moduleRoot(t)
	deps := strings.Fields(string(goTool(t, root, "list", "-deps", "./contracts", "./spec")))
	if len(deps) == 0 {
		t.Fatal("go list -deps ./contracts ./spec listed nothing")
	}
	for _, d := range deps {
		if strings.HasSuffix(d, "/internal/store") {
			t.Errorf("go list -deps ./contracts ./spec includes %s", d)
		}
	}
}
