package framing

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chatmock/chatmock/internal/rawhttp"
)

var verdictName = map[Verdict]string{Untracked: "untracked", Clean: "clean", Ambiguous: "ambiguous", Unknown: "unknown"}

// serve runs an http.Server whose handler reads the body and answers the
// request's Verdict; tracked says whether it listens through Listen.
func serve(t *testing.T, tracked bool) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		v := Check(r)
		if v == Ambiguous || v == Unknown {
			w.Header().Set("Connection", "close")
		}
		_, _ = io.WriteString(w, r.Method+" "+r.RequestURI+" "+verdictName[v])
	}), DisableGeneralOptionsHandler: true}
	if tracked {
		srv.ConnContext = ConnContext
		ln = Listen(ln, 0)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// answers writes raw at once on one connection and reads every answer
// until the server closes it.
func answers(t *testing.T, addr, raw string) []string {
	t.Helper()
	got, closed, err := rawhttp.Exchange(addr, raw, 5*time.Second)
	if err != nil || !closed {
		t.Fatalf("exchange: %v, closed %v", err, closed)
	}
	var out []string
	for _, a := range rawhttp.Answers(got) {
		out = append(out, a.Status[:3]+" "+a.Body)
	}
	return out
}

func TestCheck(t *testing.T) {
	const h = "Host: x\r\n"
	for _, tc := range []struct {
		name    string
		tracked bool
		raw     string
		want    []string
	}{
		{"pipelined requests are each found", true,
			"GET /a HTTP/1.1\r\n" + h + "\r\nPOST /a HTTP/1.1\r\n" + h + "Content-Length: 3\r\n\r\nabcGET /a HTTP/1.1\r\n" + h + "Connection: close\r\n\r\n",
			[]string{"200 GET /a clean", "200 POST /a clean", "200 GET /a clean"}},
		{"OPTIONS * reaches the handler", true, "OPTIONS * HTTP/1.1\r\n" + h + "Connection: close\r\n\r\n", []string{"200 OPTIONS * clean"}},
		{"both lengths: the request after is never read", true,
			"POST /a HTTP/1.1\r\n" + h + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\n" + h + "\r\n",
			[]string{"200 POST /a ambiguous"}},
		{"Expect: 100-continue", true,
			"POST /a HTTP/1.1\r\n" + h + "Expect: 100-continue\r\nContent-Length: 2\r\n\r\nabGET /b HTTP/1.1\r\n" + h + "Connection: close\r\n\r\n",
			[]string{"100 ", "200 POST /a clean", "200 GET /b clean"}},
		{"net/http closes after a broken chunked body", true,
			"POST /a HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n3\r\nabcXYGET /b HTTP/1.1\r\n" + h + "\r\n",
			[]string{"200 POST /a clean"}},
		{"after a trailer net/http takes and the scanner does not, nothing is vouched for", true,
			"POST /a HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n0\r\nX Y: 1\r\n\r\nGET /b HTTP/1.1\r\n" + h + "\r\n",
			[]string{"200 POST /a clean", "200 GET /b unknown"}},
		{"without Listen nothing is known", false,
			"POST /a HTTP/1.1\r\n" + h + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\n" + h + "Connection: close\r\n\r\n",
			[]string{"200 POST /a untracked", "200 GET /smuggled untracked"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := answers(t, serve(t, tc.tracked), tc.raw)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("answers %q, want %q", got, tc.want)
			}
		})
	}
}

// A connection's notes stay bounded when no handler asks for them.
func TestNotesAreBounded(t *testing.T) {
	tr := &Tracker{scan: newScanner(1 << 20)}
	for i := 0; i < 3*maxPending; i++ {
		tr.feed([]byte("GET /a HTTP/1.1\r\n\r\n"))
	}
	if n := len(tr.scan.heads); n != maxPending {
		t.Errorf("%d notes kept, want %d", n, maxPending)
	}
	if v := tr.find(Key("GET", "/a")); v != Clean {
		t.Errorf("verdict %d, want Clean", v)
	}
}
