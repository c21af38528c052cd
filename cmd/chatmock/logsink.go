package main

import (
	"io"
	"sync"
	"time"
)

// logSink batches the log lines of a serving mock: one line a request, each
// its own write(2), cost about a tenth of the throughput. Lines are written
// out every flushEvery, or at once when maxBuffered bytes wait, and all of
// them by Close.
type logSink struct {
	mu   sync.Mutex
	out  io.Writer
	buf  []byte
	err  error // the first write error; lines after it are dropped
	stop chan struct{}
	done chan struct{}
}

const (
	flushEvery  = 100 * time.Millisecond
	maxBuffered = 64 << 10
)

func newLogSink(out io.Writer) *logSink {
	s := &logSink{out: out, stop: make(chan struct{}), done: make(chan struct{})}
	go s.run()
	return s
}

// Write keeps p (one log record) for the next flush.
func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = append(s.buf, p...)
	if len(s.buf) >= maxBuffered {
		s.flushLocked()
	}
	return len(p), nil
}

func (s *logSink) run() {
	defer close(s.done)
	t := time.NewTicker(flushEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			s.flush()
		case <-s.stop:
			s.flush()
			return
		}
	}
}

func (s *logSink) flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flushLocked()
}

func (s *logSink) flushLocked() {
	if len(s.buf) == 0 {
		return
	}
	if s.err == nil {
		_, s.err = s.out.Write(s.buf)
	}
	s.buf = s.buf[:0]
}

// Close writes out what waits and stops the flushing.
func (s *logSink) Close() error {
	close(s.stop)
	<-s.done
	return nil
}
