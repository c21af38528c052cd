// Command startup measures how long a server takes from process start to
// its first 200 on a health path. bench/load runs it on chatmock:
//
//	startup -n 10 -path /__admin/health -- ./chatmock serve --addr 127.0.0.1:0
//
// The server must print "... on http://ADDR" on stdout once it listens (as
// chatmock serve does); the health path is then polled every millisecond.
// It prints one duration per start, in milliseconds, in the order run.
//
// It may import: nothing of the module.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"time"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "startup:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("startup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 10, "how many starts to time")
	path := fs.String("path", "/__admin/health", "path polled until it answers 200")
	timeout := fs.Duration("timeout", 10*time.Second, "longest wait for one start")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("usage: startup [-n N] [-path PATH] [-timeout D] -- COMMAND [ARG]...")
	}
	for range *n {
		d, err := once(ctx, fs.Args(), *path, *timeout)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%.2f\n", float64(d.Microseconds())/1000)
	}
	return nil
}

var addrLine = regexp.MustCompile(` on http://([^\s/]+)`)

// once starts argv, reads the address it prints and polls path there. It
// returns the time from just before the start to the first 200.
func once(ctx context.Context, argv []string, path string, timeout time.Duration) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.Command(argv[0], argv[1:]...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	begin := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	addrs := make(chan string, 1)
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := addrLine.FindStringSubmatch(sc.Text()); m != nil && len(addrs) == 0 {
				addrs <- m[1]
			}
		}
	}()
	defer func() {
		_ = cmd.Process.Kill()
		<-scanned
		_ = cmd.Wait()
	}()
	var addr string
	select {
	case addr = <-addrs:
	case <-scanned:
		return 0, fmt.Errorf("%s exited without printing its address", argv[0])
	case <-ctx.Done():
		return 0, fmt.Errorf("%s printed no address within %s", argv[0], timeout)
	}
	return pollOK(ctx, "http://"+addr+path, begin)
}

// pollOK GETs url every millisecond until it answers 200 and returns the
// time since begin.
func pollOK(ctx context.Context, url string, begin time.Time) (time.Duration, error) {
	client := &http.Client{Timeout: time.Second}
	last := errors.New("no answer")
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return 0, err
		}
		resp, err := client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(begin), nil
			}
			err = fmt.Errorf("HTTP %d", resp.StatusCode)
		}
		last = err
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("no 200 from %s: %w", url, last)
		case <-time.After(time.Millisecond):
		}
	}
}
