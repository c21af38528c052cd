// Package framing tells a handler whether its request's framing was
// ambiguous: a head with both Content-Length and Transfer-Encoding (or
// Transfer-Encoding on HTTP/1.0), which one server reads by one and
// another by the other, so that bytes one takes for a body the other runs
// as a request.
//
// net/http cannot say: it reads such a request as chunked and deletes its
// Content-Length before a handler sees it. So the check sits below it. A
// Listener's connections follow the bytes net/http reads from them (see
// scanner) and note each request head; the server's ConnContext puts the
// connection's notes in each request's context, and Check finds the
// request's own.
//
// It may import: nothing of the module.
package framing

import (
	"context"
	"net"
	"net/http"
	"sync"
)

// Verdict is what Check knows of a request's framing.
type Verdict uint8

const (
	// Untracked: the request did not come through a Listener with
	// ConnContext; nothing is known.
	Untracked Verdict = iota
	// Clean: the head had one framing, or none.
	Clean
	// Ambiguous: the head had both Content-Length and Transfer-Encoding,
	// or Transfer-Encoding on HTTP/1.0.
	Ambiguous
	// Unknown: the connection is tracked but its scanner has no note of
	// this request: it stopped following the connection (after bytes
	// net/http might read otherwise), so where this request began cannot
	// be vouched for.
	Unknown
)

// maxPending bounds the heads a connection keeps notes of. net/http reads
// at most 4 KiB ahead, a couple of hundred heads at most; notes of
// requests no handler asked about are dropped from the front.
const maxPending = 1024

// Tracker follows one connection.
type Tracker struct {
	mu   sync.Mutex // Read and Check may run at once (net/http reads ahead in the background)
	scan *scanner
	next int // heads[:next] have been looked up or passed over
}

// Check finds what the tracker of r's connection noted of r's head.
func Check(r *http.Request) Verdict {
	t, ok := r.Context().Value(trackerKey{}).(*Tracker)
	if !ok {
		return Untracked
	}
	return t.find(Key(r.Method, r.RequestURI))
}

// find takes the first note, in order, of a head with the key; the notes
// before it are of requests net/http did not hand on.
func (t *Tracker) find(key uint64) Verdict {
	t.mu.Lock()
	defer t.mu.Unlock()
	heads := t.scan.heads
	for t.next < len(heads) {
		h := heads[t.next]
		t.next++
		if h.Key == key {
			t.compact()
			if h.Ambiguous {
				return Ambiguous
			}
			return Clean
		}
	}
	t.compact()
	return Unknown
}

// compact drops the notes already used, keeping the slice's array.
func (t *Tracker) compact() {
	s := t.scan
	n := copy(s.heads, s.heads[t.next:])
	s.heads, t.next = s.heads[:n], 0
}

func (t *Tracker) feed(p []byte) {
	t.mu.Lock()
	t.scan.feed(p)
	if len(t.scan.heads)-t.next > maxPending {
		t.next = len(t.scan.heads) - maxPending
		t.compact()
	}
	t.mu.Unlock()
}

// Listen wraps ln: each connection it accepts is followed by a Tracker.
// maxHeaderBytes is the server's http.Server.MaxHeaderBytes (0 for
// net/http's default): heads larger than net/http reads are not followed.
func Listen(ln net.Listener, maxHeaderBytes int) net.Listener {
	if maxHeaderBytes <= 0 {
		maxHeaderBytes = http.DefaultMaxHeaderBytes
	}
	return &listener{Listener: ln, maxHead: maxHeaderBytes + 4096} // net/http allows 4 KiB of slack
}

type listener struct {
	net.Listener
	maxHead int
}

func (l *listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &conn{Conn: c, t: &Tracker{scan: newScanner(l.maxHead)}}, nil
}

// conn is a connection whose reads are followed.
type conn struct {
	net.Conn
	t *Tracker
}

func (c *conn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.t.feed(p[:n])
	}
	return n, err
}

// CloseWrite half-closes a TCP connection, as net/http does before it
// closes one whose request body it did not read.
func (c *conn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

type trackerKey struct{}

// ConnContext is an http.Server's ConnContext: it puts the Tracker of a
// connection from Listen in the context of its requests.
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	if fc, ok := c.(*conn); ok {
		return context.WithValue(ctx, trackerKey{}, fc.t)
	}
	return ctx
}
