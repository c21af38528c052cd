// Package fault breaks HTTP answers on purpose, the way networks and
// overloaded servers do: delays, resets, closes without an answer,
// truncated bodies, bodies sent slowly, and answers that never come. Every
// wait honours the request's context, so a client that goes away frees the
// handler at once.
//
// It may import: nothing of the module.
package fault

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Kinds of fault.
const (
	KindReset     = "reset"     // the connection is reset (TCP RST)
	KindEmpty     = "empty"     // the connection is closed with no answer
	KindMalformed = "malformed" // the body is cut short, so it does not parse
	KindDrip      = "drip"      // the body is sent slowly, in pieces
	KindTimeout   = "timeout"   // no answer until the client gives up
)

// MaxHold bounds how long a timeout fault holds a request whose client
// never gives up.
const MaxHold = 10 * time.Minute

// Sleep waits d, or less if ctx ends first; it reports whether d passed.
func Sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// ErrNoHijack is a ResponseWriter that cannot give up its connection.
var ErrNoHijack = errors.New("fault: the connection cannot be taken over (HTTP/2 or a test recorder)")

// Reset closes the connection with a TCP reset: the client sees
// "connection reset by peer".
func Reset(w http.ResponseWriter) error {
	conn, err := hijack(w)
	if err != nil {
		return err
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0) // close sends RST, not FIN
	}
	return conn.Close()
}

// Empty closes the connection without a byte of answer: the client sees
// an EOF where the response should be.
func Empty(w http.ResponseWriter) error {
	conn, err := hijack(w)
	if err != nil {
		return err
	}
	return conn.Close()
}

func hijack(w http.ResponseWriter) (net.Conn, error) {
	h, ok := w.(http.Hijacker)
	if !ok {
		return nil, ErrNoHijack
	}
	conn, _, err := h.Hijack()
	return conn, err
}

// Malformed answers with the status and headers and the first half of the
// body, declared as the whole: the response is complete, and its body does
// not parse.
func Malformed(w http.ResponseWriter, status int, body []byte) error {
	cut := body[:len(body)/2]
	w.Header().Set("Content-Length", strconv.Itoa(len(cut)))
	w.WriteHeader(status)
	_, err := w.Write(cut)
	return err
}

// Drip answers with the whole body, sent in pieces spread over d, flushing
// each. It stops when ctx ends.
func Drip(ctx context.Context, w http.ResponseWriter, status int, body []byte, d time.Duration) error {
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	flusher, _ := w.(http.Flusher)
	pieces := min(10, max(len(body), 1))
	size := (len(body) + pieces - 1) / pieces
	for i := 0; i < len(body); i += size {
		if i > 0 && !Sleep(ctx, d/time.Duration(pieces)) {
			return ctx.Err()
		}
		if _, err := w.Write(body[i:min(i+size, len(body))]); err != nil {
			return err
		}
		if flusher != nil {
			flusher.Flush()
		}
	}
	return nil
}

// Hold keeps the request unanswered until ctx ends (the client gives up)
// or MaxHold passes. An HTTP/1 server notices a client leaving only after
// the request body has been read, so read it first.
func Hold(ctx context.Context) {
	Sleep(ctx, MaxHold)
}
