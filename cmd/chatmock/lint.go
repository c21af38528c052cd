package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/chatmock/chatmock/internal/inputfile"
	"github.com/chatmock/chatmock/internal/lint"
	"github.com/chatmock/chatmock/internal/resource"
	"github.com/chatmock/chatmock/spec"
)

func runLint(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("lint", "lint [PATH...]",
		"Checks each OpenAPI document (a file, or a folder of them; the embedded documents\n"+
			"when no path is given): it must load and be valid, every operation needs an\n"+
			"operationId, and every request and response example must validate against its\n"+
			"own schema, x-max-bytes included. Each problem is printed as\n"+
			"'file: JSON-pointer: message'. Exit status 1 when any is found.\n\n"+
			"With --explain it prints instead the resources the mock infers from the\n"+
			"documents' paths (and their x-chatmock-resource declarations): which operations\n"+
			"create, read, update, delete and list which resource, keyed by what.", stdout)
	explain := fs.Bool("explain", false, "print the resource model the mock infers, instead of linting")
	overlays := overlayFlag(fs)
	if err := fs.parse(args); err != nil {
		return err
	}
	srcs, err := sources(fs.Args())
	var refused *inputfile.Error
	if errors.As(err, &refused) { // the paths are arguments here, not --spec
		refused.Name = strings.TrimPrefix(refused.Name, "--spec ")
	}
	if err != nil {
		return err
	}
	if *explain {
		return explainResources(ctx, srcs, *overlays, stdout, stderr)
	}
	r := lint.Run(ctx, srcs)
	for _, p := range r.Problems {
		fmt.Fprintln(stdout, p)
	}
	if len(r.Problems) > 0 {
		return &problemsError{len(r.Problems)}
	}
	fmt.Fprintf(stdout, "%d documents, %d operations, %d examples: no problems\n", r.Documents, r.Operations, r.Examples)
	return nil
}

// explainResources prints the resource model of the documents, loaded as
// serve loads them.
func explainResources(ctx context.Context, srcs []spec.Source, overlays []string, stdout, stderr io.Writer) error {
	set, err := loadSources(ctx, srcs, overlays, false, stderr)
	if err != nil {
		return err
	}
	m, err := resource.Infer(set)
	if err != nil {
		return err
	}
	return m.Explain(stdout)
}
