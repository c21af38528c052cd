package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/chatmock/chatmock/internal/inputfile"
	"github.com/chatmock/chatmock/spec"
)

// errHelp means --help was asked for and answered.
var errHelp = errors.New("help shown")

// flagSet is a subcommand's flags and its help text.
type flagSet struct {
	*flag.FlagSet
	help func()
}

// newFlags returns a flag set whose --help prints to stdout and whose
// errors come back as usage errors.
func newFlags(name, synopsis, about string, stdout io.Writer) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	help := func() {
		fmt.Fprintf(stdout, "Usage: chatmock %s\n\n%s\n", synopsis, about)
		var has bool
		fs.VisitAll(func(*flag.Flag) { has = true })
		if has {
			fmt.Fprint(stdout, "\nFlags:\n")
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			fs.SetOutput(io.Discard)
		}
	}
	return &flagSet{FlagSet: fs, help: help}
}

// interspersed parses args with flags among the arguments (a.json
// --junit F b.json) and returns the arguments.
func (fs *flagSet) interspersed(args []string) ([]string, error) {
	var out []string
	for len(args) > 0 {
		if strings.HasPrefix(args[0], "-") && args[0] != "-" {
			if err := fs.parse(args); err != nil {
				return nil, err
			}
			args = fs.Args()
			continue
		}
		out = append(out, args[0])
		args = args[1:]
	}
	return out, nil
}

// parse parses args, turning --help into errHelp and bad flags into a
// usage error.
func (fs *flagSet) parse(args []string) error {
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.help()
		return errHelp
	case err != nil:
		return &usageError{err.Error()}
	}
	return nil
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ", ") }

func (l *listFlag) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// specFlag adds the repeatable --spec flag.
func specFlag(fs *flagSet) *listFlag {
	var l listFlag
	fs.Var(&l, "spec", "an OpenAPI document, or a folder of them, replacing the embedded ones (repeatable)")
	return &l
}

// overlayFlag adds the repeatable --overlay flag.
func overlayFlag(fs *flagSet) *listFlag {
	var l listFlag
	fs.Var(&l, "overlay", "an OpenAPI Overlay 1.0 file applied to the documents, in order (repeatable): adds x-chatmock-* declarations, such as x-chatmock-resource, without editing them")
	return &l
}

// strictFlag adds --strict.
func strictFlag(fs *flagSet) *bool {
	return fs.Bool("strict", false, "refuse the documents on any defect, instead of leaving out the operations it spoils (with a warning each)")
}

// loadDocuments loads the documents of --spec (the embedded ones without
// it) with the --overlay files applied, leniently unless strict, and prints each warning to w, one line
// each.
func loadDocuments(ctx context.Context, specs, overlays []string, strict bool, w io.Writer) (*spec.Set, error) {
	srcs, err := sources(specs)
	if err != nil {
		return nil, err
	}
	return loadSources(ctx, srcs, overlays, strict, w)
}

// loadSources is loadDocuments for sources already found.
func loadSources(ctx context.Context, srcs []spec.Source, overlays []string, strict bool, w io.Writer) (*spec.Set, error) {
	ovs, err := spec.ReadOverlays(overlays)
	if err != nil {
		return nil, pathError(err)
	}
	opts := []spec.LoadOption{spec.WithOverlays(ovs...)}
	if strict {
		opts = append(opts, spec.Strict())
	}
	set, err := spec.Load(ctx, srcs, opts...)
	if err != nil {
		return nil, err
	}
	for _, p := range set.Warnings {
		fmt.Fprintln(w, p)
	}
	return set, nil
}

// sources returns the documents named by --spec, or the embedded ones.
func sources(paths []string) ([]spec.Source, error) {
	if len(paths) == 0 {
		return spec.Bundled(), nil
	}
	srcs, err := spec.FromPaths(paths)
	if err != nil {
		return nil, pathError(err)
	}
	return srcs, nil
}

// pathError is the error of a flag's paths: a file refused before it was
// read stays an *inputfile.Error (one line, exit 2); anything else is a
// usage error.
func pathError(err error) error {
	var refused *inputfile.Error
	if errors.As(err, &refused) {
		return refused
	}
	return &usageError{err.Error()}
}
