package mockserver

import (
	"context"
	"sync"
)

// bodyBudget bounds the bytes of request bodies being decoded, validated
// and answered at once. A body's decoded value takes many times its size
// (a 1 MB array of small objects decodes into some 25 MB of maps, and its
// validation allocates as much again), so without a bound a few clients
// sending 1 MB bodies at once would take hundreds of MiB. Requests whose
// bodies do not fit wait their turn, in order; ordinary bodies of a few
// KiB never do. Safe for concurrent use.
type bodyBudget struct {
	mu      sync.Mutex
	size    int64 // <= 0: no bound
	free    int64
	waiting []*budgetWaiter // first come, first served
}

type budgetWaiter struct {
	n     int64
	ready chan struct{} // closed once n bytes are granted
}

// bodyBudgetSize is the body budget of a server that accepts bodies of up
// to maxBody bytes: one of the largest at a time (decoded, up to ~50 MB
// with the default 1 MiB; two at once took the RSS past 150 MiB), and
// small ones beside it.
func bodyBudgetSize(maxBody int64) int64 { return maxBody }

func newBodyBudget(size int64) *bodyBudget { return &bodyBudget{size: size, free: size} }

// acquire takes n bytes of the budget (all of it when n is larger), waiting
// until they are free or ctx ends. It returns what it took, to be given
// back with release, and false if ctx ended first.
func (b *bodyBudget) acquire(ctx context.Context, n int64) (int64, bool) {
	if b.size <= 0 || n <= 0 {
		return 0, true
	}
	n = min(n, b.size)
	b.mu.Lock()
	if len(b.waiting) == 0 && b.free >= n {
		b.free -= n
		b.mu.Unlock()
		return n, true
	}
	w := &budgetWaiter{n: n, ready: make(chan struct{})}
	b.waiting = append(b.waiting, w)
	b.mu.Unlock()
	select {
	case <-w.ready:
		return n, true
	case <-ctx.Done():
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	select {
	case <-w.ready: // granted while ctx ended: give it back
		b.free += n
	default:
		for i, o := range b.waiting {
			if o == w {
				b.waiting = append(b.waiting[:i], b.waiting[i+1:]...)
				break
			}
		}
	}
	b.grant() // the waiter behind this one may fit now
	return 0, false
}

// release gives back what acquire took.
func (b *bodyBudget) release(n int64) {
	if n <= 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.free += n
	b.grant()
}

// grant hands free bytes to the waiters in order, while the first fits.
// b.mu is held.
func (b *bodyBudget) grant() {
	for len(b.waiting) > 0 && b.free >= b.waiting[0].n {
		w := b.waiting[0]
		b.waiting[0] = nil
		b.waiting = b.waiting[1:]
		b.free -= w.n
		close(w.ready)
	}
}
