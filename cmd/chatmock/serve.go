package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chatmock/chatmock/internal/inputfile"
	"github.com/chatmock/chatmock/internal/store"
	"github.com/chatmock/chatmock/mockserver"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	fs := newFlags("serve", "serve [--addr 127.0.0.1:4010] [--spec PATH]... [flags]",
		"Runs the mock server on the documents (the embedded ones unless --spec names\n"+
			"others). Every request is validated against its operation and answered the way\n"+
			"the real API answers: documented success examples made live, failures in the\n"+
			"API's own error envelope. Admin endpoints live under /__admin/.", stdout)
	addr := fs.String("addr", "127.0.0.1:4010", "address to listen on (loopback by default)")
	specs := specFlag(fs)
	strict := strictFlag(fs)
	overlays := overlayFlag(fs)
	stateless := fs.Bool("stateless", false, "no state inferred from the documents' paths: their creates, reads, updates, deletes and lists answer their documented examples")
	maxBody := fs.String("max-body", "1MiB", "largest request body accepted (bytes, or with KiB/MiB)")
	journalSize := fs.Int("journal-size", mockserver.DefaultJournalSize, "how many exchanges GET /__admin/requests keeps")
	journalBytes := fs.String("journal-bytes", mib(mockserver.DefaultJournalBytes), "bytes the kept exchanges may hold in all (bytes, or with KiB/MiB/GiB); the oldest go first")
	corsOn := fs.Bool("cors", true, "answer CORS preflights and allow any origin")
	seed := fs.String("seed", "", "a number that makes generated IDs and values repeatable")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	maxResources := fs.Int("max-resources", mockserver.DefaultMaxResources, "records each API may hold; past it the API answers with its quota error")
	maxStoreBytes := fs.String("max-store-bytes", mib(mockserver.DefaultMaxStoreBytes), "bytes of records each API may hold (bytes, or with KiB/MiB/GiB); past it the API answers with its quota error")
	var rulePaths, editions listFlag
	fs.Var(&rulePaths, "rules", "a rule file, or a folder of them, added to the bundled rules (repeatable)")
	rulesOnly := fs.Bool("rules-only", false, "use only the --rules files, not the bundled ones")
	fs.Var(&editions, "edition", "API=NAME: apply the quotas of an API's edition, e.g. tencent=developer (repeatable)")
	tencentEdition := fs.String("tencent-edition", "", "the same as --edition tencent=NAME (developer, standard, premium)")
	statePath := fs.String("state", "", "keep the store in this file across restarts")
	var scenarioPaths listFlag
	fs.Var(&scenarioPaths, "scenarios", "a scenario file, or a folder of them, armed at start (repeatable)")
	adminToken := fs.String("admin-token", os.Getenv("CHATMOCK_ADMIN_TOKEN"), "Bearer token of the admin API (CHATMOCK_ADMIN_TOKEN); needed to use it off loopback")
	var allowedHosts listFlag
	fs.Var(&allowedHosts, "allowed-host", "a Host name besides the loopback ones that a server on loopback answers (repeatable)")
	watchFiles := fs.Bool("watch", false, "reload --spec documents, --rules and --scenarios files when they change, keeping the store")
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
	journalLimit, err := parseSize(*journalBytes)
	if err != nil {
		return &usageError{"--journal-bytes: " + err.Error()}
	}
	var logger *slog.Logger
	sink := newLogSink(stderr)
	defer sink.Close()
	switch *logFormat {
	case "text":
		logger = slog.New(slog.NewTextHandler(sink, nil))
	case "json":
		logger = slog.New(slog.NewJSONHandler(sink, nil))
	default:
		return &usageError{"--log-format must be text or json"}
	}
	opts := []mockserver.Option{mockserver.WithLogger(logger), mockserver.WithMaxBody(limit),
		mockserver.WithJournalSize(*journalSize), mockserver.WithJournalBytes(journalLimit), mockserver.WithCORS(*corsOn)}
	if *seed != "" {
		n, err := strconv.ParseUint(*seed, 10, 64)
		if err != nil {
			return &usageError{"--seed must be a non-negative integer"}
		}
		opts = append(opts, mockserver.WithSeed(n))
	}
	if *maxResources <= 0 {
		return &usageError{"--max-resources must be positive"}
	}
	storeBytes, err := parseSize(*maxStoreBytes)
	if err != nil {
		return &usageError{"--max-store-bytes: " + err.Error()}
	}
	if *tencentEdition != "" {
		editions = append(editions, "tencent="+*tencentEdition)
	}
	for _, e := range editions {
		api, name, ok := strings.Cut(e, "=")
		if !ok || api == "" || name == "" {
			return &usageError{fmt.Sprintf("--edition %q: want API=NAME", e)}
		}
		opts = append(opts, mockserver.WithEdition(api, name))
	}
	opts = append(opts, mockserver.WithDocuments(*specs...), mockserver.WithRuleFiles(rulePaths...),
		mockserver.WithScenarioFiles(scenarioPaths...))
	if *rulesOnly {
		opts = append(opts, mockserver.WithoutBundledRules())
	}
	opts = append(opts, mockserver.WithOverlayFiles(*overlays...))
	if *stateless {
		opts = append(opts, mockserver.WithStateless())
	}
	if *strict {
		opts = append(opts, mockserver.WithStrict())
	}
	st, err := loadStore(*statePath, store.Limits{Records: *maxResources, Bytes: storeBytes})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	opts = append(opts, mockserver.WithStore(st),
		mockserver.WithAdminAccess(isLoopback(ln.Addr()), *adminToken), mockserver.WithAllowedHosts(allowedHosts...))
	mock, err := mockserver.Load(ctx, opts...)
	if pe := (*mockserver.PathError)(nil); errors.As(err, &pe) {
		return pathError(pe.Err)
	} else if err != nil {
		return err
	}
	if *statePath != "" {
		persistCtx, stopPersist := context.WithCancel(context.Background())
		persister := store.Persist(persistCtx, st, *statePath, 200*time.Millisecond, logger)
		defer func() {
			stopPersist()
			if werr := persister.Wait(); werr != nil {
				logger.Error("saving the state failed", "file", *statePath, "err", werr)
				if err == nil {
					err = fmt.Errorf("saving the state to %s: %w", *statePath, werr) // exit 1: the state is lost
				}
			}
		}()
	}
	if *watchFiles {
		go watch(ctx, slices.Concat(*specs, *overlays, rulePaths, scenarioPaths), func() error {
			return mock.ReloadFiles(ctx)
		}, logger)
	}
	tuneRuntime()
	set := mock.Documents()
	for _, p := range set.Warnings {
		logger.Warn("a defect of the documents", "file", p.File, "pointer", cmp.Or(p.Pointer, "/"), "problem", p.Message)
	}
	fmt.Fprintf(stdout, "chatmock: serving %d operations of %d documents on http://%s\n",
		len(set.Operations()), len(set.Documents), ln.Addr())
	srv := newHTTPServer(mock.Handler(), logger)
	return serveUntilDone(ctx, srv, mockserver.Listen(ln, srv), shutdownGrace, logger)
}

// Settings of the HTTP server serve runs.
const (
	// readHeaderTimeout bounds reading a request line and its headers: a
	// client that connects and then sends them slowly, or never, is dropped.
	readHeaderTimeout = 10 * time.Second
	// readTimeout bounds reading the whole request, body included, so a
	// client trickling a body cannot pin a connection and its goroutine
	// forever. It bounds reading only: once the mock has read the body to
	// its end (it always does, to validate it), net/http clears the read
	// deadline, so Prefer: delay and the drip and timeout faults, which act
	// on the response, are not cut by it.
	readTimeout = 60 * time.Second
	// idleTimeout closes a keep-alive connection left idle between requests.
	idleTimeout = 120 * time.Second
	// maxHeaderBytes lets requests with 1 MiB of headers, and up to 2 MiB
	// (net/http adds 4 KiB of slack), reach the mock, which answers them in
	// the API's own envelope; past it net/http answers a plain-text 431
	// before the mock sees the request.
	maxHeaderBytes = 2 << 20
	// shutdownGrace is how long serve lets the requests in flight finish
	// once it is told to stop; those still running after it are cut, and
	// the state is saved anyway.
	shutdownGrace = 5 * time.Second
)

// newHTTPServer returns the HTTP server that serves h. It sets no
// WriteTimeout on purpose: Prefer: delay, scenario delays (up to ten
// minutes) and the drip and timeout faults answer slowly by design, and a
// write deadline would cut them; only reading from the client is bounded.
func newHTTPServer(h http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// serveUntilDone serves on ln until ctx ends. Then it stops accepting
// connections, lets the requests in flight finish for up to grace, and cuts
// those still running after it. (net/http closes a connection whose request
// it had not read yet unanswered.)
func serveUntilDone(ctx context.Context, srv *http.Server, ln net.Listener, grace time.Duration, logger *slog.Logger) error {
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := srv.Shutdown(shutdown)
	if errors.Is(err, context.DeadlineExceeded) {
		logger.Warn("requests still running after the shutdown grace were cut", "grace", grace)
		err = srv.Close()
	}
	if err != nil {
		return err
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Garbage collection of a serving mock, unless GOGC or GOMEMLIMIT say
// otherwise. A request allocates about 16 KiB and keeps little, while the
// heap that survives (the store, the journal) stays small: collecting when
// the heap has grown by 4x its live size, rather than 2x, halves the
// collections, and the soft limit still collects early before the process
// nears 100 MiB.
const (
	gcPercent   = 400
	memoryLimit = 80 << 20
)

// tuneRuntime applies gcPercent and memoryLimit where the environment sets
// neither; once a process.
//
// serve runs on every CPU it may use (Go's own GOMAXPROCS). It once left
// one to its clients, for a shorter latency tail beside wrk; measured again
// on two cores (BENCHMARKS.md, "Cores"), one thread gave 14-35% of bare's
// throughput across the request kinds against 22-46% with two, for the same
// p99 or a shorter one, so that no longer paid.
var tuneRuntime = sync.OnceFunc(func() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
})

// isLoopback tells whether the server listens on a loopback address only.
func isLoopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// loadStore reads the --state file, if there is one, into a store bounded
// by lim. A file refused before it was read (not a regular file, or over
// store.FileLimit) or holding more than lim allows is the command line's
// to fix (exit 2); a corrupt one is a failure (exit 1).
func loadStore(path string, lim store.Limits) (*store.Store, error) {
	if path == "" {
		return store.New(lim), nil
	}
	st, err := store.Load(path, lim)
	var refused *inputfile.Error
	var over *store.OverLimitError
	switch {
	case errors.As(err, &refused):
		refused.Name = "--state " + refused.Name
		return nil, refused
	case errors.As(err, &over):
		return nil, &inputfile.Error{Name: "--state", Problem: over.Error()}
	}
	return st, err
}

// mib writes a whole number of MiB as parseSize reads it.
func mib(n int64) string { return strconv.FormatInt(n>>20, 10) + "MiB" }

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
