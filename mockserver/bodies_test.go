package mockserver

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func multipartBody(t *testing.T, fields map[string]string) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		if k == "file" {
			fw, err := w.CreateFormFile("file", "a.png")
			if err != nil {
				t.Fatal(err)
			}
			_, _ = fw.Write([]byte(v))
			continue
		}
		_ = w.WriteField(k, v)
	}
	_ = w.Close()
	return w.FormDataContentType(), buf.Bytes()
}

// Bodies in multipart/form-data (fields read as a form's, converted by the
// schema's types), text/plain and application/octet-stream are validated
// and answered as their documents say.
func TestOtherRequestBodies(t *testing.T) {
	s := loadDocument(t, "testdata/bodies.yaml")
	send := func(method, path, ctype string, body []byte) (int, string) {
		req := httptest.NewRequest(method, path, bytes.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		b, _ := io.ReadAll(rec.Body)
		return rec.Code, string(b)
	}
	ctype, body := multipartBody(t, map[string]string{"name": "notes", "count": "2", "file": "\x89PNG\r\n\x1a\n"})
	if code, got := send(http.MethodPost, "/rooms/R1/files", ctype, body); code != 201 || got != `{"id":"F1"}` {
		t.Errorf("a valid upload: %d %s", code, got)
	}
	ctype, body = multipartBody(t, map[string]string{"name": "a name far too long", "count": "two"})
	code, got := send(http.MethodPost, "/rooms/R1/files", ctype, body)
	if code != 400 || !strings.Contains(got, `"error":`) {
		t.Errorf("a bad upload: %d %s, want the documented 400 with the violation", code, got)
	}
	if code, got := send(http.MethodPost, "/rooms/R1/files", "multipart/form-data; boundary=x", []byte("no parts at all")); code != 400 {
		t.Errorf("not multipart: %d %s", code, got)
	}
	if code, got := send(http.MethodPut, "/rooms/R1/topic", "text/plain", []byte("Standup at ten")); code != 204 || got != "" {
		t.Errorf("a topic: %d %q", code, got)
	}
	if code, _ := send(http.MethodPut, "/rooms/R1/topic", "text/plain", []byte(strings.Repeat("x", 21))); code != 400 {
		t.Errorf("a topic too long: %d", code)
	}
	if code, _ := send(http.MethodPut, "/rooms/R1/avatar", "application/octet-stream", []byte{0x89, 'P', 'N', 'G', 0, 1, 2}); code != 204 {
		t.Errorf("an avatar: %d", code)
	}
	if code, _ := send(http.MethodPut, "/rooms/R1/avatar", "application/json", []byte(`{}`)); code != 415 {
		t.Errorf("an avatar as JSON: %d, want the documented 415", code)
	}
	// A documented range (*/*) reads the body as what it says it is.
	if code, got := send(http.MethodPost, "/rooms/R1/settings", "application/json", []byte(`{"mute":true}`)); code != 204 {
		t.Errorf("settings as JSON under */*: %d %s", code, got)
	}
	if code, _ := send(http.MethodPost, "/rooms/R1/settings", "application/json", []byte(`{"mute":"x"}`)); code != 400 {
		t.Errorf("bad settings under */*: %d", code)
	}
}
