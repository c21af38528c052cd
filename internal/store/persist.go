package store

import (
	"context"
	"log/slog"
	"time"
)

// Persister saves a Store in the background; see Persist.
type Persister struct {
	s     *Store
	path  string
	every time.Duration
	log   *slog.Logger
	done  chan struct{}
	err   error // the final save's error, set before done closes
}

// Persist starts a goroutine that saves s to path after it changes, at most
// once per every, until ctx ends; it then saves a last time. Errors of the
// saves along the way are logged to log (nil discards them); the final
// save's error is returned by Wait.
//
// Persist reads s.Changes(), so a Store should have at most one Persister
// and no other reader of Changes.
func Persist(ctx context.Context, s *Store, path string, every time.Duration, log *slog.Logger) *Persister {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	p := &Persister{s: s, path: path, every: every, log: log, done: make(chan struct{})}
	go p.run(ctx)
	return p
}

// Wait blocks until the final save is done and returns its error.
func (p *Persister) Wait() error {
	<-p.done
	return p.err
}

func (p *Persister) run(ctx context.Context) {
	defer close(p.done)
	var last time.Time // when the previous save started
	for {
		select {
		case <-ctx.Done():
			p.err = p.s.Save(p.path)
			return
		case <-p.s.Changes():
		}
		if !p.pause(ctx, p.every-time.Since(last)) {
			p.err = p.s.Save(p.path)
			return
		}
		last = time.Now()
		if err := p.s.Save(p.path); err != nil {
			p.log.Error("saving state failed", "path", p.path, "err", err)
		}
	}
}

// pause waits d (if positive) and reports false if ctx ended first.
func (p *Persister) pause(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
