package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe for the sink's goroutine and the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestLogSinkBatchesAndLosesNothing(t *testing.T) {
	out := &lockedBuffer{}
	s := newLogSink(out)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 1000 {
				_, _ = s.Write([]byte(strings.Repeat(string(rune('a'+g)), 10) + " " + time.Duration(i).String() + "\n"))
			}
		})
	}
	wg.Wait()
	// A line waits at most flushEvery before it is written.
	deadline := time.Now().Add(5 * time.Second)
	for strings.Count(out.String(), "\n") < 4000 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := strings.Count(out.String(), "\n"); n != 4000 {
		t.Fatalf("%d lines written, want 4000", n)
	}
	_, _ = s.Write([]byte("last\n"))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(out.String(), "last\n") {
		t.Error("Close did not write the last line")
	}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if line != "last" && (len(line) < 12 || strings.Count(line[:10], line[:1]) != 10) {
			t.Fatalf("a line was torn: %q", line)
		}
	}
}
