package framing

import (
	"strings"
	"testing"
)

// scanAll feeds in whole, and then byte by byte, and checks both agree.
func scanAll(t *testing.T, in string) ([]Head, bool) {
	t.Helper()
	whole := newScanner(1 << 20)
	whole.feed([]byte(in))
	bytewise := newScanner(1 << 20)
	for i := 0; i < len(in); i++ {
		bytewise.feed([]byte{in[i]})
	}
	if len(whole.heads) != len(bytewise.heads) || (whole.phase == lost) != (bytewise.phase == lost) {
		t.Fatalf("fed whole: %v lost=%v; byte by byte: %v lost=%v", whole.heads, whole.phase == lost, bytewise.heads, bytewise.phase == lost)
	}
	return whole.heads, whole.phase == lost
}

func TestScanner(t *testing.T) {
	const host = "Host: x\r\n"
	for _, tc := range []struct {
		name  string
		in    string
		heads []string // "METHOD target", with "!" in front when ambiguous
		lost  bool
	}{
		{"one GET", "GET /a HTTP/1.1\r\n" + host + "\r\n", []string{"GET /a"}, false},
		{"pipelined", "GET /a HTTP/1.1\r\n" + host + "\r\nGET /b?q=1 HTTP/1.1\r\n" + host + "\r\n", []string{"GET /a", "GET /b?q=1"}, false},
		{"content-length body", "POST /a HTTP/1.1\r\n" + host + "Content-Length: 19\r\n\r\nGET /x HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n", []string{"POST /a", "GET /b"}, false},
		{"name in any case, padded value", "POST /a HTTP/1.1\r\ncOnTeNt-LeNgTh: \t 3 \t\r\n\r\nabcGET /b HTTP/1.1\r\n\r\n", []string{"POST /a", "GET /b"}, false},
		{"equal duplicate lengths", "POST /a HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabcGET /b HTTP/1.1\r\n\r\n", []string{"POST /a", "GET /b"}, false},
		{"differing duplicate lengths", "POST /a HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 03\r\n\r\nabc", []string{"POST /a"}, true},
		{"bad length", "POST /a HTTP/1.1\r\nContent-Length: 3 4\r\n\r\n", []string{"POST /a"}, true},
		{"empty length", "POST /a HTTP/1.1\r\nContent-Length:\r\n\r\n", []string{"POST /a"}, true},
		{"length over 63 bits", "POST /a HTTP/1.1\r\nContent-Length: 9223372036854775808\r\n\r\n", []string{"POST /a"}, true},
		{"length of 63 bits", "POST /a HTTP/1.1\r\nContent-Length: 9223372036854775807\r\n\r\nxyz", []string{"POST /a"}, false},
		{"folded length", "POST /a HTTP/1.1\r\nContent-Length:\r\n 3\r\n\r\nabcGET /b HTTP/1.1\r\n\r\n", []string{"POST /a", "GET /b"}, false},
		{"chunked", "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nA;ext=1\r\n0123456789\r\n0\r\n\r\nGET /b HTTP/1.1\r\n\r\n", []string{"POST /a", "GET /b"}, false},
		{"chunked, any case, padded", "POST /a HTTP/1.1\r\ntransfer-encoding:  ChUnKeD  \r\n\r\n0\r\n\r\nGET /b HTTP/1.1\r\n\r\n", []string{"POST /a", "GET /b"}, false},
		{"chunked, folded", "POST /a HTTP/1.1\r\nTransfer-Encoding:\r\n\tchunked\r\n\r\n0\r\n\r\nGET /b HTTP/1.1\r\n\r\n", []string{"POST /a", "GET /b"}, false},
		{"chunk size with trailing whitespace", "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3 \t\r\nabc\r\n0\r\n\r\nGET /b HTTP/1.1\r\n\r\n", []string{"POST /a", "GET /b"}, false},
		{"chunk body with a trailer", "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-Sum: 1\r\nX-More: 2\r\n\r\nGET /b HTTP/1.1\r\n\r\n", []string{"POST /a", "GET /b"}, false},
		{"smuggled after both lengths", "POST /a HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nPOST /__admin/reset HTTP/1.1\r\n\r\n", []string{"!POST /a"}, true},
		{"both, encoding first, any case", "POST /a HTTP/1.1\r\nTRANSFER-ENCODING: chunked\r\ncontent-length: 0\r\n\r\n", []string{"!POST /a"}, true},
		{"both, encoding not chunked", "POST /a HTTP/1.1\r\nContent-Length: 4\r\nTransfer-Encoding: gzip\r\n\r\n", []string{"!POST /a"}, true},
		{"both on HTTP/1.0", "POST /a HTTP/1.0\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n", []string{"!POST /a"}, true},
		{"encoding on HTTP/1.0", "POST /a HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", []string{"!POST /a"}, true},
		{"encoding not chunked", "POST /a HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", []string{"POST /a"}, true},
		{"two encoding fields", "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", []string{"POST /a"}, true},
		{"a name with a space before the colon", "POST /a HTTP/1.1\r\nTransfer-Encoding : chunked\r\n\r\n", nil, true},
		{"folded into another field", "POST /a HTTP/1.1\r\nX-A: 1\r\n Transfer-Encoding: chunked\r\n\r\nGET /b HTTP/1.1\r\n\r\n", []string{"POST /a", "GET /b"}, false},
		{"first field folded", "POST /a HTTP/1.1\r\n Content-Length: 5\r\n\r\n", nil, true},
		{"a blank continuation line is not the end", "POST /a HTTP/1.1\r\nX-A: 1\r\n \r\nContent-Length: 3\r\n\r\nabcGET /b HTTP/1.1\r\n\r\n", []string{"POST /a", "GET /b"}, false},
		{"bare LF in a head", "GET /a HTTP/1.1\nHost: x\n\nGET /b HTTP/1.1\r\n\r\n", []string{"GET /a", "GET /b"}, false},
		{"bare CR in a head", "GET /a HTTP/1.1\r\nX-A: 1\r2\r\n\r\n", nil, true},
		{"bare LF in a chunk line", "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\n\r\n", []string{"POST /a"}, true},
		{"no CRLF after chunk data", "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n", []string{"POST /a"}, true},
		{"space before a chunk extension", "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3 ;x\r\nabc\r\n0\r\n\r\n", []string{"POST /a"}, true},
		{"chunk size of 17 digits", "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n00000000000000001\r\n", []string{"POST /a"}, true},
		{"bare LF in a trailer", "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: 1\n\r\n", []string{"POST /a"}, true},
		{"request line with one space", "GET /a\r\n\r\n", nil, true},
		{"bad version", "GET /a HTTP/1.11\r\n\r\n", nil, true},
		{"HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", []string{"PRI *"}, true},
		{"OPTIONS *", "OPTIONS * HTTP/1.1\r\n" + host + "\r\n", []string{"OPTIONS *"}, false},
		{"a field name that is not a token", "GET /a HTTP/1.1\r\nX(A): 1\r\n\r\n", nil, true},
		{"no colon", "GET /a HTTP/1.1\r\nX-A\r\n\r\n", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			heads, lost := scanAll(t, tc.in)
			var got []string
			for _, h := range heads {
				got = append(got, describe(h, tc.heads))
			}
			if strings.Join(got, "|") != strings.Join(tc.heads, "|") || lost != tc.lost {
				t.Errorf("heads %q lost=%v, want %q lost=%v", got, lost, tc.heads, tc.lost)
			}
		})
	}
}

// describe names h by the wanted line whose key it has.
func describe(h Head, wanted []string) string {
	for _, w := range wanted {
		method, target, _ := strings.Cut(strings.TrimPrefix(w, "!"), " ")
		if Key(method, target) == h.Key {
			if h.Ambiguous {
				return "!" + method + " " + target
			}
			return method + " " + target
		}
	}
	return "?"
}

// BenchmarkScanner follows pipelined requests of the size of the Tencent
// seed (a 300-byte head, an 800-byte body), with a Content-Length and
// chunked, fed in reads of 4 KiB as net/http makes them.
//
//	go test -run '^$' -bench Scanner ./internal/framing
func BenchmarkScanner(b *testing.B) {
	head := "POST /v4/group_open_http_svc/create_group?sdkappid=88888888&identifier=admin&usersig=xxx&random=99999999&contenttype=json HTTP/1.1\r\n" +
		"Host: 127.0.0.1:4010\r\nUser-Agent: Go-http-client/1.1\r\nAccept: */*\r\nAccept-Encoding: gzip\r\nContent-Type: application/json\r\n"
	body := strings.Repeat("x", 800)
	for _, c := range []struct{ name, req string }{
		{"content-length", head + "Content-Length: 800\r\n\r\n" + body},
		{"chunked", head + "Transfer-Encoding: chunked\r\n\r\n320\r\n" + body + "\r\n0\r\n\r\n"},
	} {
		b.Run(c.name, func(b *testing.B) {
			in := []byte(strings.Repeat(c.req, 64))
			s := newScanner(1 << 20)
			b.SetBytes(int64(len(c.req)))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i += 64 {
				for p := in; len(p) > 0; p = p[min(4096, len(p)):] {
					s.feed(p[:min(4096, len(p))])
				}
				s.heads = s.heads[:0]
			}
		})
	}
}
