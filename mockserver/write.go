package mockserver

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/chatmock/chatmock/internal/envelope"
	"github.com/chatmock/chatmock/internal/tmpl"
	"github.com/chatmock/chatmock/spec"
)

// answer is a rendered response, ready to write.
type answer struct {
	status    int
	mediaType string
	headers   map[string]string
	body      []byte
}

// encode writes value in the media type's format.
func encode(m *spec.Media, status int, value any) (*answer, error) {
	switch m.Kind {
	case spec.KindJSON:
		return encodeJSON(m.Type, status, value)
	case spec.KindXML:
		if m.XML == nil {
			return nil, fmt.Errorf("%s: no XML schema to write by", m.Type)
		}
		b, err := m.XML.Encode(value)
		if err != nil {
			return nil, err
		}
		return &answer{status: status, mediaType: m.Type, headers: map[string]string{}, body: b}, nil
	}
	b := []byte(tmpl.Text(value))
	mt := m.Type
	if len(b) == 0 {
		mt = "" // an empty body is sent without a Content-Type
	}
	return &answer{status: status, mediaType: mt, headers: map[string]string{}, body: b}, nil
}

func encodeJSON(mediaType string, status int, value any) (*answer, error) {
	b, err := tmpl.EncodeJSON(value)
	if err != nil {
		return nil, err
	}
	return &answer{status: status, mediaType: mediaType, headers: map[string]string{}, body: b}, nil
}

// fromEnvelope encodes an error answer: in the media type the declaration
// names, else one negotiated among the operation's media types for that
// status, else JSON.
func (rt *route) fromEnvelope(ex *exchange, resp *envelope.Answer) *answer {
	if resp.NoBody {
		ans := &answer{status: resp.Status, headers: maps.Clone(resp.Headers)}
		if ans.headers == nil {
			ans.headers = map[string]string{}
		}
		rt.addDocumentedHeaders(resp.Status, ans.headers)
		return ans
	}
	var media *spec.Media
	status := strconv.Itoa(resp.Status)
	list := rt.op.Responses[status]
	switch {
	case resp.MediaType != "":
		for _, m := range list {
			if strings.EqualFold(m.Type, resp.MediaType) {
				media = m
			}
		}
	case len(list) > 0:
		media = list[0]
		if mt, ok := negotiate(ex.accept, rt.offers(status)); ok {
			media = mediaOf(list, mt)
		}
	}
	var ans *answer
	var err error
	if media != nil && media.Kind != spec.KindOther {
		ans, err = encode(media, resp.Status, resp.Body)
	} else {
		mt := resp.MediaType
		if mt == "" {
			mt = "application/json"
		}
		ans, err = encodeJSON(mt, resp.Status, resp.Body)
	}
	if err != nil {
		return internalError(err)
	}
	for k, v := range resp.Headers {
		ans.headers[k] = v
	}
	rt.addDocumentedHeaders(resp.Status, ans.headers)
	return ans
}

// addDocumentedHeaders adds the headers the operation documents for
// status that the answer does not set, as the document shows them.
func (rt *route) addDocumentedHeaders(status int, headers map[string]string) {
	key, ok := rt.op.ResponseKey(status)
	if !ok {
		return
	}
	for _, h := range rt.op.Headers[key] {
		if _, set := headers[h.Name]; !set && h.Sample != "" {
			headers[h.Name] = h.Sample
		}
	}
}

// plainAnswer encodes an envelope answer that belongs to no operation.
func plainAnswer(resp *envelope.Answer) *answer {
	if resp.Body == nil {
		return &answer{status: resp.Status, headers: resp.Headers}
	}
	mt := resp.MediaType
	if mt == "" {
		mt = "application/json"
	}
	ans, err := encodeJSON(mt, resp.Status, resp.Body)
	if err != nil {
		return internalError(err)
	}
	for k, v := range resp.Headers {
		ans.headers[k] = v
	}
	return ans
}

// internalError is the mock's own fault, never the request's.
func internalError(err error) *answer {
	body, _ := json.Marshal(envelope.Problem("internal", http.StatusInternalServerError, err.Error())) // strings and a number: it cannot fail
	return &answer{status: http.StatusInternalServerError, mediaType: envelope.ProblemMediaType, headers: map[string]string{}, body: body}
}

// writeHeaders sets the answer's headers.
func (s *Server) writeHeaders(w http.ResponseWriter, ans *answer) {
	h := w.Header()
	for k, v := range ans.headers {
		h.Set(k, v)
	}
	if ans.mediaType != "" {
		h.Set("Content-Type", ans.mediaType)
	}
}

// finish writes the answer, records the exchange and logs it.
func (s *Server) finish(w http.ResponseWriter, ex *exchange, ans *answer, start time.Time) {
	s.writeHeaders(w, ans)
	w.Header().Set("Content-Length", strconv.Itoa(len(ans.body)))
	w.WriteHeader(ans.status)
	if ex.r.Method != http.MethodHead {
		_, _ = w.Write(ans.body)
	}
	s.done(ex, ans, time.Since(start))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
