package mockserver

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A fifth API is a document, not Go code: its envelope, its cases and its
// live answer are all declared in testdata/fifth.yaml. It also exercises
// path and header parameters.
func TestFifthAPIFromItsDocumentAlone(t *testing.T) {
	s := loadDocument(t, "testdata/fifth.yaml")
	tests := []struct {
		name, path, auth, region, body string
		want                           string
	}{
		{"created", "/api/teams/T1/channels", "Bearer x", "eu", `{"name":"random"}`,
			`{"channel":{"id":"CSBYF6G","name":"random","team":"eu"},"ok":true}`},
		{"not authed", "/api/teams/T1/channels", "", "eu", `{"name":"random"}`,
			`{"error":"not_authed","ok":false}`},
		{"header enum", "/api/teams/T1/channels", "Bearer x", "mars", `{"name":"random"}`,
			`{"error":"invalid_region","ok":false}`},
		{"path pattern", "/api/teams/X1/channels", "Bearer x", "eu", `{"name":"random"}`,
			`{"error":"invalid_team","ok":false,"warnings":[""]}`},
		{"body violations", "/api/teams/T1/channels", "Bearer x", "eu", `{"name":"far-too-long"}`,
			`{"error":"name_too_long","ok":false,"warnings":["/name"]}`},
		{"missing name", "/api/teams/T1/channels", "Bearer x", "eu", `{}`,
			`{"error":"name_missing","ok":false,"warnings":["/name"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, tt.path, strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Team-Region", tt.region)
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			body, _ := io.ReadAll(rec.Body)
			if rec.Code != http.StatusOK || string(body) != tt.want {
				t.Errorf("got %d %s\nwant 200 %s", rec.Code, body, tt.want)
			}
		})
	}
}
