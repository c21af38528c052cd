package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/url"
	"strings"
	"unicode/utf8"
)

// maxParts bounds the parts of a multipart body read.
const maxParts = 1000

// multipartFields reads a multipart/form-data body into its fields, each
// part's content its value (a file's too, as text: format binary; bytes
// that are not UTF-8 become U+FFFD). The
// boundary is the body's own first line, so the body alone is enough.
func multipartFields(b []byte) (url.Values, error) {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	line = bytes.TrimRight(line, "\r")
	boundary, ok := bytes.CutPrefix(line, []byte("--"))
	if !ok || len(boundary) == 0 || len(boundary) > 70 {
		return nil, errors.New("not a multipart body: it does not start with a boundary line")
	}
	r := multipart.NewReader(bytes.NewReader(b), string(boundary))
	fields := url.Values{}
	for n := 0; ; n++ {
		part, err := r.NextPart()
		if err == io.EOF {
			return fields, nil
		}
		if err != nil {
			return nil, fmt.Errorf("multipart body: %v", err)
		}
		if n >= maxParts {
			return nil, fmt.Errorf("multipart body: more than %d parts", maxParts)
		}
		name := part.FormName()
		if name == "" {
			return nil, errors.New("multipart body: a part without a form-data name")
		}
		v, err := io.ReadAll(part) // bounded by the body, which the mock bounds
		if err != nil {
			return nil, fmt.Errorf("multipart body: %v", err)
		}
		text := string(v)
		if part.FileName() != "" && !utf8.ValidString(text) {
			// A file's bytes, which a schema reads as format: binary.
			text = strings.ToValidUTF8(text, "\uFFFD")
		}
		fields.Add(name, text)
	}
}
