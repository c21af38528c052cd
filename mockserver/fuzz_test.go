package mockserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chatmock/chatmock/spec"
)

// The fuzz targets send arbitrary bodies down each API's body path — JSON,
// XML, form — and check what comes back: never a panic, never a 5xx, and
// always either the API's success answer or its own error envelope. Plain
// `go test` runs their seeds; `go test -fuzz FuzzTencentJSON ./mockserver`
// (and the others) search further.

func FuzzTencentJSON(f *testing.F)  { fuzzBody(f, "tencent", "application/json") }
func FuzzJSONAPI(f *testing.F)      { fuzzBody(f, "jsonapi", "application/vnd.api+json") }
func FuzzASPNETJSON(f *testing.F)   { fuzzBody(f, "aspnet", "application/json") }
func FuzzASPNETXML(f *testing.F)    { fuzzBody(f, "aspnet", "application/xml") }
func FuzzASPNETForm(f *testing.F)   { fuzzBody(f, "aspnet", "application/x-www-form-urlencoded") }
func FuzzNexudusJSON(f *testing.F)  { fuzzBody(f, "nexudus", "application/json") }
func FuzzTencentQuery(f *testing.F) { fuzzQuery(f) }

func fuzzBody(f *testing.F, api, ctype string) {
	for _, seed := range fuzzSeeds(f, api, ctype) {
		f.Add(seed)
	}
	s := newTestServer(f)
	h := s.Handler()
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, apiPaths[api], bytes.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		if api == "jsonapi" || api == "nexudus" {
			req.Header.Set("Authorization", "Bearer t")
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if err := inEnvelope(api, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes()); err != nil {
			t.Fatalf("%s %.300q:\n%.2000v", api, body, err)
		}
	})
}

// fuzzQuery varies Tencent's query string, where its credentials and
// random travel.
func fuzzQuery(f *testing.F) {
	f.Add(strings.TrimPrefix(tencentQuery, "?"))
	f.Add("sdkappid=88888888&identifier=admin&usersig=xxx&random=99999999999&contenttype=json")
	f.Add("sdkappid=%zz&identifier=a;b&usersig=&random=-1&contenttype=xml")
	s := newTestServer(f)
	h := s.Handler()
	f.Fuzz(func(t *testing.T, query string) {
		req := httptest.NewRequest(http.MethodPost, "/v4/group_open_http_svc/create_group", strings.NewReader(`{"Type":"Public","Name":"g"}`))
		req.URL.RawQuery = query
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if err := inEnvelope("tencent", rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes()); err != nil {
			t.Fatalf("query %.300q:\n%.2000v", query, err)
		}
	})
}

// fuzzSeeds are the API's seed requests and documented request examples in
// the media type, and the hostile cases of its body path.
func fuzzSeeds(f *testing.F, api, ctype string) [][]byte {
	var seeds [][]byte
	ext := map[string]string{"application/xml": ".xml", "application/x-www-form-urlencoded": ".form"}[ctype]
	if ext == "" {
		ext = ".json"
	}
	files, _ := filepath.Glob(filepath.Join("..", "fixtures", "seeds", api, "*", "requests", "*"+ext))
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	set, err := spec.Load(f.Context(), spec.Bundled())
	if err != nil {
		f.Fatal(err)
	}
	for _, op := range set.Operations() {
		if op.Doc.API != api || op.Method != http.MethodPost {
			continue
		}
		for _, m := range op.RequestBody {
			if m.Type != ctype {
				continue
			}
			for _, e := range m.Examples {
				v, err := m.Instance(op.Doc, e)
				if err != nil {
					continue
				}
				if s, ok := v.(string); ok {
					seeds = append(seeds, []byte(s))
				} else if b, err := json.Marshal(v); err == nil {
					seeds = append(seeds, b)
				}
			}
		}
	}
	for _, c := range hostileCases() {
		if c.api == api && c.ctype == ctype && len(c.body) < 64<<10 {
			seeds = append(seeds, c.body)
		}
	}
	if len(seeds) == 0 {
		f.Fatalf("no seeds for %s %s", api, ctype)
	}
	return seeds
}

// inEnvelope checks an answer is the API's success answer or its own error
// envelope, never a 5xx.
func inEnvelope(api string, status int, ctype string, body []byte) error {
	err := envelopeProblem(api, status, ctype, body)
	if err != nil && len(body) > 400 {
		return fmt.Errorf("%v (the body is %d bytes: %.200s…)", err, len(body), clipped(body))
	}
	return err
}

func envelopeProblem(api string, status int, ctype string, body []byte) error {
	if status >= 500 {
		return fmt.Errorf("status %d: %s", status, clipped(body))
	}
	var v map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("status %d, %s: not a JSON object: %v: %s", status, ctype, err, clipped(body))
	}
	str := func(k string) bool { _, ok := v[k].(string); return ok }
	switch api {
	case "tencent":
		code, _ := v["ErrorCode"].(json.Number)
		switch {
		case status != 200 || ctype != "application/json":
			return fmt.Errorf("status %d, %s, want 200 application/json: %s", status, ctype, clipped(body))
		case v["ActionStatus"] == "OK" && code == "0" && str("ErrorInfo"):
		case v["ActionStatus"] == "FAIL" && code != "" && code != "0" && str("ErrorInfo"):
		default:
			return fmt.Errorf("not Tencent's envelope: %s", clipped(body))
		}
	case "jsonapi":
		if ctype != "application/vnd.api+json" {
			return fmt.Errorf("status %d, Content-Type %s: %s", status, ctype, clipped(body))
		}
		if status == 201 {
			if _, ok := v["data"].(map[string]any); !ok {
				return fmt.Errorf("201 without data: %s", clipped(body))
			}
			return nil
		}
		errs, _ := v["errors"].([]any)
		if status < 400 || len(errs) == 0 {
			return fmt.Errorf("status %d, not a JSON:API error document: %s", status, clipped(body))
		}
		for _, e := range errs {
			o, _ := e.(map[string]any)
			if o["status"] != fmt.Sprint(status) || o["title"] == nil {
				return fmt.Errorf("an error object without status %d and a title: %s", status, clipped(body))
			}
		}
	case "aspnet":
		if !strings.HasPrefix(ctype, "application/json") {
			return fmt.Errorf("status %d, Content-Type %s: %s", status, ctype, clipped(body))
		}
		if status == 200 {
			return nil // the bag, echoed
		}
		if status < 400 || !str("Message") {
			return fmt.Errorf("status %d, not ASP.NET's error: %s", status, clipped(body))
		}
		if ms, ok := v["ModelState"]; ok {
			if _, ok := ms.(map[string]any); !ok || status != 400 {
				return fmt.Errorf("status %d, a ModelState that is not an object: %s", status, clipped(body))
			}
		}
	case "nexudus":
		if ctype != "application/json" {
			return fmt.Errorf("status %d, Content-Type %s: %s", status, ctype, clipped(body))
		}
		switch {
		case status == 200 && v["WasSuccessful"] == true:
		case status == 400 && v["WasSuccessful"] == false && str("Message"):
			if errs, ok := v["Errors"].([]any); !ok || len(errs) == 0 {
				return fmt.Errorf("a 400 without Errors: %s", clipped(body))
			}
		case status >= 400 && str("Message"):
		default:
			return fmt.Errorf("status %d, not Nexudus' envelope: %s", status, clipped(body))
		}
	}
	return nil
}

func clipped(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}
