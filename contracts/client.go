package contracts

// The runner's side of the wire. The target is not trusted: the runner
// sends each request to the target's origin only, follows no redirect (so
// credentials, --header values and a Referer go nowhere else), and reads a
// bounded answer within the timeout.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/chatmock/chatmock/internal/envelope"
)

const (
	// MaxAnswerBytes is the most of an answer's body the runner reads
	// (after any decompression); a longer answer fails its case.
	MaxAnswerBytes = 16 << 20
	// MaxAnswerItems bounds the values of a JSON answer (or the elements
	// of an XML one) the runner decodes: what a decoded answer costs
	// grows with them, not with its bytes.
	MaxAnswerItems = 1 << 18
	// MaxAnswerHeaderBytes bounds an answer's status line and headers.
	MaxAnswerHeaderBytes = 1 << 20
	// maxKeptHeaderBytes bounds the headers a result keeps of an answer.
	maxKeptHeaderBytes = 64 << 10
	// maxProblemBytes bounds one problem's text: it may quote the answer.
	maxProblemBytes = 1 << 10
	// maxKeyBytes bounds a created key the runner sends back.
	maxKeyBytes = 1 << 10
)

// newClient is the runner's own client: no redirect followed, no cookie
// jar, headers bounded. The time limit is each request's context.
func newClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxResponseHeaderBytes = MaxAnswerHeaderBytes
	return &http.Client{Transport: t, CheckRedirect: noRedirect}
}

// noRedirect makes a 3xx the answer.
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// RequestURL is the URL of a case's request on target: the target's
// scheme, host and path prefix, the case's path and query. It refuses a
// URL whose origin is not the target's.
func RequestURL(target string, c *Case) (string, error) {
	t, err := url.Parse(target)
	if err != nil || (t.Scheme != "http" && t.Scheme != "https") || t.Host == "" {
		return "", fmt.Errorf("the target %q is not an http(s) URL", target)
	}
	path := c.Path
	for name, v := range c.pathSamples { // what a created resource did not fill
		path = strings.ReplaceAll(path, "{"+name+"}", url.PathEscape(v))
	}
	u := strings.TrimSuffix(target, "/") + path
	if len(c.Query) > 0 {
		u += "?" + c.Query.Encode()
	}
	p, err := url.Parse(u)
	if err != nil {
		return "", fmt.Errorf("the request URL %q: %w", c.RedactURL(u), err)
	}
	if !sameOrigin(p, t) {
		return "", fmt.Errorf("the request URL %q is not on the target's origin %s://%s: not sent", c.RedactURL(u), t.Scheme, t.Host)
	}
	return u, nil
}

func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Host, b.Host)
}

// send makes a case's request and reads the answer, recording both in res.
// It gives the answer only when it came whole and within bounds.
func send(ctx context.Context, o RunOptions, c *Case, res *Result) (*http.Response, []byte, bool) {
	u, err := RequestURL(o.Target, c)
	if err != nil {
		res.Problems = append(res.Problems, problemf(checkTransport, "%s", err))
		return nil, nil, false
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout) // the body's read included
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, c.Method, u, bytes.NewReader(c.Body))
	if err != nil {
		res.Problems = append(res.Problems, problemf(checkTransport, "the request could not be made: %s", err))
		return nil, nil, false
	}
	for k, v := range c.Header {
		req.Header.Set(k, v)
	}
	for k, v := range o.Header { // the user's --header wins over the case's own
		if !c.dropsCredential(k) {
			req.Header.Set(k, v)
		}
	}
	secrets := c.secretNames()
	res.Request = &Sent{Method: c.Method, URL: RedactURL(u, secrets...), Header: RedactHeader(req.Header, secrets...), Body: string(c.Body), secrets: secrets}
	if o.ShowSecrets {
		res.Request.raw = &Sent{Method: c.Method, URL: u, Header: req.Header.Clone(), Body: string(c.Body)}
	}
	resp, err := o.Client.Do(req)
	if err != nil {
		res.Problems = append(res.Problems, problemf(checkTransport, "no answer: %s", wireError(ctx, err, o.Timeout)))
		var op *net.OpError
		res.unreachable = errors.As(err, &op) && op.Op == "dial"
		return nil, nil, false
	}
	defer resp.Body.Close()
	body, err := readAnswer(resp)
	res.Response = &Got{Status: resp.StatusCode, Header: keptHeader(resp.Header), Body: clip(body), secrets: secrets}
	if err != nil {
		res.Problems = append(res.Problems, problemf(checkTransport, "the answer's body: %s", wireError(ctx, err, o.Timeout)))
		return nil, nil, false
	}
	if items(body) > MaxAnswerItems {
		res.Problems = append(res.Problems, problemf(checkTransport, "the answer's body: more than %d JSON values or XML elements: not checked", MaxAnswerItems))
		return nil, nil, false
	}
	return resp, body, true
}

// items counts the '{', '[' and ',' of a JSON body outside its strings
// (about one a value), or the '<' of an XML body; 0 for other bodies.
func items(body []byte) int {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return 0
	}
	if trimmed[0] == '<' {
		return bytes.Count(trimmed, []byte("<"))
	}
	if trimmed[0] != '{' && trimmed[0] != '[' {
		return 0
	}
	n, inString, escaped := 0, false, false
	for _, b := range trimmed {
		switch {
		case escaped:
			escaped = false
		case inString:
			escaped, inString = b == '\\', b != '"'
		case b == '"':
			inString = true
		case b == '{' || b == '[' || b == ',':
			n++
		}
	}
	return n
}

var errTooLarge = fmt.Errorf("answer larger than %d MiB: not read further, not checked", MaxAnswerBytes>>20)

// readAnswer reads at most MaxAnswerBytes of the body.
func readAnswer(resp *http.Response) ([]byte, error) {
	if resp.ContentLength > MaxAnswerBytes {
		return nil, errTooLarge
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxAnswerBytes+1))
	if err == nil && len(body) > MaxAnswerBytes {
		return body[:MaxAnswerBytes], errTooLarge
	}
	return body, err
}

// wireError says what went wrong on the wire, without the request's URL
// (net/http's errors quote it, credentials in the query included).
func wireError(ctx context.Context, err error, timeout time.Duration) string {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Sprintf("none within the timeout (%s)", timeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return err.Error()
}

// keptHeader copies the headers a result keeps: in name order, up to
// maxKeptHeaderBytes in all; the values past that are left out.
func keptHeader(h http.Header) map[string][]string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	out := make(map[string][]string, len(h))
	budget := maxKeptHeaderBytes
	for _, k := range names {
		for _, v := range h[k] {
			if budget -= len(k) + len(v); budget < 0 {
				return out
			}
			out[k] = append(out[k], v)
		}
	}
	return out
}

// redirectNote says, for a 3xx, where it pointed and that the runner did
// not go there.
func redirectNote(resp *http.Response, c *Case) string {
	loc := resp.Header.Get("Location")
	if resp.StatusCode/100 != 3 || loc == "" {
		return ""
	}
	where := "a redirect"
	if u, err := resp.Request.URL.Parse(loc); err != nil || !sameOrigin(u, resp.Request.URL) {
		where = "a redirect to another origin"
	}
	return fmt.Sprintf("; %s (%s), not followed: the runner sends nothing but to the target", where, c.RedactURL(loc))
}

// dropsCredential tells whether a header is a credential the case leaves
// out on purpose (a missing- or bad-credential case), which the user's
// --header must not put back.
func (c *Case) dropsCredential(name string) bool {
	if c.Want == nil || c.Want.Failure.Class != envelope.Security {
		return false
	}
	if strings.EqualFold(name, "Authorization") || strings.EqualFold(name, "Cookie") {
		return true
	}
	for _, cr := range c.Credentials {
		if cr.Kind == "apiKey" && cr.In == "header" && strings.EqualFold(cr.Name, name) {
			return true
		}
	}
	return false
}
