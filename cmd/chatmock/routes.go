package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

func runRoutes(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("routes", "routes [--spec PATH]...",
		"Lists every operation of the documents: API, method, path, operationId and the\n"+
			"media types its request body accepts.", stdout)
	specs := specFlag(fs)
	strict := strictFlag(fs)
	overlays := overlayFlag(fs)
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	set, err := loadDocuments(ctx, *specs, *overlays, *strict, stderr)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "API\tMETHOD\tPATH\tOPERATION\tREQUEST MEDIA TYPES")
	for _, op := range set.Operations() {
		media := strings.Join(op.RequestMediaTypes(), ", ")
		if media == "" {
			media = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", op.Doc.API, op.Method, op.Path, op.ID, media)
	}
	return tw.Flush()
}
