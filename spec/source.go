// Package spec loads chatmock's OpenAPI documents once, at start-up: it
// reads each document, checks it with kin-openapi, lists its operations and
// compiles every request and response schema with jsonschema/v6 (the
// x-max-bytes keyword included), so that the mock, the contract runner and
// the linter all see the same compiled documents.
//
// It may import: fixtures, internal/codec/formbody, internal/codec/jsonbody,
// internal/codec/xmlbody, internal/envelope, internal/inputfile,
// internal/live, internal/overlay, internal/schema/schemafast,
// internal/schema/schemagen, internal/schema/schemanode, internal/tmpl,
// openapi.
package spec

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/chatmock/chatmock/fixtures"
	"github.com/chatmock/chatmock/internal/inputfile"
	"github.com/chatmock/chatmock/openapi"
)

// Source names one document: where to read it and what to call it in
// messages. Relative externalValue paths are read from the same FS.
type Source struct {
	FS   fs.FS
	Path string // slash-separated, inside FS
	Name string // shown in problems: the user's path, or openapi/<file>
	// Root is the folder (inside FS, slash-separated) that the document's
	// $refs to other files may reach: the folder the user named, or for a
	// file the working directory when the file is below it, else the
	// file's own folder. "" is the folder of Path.
	Root string
	// InFolder marks a file found in a folder the user named: one that is
	// no OpenAPI document is a fragment other files refer to, not served.
	InFolder bool
}

// Bundled returns the embedded documents. They live in a tree of their own
// where openapi/ and fixtures/ sit side by side, as in the repository, so
// the documents' relative externalValue paths resolve.
func Bundled() []Source {
	tree := bundle{"openapi": openapi.FS, "fixtures": fixtures.FS}
	names, _ := fs.Glob(openapi.FS, "*.yaml") // a fixed pattern cannot be malformed
	out := make([]Source, 0, len(names))
	for _, n := range names {
		p := "openapi/" + n
		out = append(out, Source{FS: tree, Path: p, Name: p})
	}
	return out
}

// FromPaths returns the documents at the given paths: a file, or a folder
// whose *.yaml, *.yml and *.json files are taken (sub-folders too), in name
// order.
func FromPaths(paths []string) ([]Source, error) {
	return Files("spec", inputfile.MaxDocument, paths, ".yaml", ".yml", ".json")
}

// Files returns the files at the given paths: each a file, or a folder
// whose files with one of the extensions are taken (sub-folders too), in
// name order. what names the flag in errors ("spec", "rules"). Every file
// must be a regular file (or a symlink to one) of at most limit bytes,
// checked here, before anything is opened: otherwise the error is an
// *inputfile.Error naming the flag and the file.
func Files(what string, limit int64, paths []string, exts ...string) ([]Source, error) {
	var out []Source
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", what, p, err)
		}
		files := []string{p}
		root := ""
		if info.IsDir() {
			root = p
			files = nil
			err = filepath.WalkDir(p, func(f string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if !d.IsDir() && slices.Contains(exts, strings.ToLower(filepath.Ext(f))) {
					files = append(files, f)
				}
				return nil
			})
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", what, p, err)
			}
			if len(files) == 0 {
				return nil, fmt.Errorf("%s %s: no %s files in the folder", what, p, strings.Join(exts, ", "))
			}
			slices.Sort(files)
		}
		for _, f := range files {
			if err := inputfile.Check(f, limit); err != nil {
				var refused *inputfile.Error
				if errors.As(err, &refused) {
					refused.Name = "--" + what + " " + refused.Name
					return nil, refused
				}
				return nil, fmt.Errorf("%s %s: %w", what, f, err)
			}
			src, err := fileSource(f, root)
			if err != nil {
				return nil, err
			}
			out = append(out, src)
		}
	}
	return out, nil
}

// fileSource is the file at p, found in the folder dir ("" when the user
// named the file itself).
func fileSource(p, dir string) (Source, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return Source{}, fmt.Errorf("spec %s: %w", p, err)
	}
	vol := filepath.VolumeName(abs)
	top := vol + string(filepath.Separator)
	inFS := func(a string) string { return filepath.ToSlash(strings.TrimPrefix(a, top)) }
	boundary := filepath.Dir(abs)
	if dir != "" {
		if boundary, err = filepath.Abs(dir); err != nil {
			return Source{}, fmt.Errorf("spec %s: %w", dir, err)
		}
	} else if wd, err := os.Getwd(); err == nil && strings.HasPrefix(abs, wd+string(filepath.Separator)) {
		boundary = wd
	}
	return Source{FS: os.DirFS(top), Path: inFS(abs), Name: p, Root: inFS(boundary), InFolder: dir != ""}, nil
}

// bundle joins embedded trees under their top-level folder names.
type bundle map[string]fs.FS

func (b bundle) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	top, rest, _ := strings.Cut(name, "/")
	sub, ok := b[top]
	if !ok || rest == "" {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return sub.Open(rest)
}

// readExternal reads an externalValue relative to the document.
func readExternal(src Source, ref string) ([]byte, error) {
	if strings.Contains(ref, "://") {
		return nil, fmt.Errorf("externalValue %q: only relative file paths are read", ref)
	}
	p := path.Clean(path.Join(path.Dir(src.Path), ref))
	shown := path.Join(path.Dir(filepath.ToSlash(src.Name)), ref)
	b, err := inputfile.ReadFile(src.FS, p, shown, inputfile.MaxDocument)
	if err != nil {
		return nil, fmt.Errorf("externalValue %q: cannot read %s: %w", ref, shown, err)
	}
	return b, nil
}
