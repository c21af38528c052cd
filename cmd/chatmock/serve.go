package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/chatmock/chatmock/mockserver"
	"github.com/chatmock/chatmock/spec"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", "serve [--addr 127.0.0.1:4010] [--spec PATH]... [flags]",
		"Runs the mock server on the documents (the embedded ones unless --spec names\n"+
			"others). Every request is validated against its operation and answered the way\n"+
			"the real API answers: documented success examples made live, failures in the\n"+
			"API's own error envelope. Admin endpoints live under /__admin/.", stdout)
	addr := fs.String("addr", "127.0.0.1:4010", "address to listen on (loopback by default)")
	specs := specFlag(fs)
	maxBody := fs.String("max-body", "1MiB", "largest request body accepted (bytes, or with KiB/MiB)")
	journalSize := fs.Int("journal-size", mockserver.DefaultJournalSize, "how many exchanges GET /__admin/requests keeps")
	corsOn := fs.Bool("cors", true, "answer CORS preflights and allow any origin")
	seed := fs.String("seed", "", "a number that makes generated IDs and values repeatable")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	limit, err := parseSize(*maxBody)
	if err != nil {
		return &usageError{"--max-body: " + err.Error()}
	}
	if *journalSize < 0 {
		return &usageError{"--journal-size must not be negative"}
	}
	var logger *slog.Logger
	switch *logFormat {
	case "text":
		logger = slog.New(slog.NewTextHandler(stderr, nil))
	case "json":
		logger = slog.New(slog.NewJSONHandler(stderr, nil))
	default:
		return &usageError{"--log-format must be text or json"}
	}
	opts := []mockserver.Option{mockserver.WithLogger(logger), mockserver.WithMaxBody(limit),
		mockserver.WithJournalSize(*journalSize), mockserver.WithCORS(*corsOn)}
	if *seed != "" {
		n, err := strconv.ParseUint(*seed, 10, 64)
		if err != nil {
			return &usageError{"--seed must be a non-negative integer"}
		}
		opts = append(opts, mockserver.WithSeed(n))
	}
	srcs, err := sources(*specs)
	if err != nil {
		return err
	}
	set, err := spec.Load(ctx, srcs)
	if err != nil {
		return err
	}
	mock, err := mockserver.New(set, opts...)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           mock.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    1 << 20,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "chatmock: serving %d operations of %d documents on http://%s\n",
		len(set.Operations()), len(set.Documents), ln.Addr())
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// parseSize reads a byte count with an optional KiB, MiB or GiB suffix.
func parseSize(s string) (int64, error) {
	mult := int64(1)
	for suffix, m := range map[string]int64{"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			s, mult = n, m
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("want a positive size such as 1048576 or 1MiB, got %q", s)
	}
	return n * mult, nil
}
