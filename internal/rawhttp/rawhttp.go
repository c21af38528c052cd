// Package rawhttp sends hand-written HTTP/1.x bytes to a server and reads
// back what it answers: for tests of what a server does with bytes no
// client library would send (pipelines, smuggling attempts, bad framing).
//
// It may import: nothing of the module.
package rawhttp

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// Exchange writes raw at once on a new connection to addr and reads until
// the server closes the connection, or until wait has passed: closed tells
// which.
func Exchange(addr, raw string, wait time.Duration) (got string, closed bool, err error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return "", false, err
	}
	defer c.Close()
	if _, err := io.WriteString(c, raw); err != nil {
		return "", false, err
	}
	_ = c.SetReadDeadline(time.Now().Add(wait))
	b, err := io.ReadAll(c)
	return string(b), err == nil, nil
}

// Answer is one response read back: its head and its whole body.
type Answer struct {
	*http.Response
	Body string
}

// Answers reads the responses in got, in order, up to the first that does
// not parse.
func Answers(got string) []Answer {
	br := bufio.NewReader(strings.NewReader(got))
	var out []Answer
	for {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			return out
		}
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			return out
		}
		out = append(out, Answer{resp, string(b)})
	}
}
