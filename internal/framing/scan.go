package framing

// The scanner follows the bytes a server reads from one connection, the
// way net/http's HTTP/1.x parser (net/textproto for heads, the chunked
// reader for bodies) reads them, and notes each request head it passes:
// its method and request-target, and whether its framing is ambiguous.
// It keeps no copy of what it reads: a head is parsed byte by byte into a
// few counters, and a body is skipped by its length.
//
// Where net/http would refuse what it reads (and so close the connection)
// or where the two could disagree, the scanner stops: it is lost, and
// every request that comes later on the connection has no record, which
// the caller treats as unsafe. A scanner that is stricter than net/http
// only refuses more; it must never be laxer.

import "math"

// Head is what the scanner noted of one request head.
type Head struct {
	Key       uint64 // Key(method, target) of its request line
	Ambiguous bool   // it had both Content-Length and Transfer-Encoding, or Transfer-Encoding on HTTP/1.0
}

type phase uint8

const (
	reqLine     phase = iota // the request line
	lineStart                // the start of a header (or trailer) line, or the blank line ending them
	headerName               // a field name, up to its colon
	headerValue              // a field value, or a continuation line of one
	bodyLength               // a Content-Length body
	chunkSize                // a chunk-size line
	chunkData                // a chunk's data
	chunkEnd                 // the CRLF after a chunk's data
	lost                     // no longer following the connection
)

// Limits net/http applies to chunked bodies (net/http/internal/chunked.go).
const (
	maxChunkLine  = 4096 // a chunk-size line, CRLF included, must fit bufio's 4096-byte buffer
	maxExcess     = 16 * 1024
	maxTrailer    = 4096 // net/http looks for the trailer's CRLFCRLF within its 4096-byte buffer
	bufioReadSize = 4096 // net/http's read-ahead, which its header limit does not count
)

type field uint8

const (
	otherField field = iota
	lengthField
	encodingField
)

// scanner is the state of one connection's bytes.
type scanner struct {
	maxHead int // the largest head followed, in bytes
	heads   []Head
	phase   phase
	cr      bool // a CR was read; only a LF may follow it
	trailer bool // the header lines are a chunked body's trailer

	// The request line.
	spaces int
	key    uint64
	proto  [8]byte
	nProto int

	// The header lines.
	headLen   int
	anyField  bool  // a field line has been read in this head (or trailer)
	field     field // the field being read
	nameLen   int
	isLength  bool // the name read so far is a prefix of Content-Length
	isEncode  bool // ... of Transfer-Encoding
	value     valueReader
	length    uint64 // the Content-Length
	lenDigits int    // its number of digits (two equal values have as many)
	hasLength bool
	badLength bool
	encodings int  // Transfer-Encoding fields
	chunked   bool // the last one is exactly "chunked"

	// The body.
	remain    uint64 // bytes left in the body or the chunk
	chunkLine int
	hexDigits int
	sizeState uint8 // 0 digits, 1 whitespace after them, 2 an extension
	excess    int64
	endSeen   int // bytes of the CRLF after a chunk seen
}

func newScanner(maxHeaderBytes int) *scanner {
	return &scanner{maxHead: maxHeaderBytes + 2*bufioReadSize, key: offset64}
}

// feed follows p, the next bytes read from the connection.
func (s *scanner) feed(p []byte) {
	for len(p) > 0 {
		switch s.phase {
		case lost:
			return
		case bodyLength:
			n := skip(&s.remain, len(p))
			p = p[n:]
			if s.remain == 0 {
				s.nextHead()
			}
			continue
		case chunkData:
			n := skip(&s.remain, len(p))
			p = p[n:]
			if s.remain == 0 {
				s.phase, s.endSeen = chunkEnd, 0
			}
			continue
		case chunkEnd:
			if p[0] != "\r\n"[s.endSeen] {
				s.lose()
				return
			}
			p = p[1:]
			if s.endSeen++; s.endSeen == 2 {
				s.startChunk()
			}
			continue
		}
		if n := s.run(p); n > 0 {
			p = p[n:]
			continue
		}
		s.lineByte(p[0])
		p = p[1:]
	}
}

// run takes, at once, the leading bytes of p that only lengthen the line:
// the request line's method and target, and the value of a field that
// is neither Content-Length nor Transfer-Encoding. Most of a head is these.
func (s *scanner) run(p []byte) int {
	if s.cr {
		return 0
	}
	n := 0
	switch {
	case s.phase == reqLine && s.spaces < 2:
		h := s.key
		for n < len(p) && p[n] != ' ' && p[n] != '\r' && p[n] != '\n' {
			h = hashByte(h, p[n])
			n++
		}
		s.key = h
	case s.phase == reqLine:
		for n < len(p) && p[n] != '\r' && p[n] != '\n' {
			if s.nProto < len(s.proto) {
				s.proto[s.nProto] = p[n]
			}
			s.nProto++
			n++
		}
	case s.phase == headerName:
		for n < len(p) && tokenByte(p[n]) {
			s.nameByte(p[n])
			n++
		}
	case s.phase == headerValue && s.field == otherField:
		for n < len(p) && validValueByte(p[n]) {
			n++
		}
	default:
		return 0
	}
	if s.headLen += n; s.headLen > s.maxHead || s.trailer && s.headLen > maxTrailer {
		s.lose()
		return len(p)
	}
	return n
}

// skip consumes up to n of the remaining bytes and returns how many.
func skip(remain *uint64, n int) int {
	if uint64(n) > *remain {
		n = int(*remain)
	}
	*remain -= uint64(n)
	return n
}

// lineByte reads one byte of a line: the request line, a header or trailer
// line, or a chunk-size line.
func (s *scanner) lineByte(b byte) {
	if s.phase == chunkSize {
		s.chunkLine++
	} else {
		s.headLen++
	}
	if s.headLen > s.maxHead || s.trailer && s.headLen > maxTrailer || s.chunkLine > maxChunkLine {
		s.lose()
		return
	}
	strict := s.trailer || s.phase == chunkSize // a bare LF ends head lines only
	switch {
	case s.cr:
		// A CR is part of a line ending; anywhere else net/http refuses it.
		s.cr = false
		if b != '\n' {
			s.lose()
			return
		}
		s.endLine()
	case b == '\r':
		s.cr = true
	case b == '\n':
		if strict {
			s.lose()
			return
		}
		s.endLine()
	default:
		s.char(b)
	}
}

// char reads a byte of a line that is not its ending.
func (s *scanner) char(b byte) {
	switch s.phase {
	case reqLine:
		s.requestChar(b)
	case lineStart:
		if b == ' ' || b == '\t' {
			if !s.anyField {
				s.lose() // the first field line may not start with whitespace
				return
			}
			s.value.feed(' ') // an obs-fold joins the lines with a space
			s.phase = headerValue
			return
		}
		s.endField()
		s.phase, s.nameLen, s.isLength, s.isEncode = headerName, 0, true, true
		s.nameChar(b)
	case headerName:
		s.nameChar(b)
	case headerValue:
		if !validValueByte(b) {
			s.lose()
			return
		}
		s.value.feed(b)
	case chunkSize:
		s.sizeChar(b)
	}
}

func (s *scanner) requestChar(b byte) {
	if s.spaces < 2 && b == ' ' {
		s.spaces++
		if s.spaces == 1 {
			s.key = hashByte(s.key, ' ')
		}
		return
	}
	if s.spaces < 2 {
		s.key = hashByte(s.key, b)
		return
	}
	if s.nProto < len(s.proto) {
		s.proto[s.nProto] = b
	}
	s.nProto++
}

func (s *scanner) nameChar(b byte) {
	if b == ':' {
		if s.nameLen == 0 {
			s.lose()
			return
		}
		s.field = otherField
		switch {
		case s.isLength && s.nameLen == len(contentLength):
			s.field = lengthField
		case s.isEncode && s.nameLen == len(transferEncoding):
			s.field = encodingField
		}
		s.value = valueReader{}
		s.anyField = true
		s.phase = headerValue
		return
	}
	if !tokenByte(b) {
		s.lose() // net/http refuses a field name that is not a token
		return
	}
	s.nameByte(b)
}

// nameByte adds a token byte to the field name.
func (s *scanner) nameByte(b byte) {
	b = lower(b)
	s.isLength = s.isLength && s.nameLen < len(contentLength) && b == contentLength[s.nameLen]
	s.isEncode = s.isEncode && s.nameLen < len(transferEncoding) && b == transferEncoding[s.nameLen]
	s.nameLen++
}

const (
	contentLength    = "content-length"
	transferEncoding = "transfer-encoding"
)

// endLine ends the line being read.
func (s *scanner) endLine() {
	switch s.phase {
	case reqLine:
		s.endRequestLine()
	case lineStart: // the blank line
		s.endField()
		if s.trailer {
			s.nextHead()
			return
		}
		s.endHead()
	case headerName:
		s.lose() // a field line with no colon
	case headerValue:
		s.phase = lineStart // the field may go on in a continuation line
	case chunkSize:
		s.endChunkSize()
	}
}

func (s *scanner) endRequestLine() {
	p := s.proto
	if s.spaces < 2 || s.nProto != len(p) || string(p[:5]) != "HTTP/" || p[6] != '.' ||
		!isDigit(p[5]) || !isDigit(p[7]) {
		s.lose() // net/http answers 400 and closes
		return
	}
	s.phase = lineStart
}

// endField notes the field just read, once it can no longer continue.
func (s *scanner) endField() {
	if !s.anyField {
		return
	}
	switch s.field {
	case lengthField:
		n, digits, ok := s.value.number()
		if !ok || s.hasLength && (n != s.length || digits != s.lenDigits) {
			s.badLength = true
		}
		s.hasLength, s.length, s.lenDigits = true, n, digits
	case encodingField:
		s.encodings++
		s.chunked = s.value.isChunked()
	}
	s.field = otherField
}

// endHead notes the head just read and goes on to its body.
func (s *scanner) endHead() {
	major, minor := s.proto[5]-'0', s.proto[7]-'0'
	h := Head{Key: s.key, Ambiguous: s.encodings > 0 && (s.hasLength || major == 1 && minor == 0)}
	s.heads = append(s.heads, h)
	switch {
	case h.Ambiguous, major != 1, s.badLength:
		// The mock refuses the first and closes the connection; net/http
		// closes it after the others.
		s.lose()
	case s.encodings > 0:
		if s.encodings != 1 || !s.chunked {
			s.lose() // net/http answers 501 and closes
			return
		}
		s.startChunk()
	case s.length > 0:
		s.phase, s.remain = bodyLength, s.length
	default:
		s.nextHead()
	}
}

// nextHead waits for the next request line.
func (s *scanner) nextHead() {
	*s = scanner{maxHead: s.maxHead, heads: s.heads, key: offset64}
}

func (s *scanner) startChunk() {
	s.phase, s.chunkLine, s.hexDigits, s.remain, s.sizeState = chunkSize, 0, 0, 0, 0
}

// sizeChar reads a byte of a chunk-size line as net/http does: hex digits,
// then optional whitespace or a ;-extension. Whitespace before an
// extension, or anything after the whitespace, net/http refuses.
func (s *scanner) sizeChar(b byte) {
	switch s.sizeState {
	case 0:
		switch {
		case hexValue(b) >= 0:
			if s.hexDigits++; s.hexDigits > 16 {
				s.lose()
				return
			}
			s.remain = s.remain<<4 | uint64(hexValue(b))
		case s.hexDigits > 0 && b == ';':
			s.sizeState = 2
		case s.hexDigits > 0 && (b == ' ' || b == '\t'):
			s.sizeState = 1
		default:
			s.lose()
		}
	case 1:
		if b != ' ' && b != '\t' {
			s.lose()
		}
	}
}

func (s *scanner) endChunkSize() {
	if s.hexDigits == 0 {
		s.lose()
		return
	}
	// net/http refuses a body whose chunk-size lines outweigh its data.
	s.excess += int64(s.chunkLine) // the line and its CRLF
	s.excess -= 16 + 2*int64(s.remain)
	s.excess = max(s.excess, 0)
	if s.excess > maxExcess {
		s.lose()
		return
	}
	if s.remain == 0 {
		// The last chunk; a trailer (header lines) follows.
		s.phase, s.trailer, s.headLen, s.anyField = lineStart, true, 0, false
		return
	}
	s.phase = chunkData
}

func (s *scanner) lose() { s.phase = lost }

// valueReader reads a Content-Length or Transfer-Encoding value as net/http
// sees it: surrounding whitespace trimmed, folded lines joined by a space.
type valueReader struct {
	n        uint64 // the value as a number
	length   int    // its bytes other than whitespace
	ws       bool   // whitespace after its first byte
	inner    bool   // whitespace between its bytes
	nonDigit bool
	overflow bool // over the 63 bits net/http reads a Content-Length into
	chunk    bool // the bytes so far spell a prefix of "chunked", in any case
}

func (v *valueReader) feed(b byte) {
	if b == ' ' || b == '\t' {
		v.ws = v.ws || v.length > 0
		return
	}
	v.inner = v.inner || v.ws
	v.chunk = (v.length == 0 || v.chunk) && v.length < len("chunked") && lower(b) == "chunked"[v.length]
	v.length++
	if !isDigit(b) {
		v.nonDigit = true
		return
	}
	d := uint64(b - '0')
	if v.n > (math.MaxInt64-d)/10 {
		v.overflow = true
		return
	}
	v.n = v.n*10 + d
}

// number is the value as a Content-Length: its value and its digits.
func (v *valueReader) number() (n uint64, digits int, ok bool) {
	return v.n, v.length, v.length > 0 && !v.inner && !v.nonDigit && !v.overflow
}

// isChunked tells whether the value is "chunked", in any case.
func (v *valueReader) isChunked() bool {
	return v.chunk && v.length == len("chunked") && !v.inner
}

// FNV-1a, 64 bits.
const (
	offset64 = 14695981039346656037
	prime64  = 1099511628211
)

func hashByte(h uint64, b byte) uint64 { return (h ^ uint64(b)) * prime64 }

// Key is the key of a request line's method and request-target, as the
// scanner notes it in a Head.
func Key(method, target string) uint64 {
	h := uint64(offset64)
	for i := 0; i < len(method); i++ {
		h = hashByte(h, method[i])
	}
	h = hashByte(h, ' ')
	for i := 0; i < len(target); i++ {
		h = hashByte(h, target[i])
	}
	return h
}

func lower(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

func hexValue(b byte) int {
	switch {
	case isDigit(b):
		return int(b - '0')
	case 'a' <= b && b <= 'f':
		return int(b-'a') + 10
	case 'A' <= b && b <= 'F':
		return int(b-'A') + 10
	}
	return -1
}

// tokenByte tells whether b may be in a field name (RFC 9110 tchar).
func tokenByte(b byte) bool {
	return b < 0x80 && tchar[b]
}

var tchar = func() (t [128]bool) {
	for _, b := range []byte("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
		t[b] = true
	}
	return t
}()

// validValueByte tells whether net/http accepts b in a field value.
func validValueByte(b byte) bool {
	return b >= 0x80 || b >= 0x20 && b != 0x7f || b == '\t'
}
