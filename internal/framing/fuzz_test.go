package framing

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// netHTTPHeads reads in as net/http's server does, request after request,
// each body to its end: the keys of the heads it read, and whether it
// stopped at a body it could not read (rather than at a head).
func netHTTPHeads(in []byte) (keys []uint64, badBody bool) {
	br := bufio.NewReader(bytes.NewReader(in))
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return keys, false
		}
		keys = append(keys, Key(req.Method, req.RequestURI))
		if _, err := io.Copy(io.Discard, req.Body); err != nil {
			return keys, true
		}
	}
}

// The scanner is never laxer than net/http: every head it notes is the
// head net/http reads at that place, and after a body net/http could not
// read it notes nothing more.
func FuzzScannerFollowsNetHTTP(f *testing.F) {
	for _, seed := range []string{
		"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n",
		"POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /b HTTP/1.1\r\n\r\n",
		"POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;x\r\nabc\r\n0\r\nT: 1\r\n\r\nGET /b HTTP/1.1\r\n\r\n",
		"POST /a HTTP/1.1\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\nGET /b HTTP/1.1\n\n",
		"POST /a HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nPOST /r HTTP/1.1\r\n\r\n",
		"POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXY0\r\n\r\nGET /b HTTP/1.1\r\n\r\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		s := newScanner(1 << 20)
		s.feed(in)
		keys, badBody := netHTTPHeads(in)
		for i, h := range s.heads {
			if i >= len(keys) {
				break
			}
			if h.Key != keys[i] {
				t.Fatalf("head %d: the scanner and net/http read different request lines in %q", i, in)
			}
		}
		if badBody && len(s.heads) > len(keys) {
			t.Fatalf("the scanner read %d heads where net/http stopped at the body of head %d in %q", len(s.heads), len(keys), in)
		}
	})
}

// On well-formed pipelined requests of every framing (generated from the
// fuzzer's bytes) the scanner notes each head net/http reads, none
// ambiguous, and is ready for the next.
func FuzzScannerKeepsUpWithPipelines(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte("chunked bodies, trailers, folds and bare LFs"))
	f.Fuzz(func(t *testing.T, seed []byte) {
		in, n := pipeline(seed)
		s := newScanner(1 << 20)
		for i := 0; i < len(in); i += 7 { // in pieces, as reads come
			s.feed(in[i:min(i+7, len(in))])
		}
		keys, _ := netHTTPHeads(in)
		if len(keys) != n || len(s.heads) != n || s.phase != reqLine {
			t.Fatalf("net/http read %d heads, the scanner %d (phase %d), of %d in %q", len(keys), len(s.heads), s.phase, n, in)
		}
		for i, h := range s.heads {
			if h.Key != keys[i] || h.Ambiguous {
				t.Fatalf("head %d: %+v, net/http key %d, in %q", i, h, keys[i], in)
			}
		}
	})
}

// pipeline writes well-formed requests chosen by seed, and their number.
func pipeline(seed []byte) ([]byte, int) {
	next := func() int {
		if len(seed) == 0 {
			return 0
		}
		b := seed[0]
		seed = seed[1:]
		return int(b)
	}
	var out bytes.Buffer
	n := 0
	for len(seed) > 0 && n < 20 {
		n++
		eol := "\r\n"
		if next()%4 == 0 {
			eol = "\n" // net/http takes a bare LF in a head
		}
		methods := []string{"GET", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"}
		target := []string{"/a", "/v4/x?q=1&r=%20", "*", "/b/%2F/c", "http://h/p"}[next()%5]
		proto := []string{"HTTP/1.1", "HTTP/1.0"}[next()%2]
		out.WriteString(methods[next()%len(methods)] + " " + target + " " + proto + eol + "Host: h" + eol)
		if next()%3 == 0 {
			out.WriteString("X-Folded: one" + eol + " \ttwo" + eol)
		}
		body := strings.Repeat("b", next()%40)
		switch framing := next() % 3; {
		case framing == 0 && proto == "HTTP/1.1":
			out.WriteString(caseOf("Transfer-Encoding", next()) + ": " + caseOf("chunked", next()) + eol + eol)
			for rest := body; rest != ""; {
				k := min(len(rest), 1+next()%9)
				ext := []string{"", ";a=1", ";a=\"q\"", " \t"}[next()%4]
				out.WriteString(strconv.FormatInt(int64(k), 16) + ext + "\r\n" + rest[:k] + "\r\n")
				rest = rest[k:]
			}
			out.WriteString("0\r\n")
			if next()%2 == 0 {
				out.WriteString("X-Trailer: t\r\n")
			}
			out.WriteString("\r\n")
		case framing == 1:
			out.WriteString(caseOf("Content-Length", next()) + ":  " + strconv.Itoa(len(body)) + " " + eol + eol + body)
		default:
			out.WriteString(eol)
		}
	}
	return out.Bytes(), n
}

// caseOf writes name in a case chosen by c.
func caseOf(name string, c int) string {
	switch c % 3 {
	case 0:
		return strings.ToLower(name)
	case 1:
		return strings.ToUpper(name)
	}
	return name
}
