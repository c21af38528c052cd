// Command chatmock serves mock chat APIs from OpenAPI documents and checks
// real implementations against the same documents.
//
// It may import: contracts, internal/inputfile, internal/lint,
// internal/resource, internal/store, mockserver, spec.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/chatmock/chatmock/internal/inputfile"
)

// Exit codes.
const (
	exitOK       = 0
	exitProblems = 1 // problems found, or the command failed
	exitUsage    = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "run the mock server on the documents", runServe},
		{"test", "check a real implementation against the documents", runTest},
		{"lint", "check documents and their examples", runLint},
		{"routes", "list the operations the documents define", runRoutes},
		{"version", "print the version", runVersion},
	}
}

// usageError is a command line that could not be understood (exit 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// downError is a target that is not there (exit 2, as a usage error, but
// without the pointer to --help: the command line was right).
type downError struct{ msg string }

func (e *downError) Error() string { return e.msg }

// problemsError reports that a command ran and found problems (exit 1); the
// problems themselves were already printed.
type problemsError struct{ count int }

func (e *problemsError) Error() string { return fmt.Sprintf("%d problem(s) found", e.count) }

// run is main without the process: tests call it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	name := args[0]
	if name == "-h" || name == "--help" || name == "help" {
		usage(stdout)
		return exitOK
	}
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		err := c.run(ctx, args[1:], stdout, stderr)
		var ue *usageError
		var down *downError
		var pe *problemsError
		var refused *inputfile.Error
		switch {
		case err == nil, errors.Is(err, errHelp):
			return exitOK
		case errors.As(err, &refused): // a file given on the command line that is not to be read
			fmt.Fprintf(stderr, "chatmock %s: %v\n", name, err)
			return exitUsage
		case errors.As(err, &ue):
			fmt.Fprintf(stderr, "chatmock %s: %v\n", name, err)
			fmt.Fprintf(stderr, "Run 'chatmock %s --help' for usage.\n", name)
			return exitUsage
		case errors.As(err, &down):
			fmt.Fprintf(stderr, "chatmock %s: %v\n", name, err)
			return exitUsage
		case errors.As(err, &pe):
			fmt.Fprintf(stderr, "chatmock %s: %v\n", name, err)
			return exitProblems
		default:
			fmt.Fprintf(stderr, "chatmock %s: %v\n", name, err)
			return exitProblems
		}
	}
	fmt.Fprintf(stderr, "chatmock: unknown command %q\n\n", name)
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprint(w, "chatmock: a mock server and contract-test runner for chat APIs.\n\nUsage:\n  chatmock <command> [flags]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "\nRun 'chatmock <command> --help' for a command's flags.\n")
}
