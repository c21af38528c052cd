package mocktest_test

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/chatmock/chatmock/mockserver"
	"github.com/chatmock/chatmock/mockserver/mocktest"
)

func post(t *testing.T, url, body string) string {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const (
	group     = `{"Owner_Account":"leckie","Type":"Public","Name":"TestGroup","GroupId":"MyFirstGroup"}`
	created   = `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","GroupId":"MyFirstGroup"}`
	duplicate = `{"ActionStatus":"FAIL","ErrorCode":10025,"ErrorInfo":"group id has be used by youself!"}`
)

// The mock on 127.0.0.1 with the bundled rules; Reset makes it new again,
// Disarm removes a scenario, and the mock is closed when the test ends.
func TestNewServer(t *testing.T) {
	var url string
	t.Run("serve", func(t *testing.T) {
		mock := mocktest.NewServer(t, mockserver.WithSeed(1))
		url = mock.URL
		if !strings.HasPrefix(mock.URL, "http://127.0.0.1:") {
			t.Errorf("URL %s", mock.URL)
		}
		if got := post(t, mock.URL+createGroup, group); got != created {
			t.Errorf("first create: %s", got)
		}
		if got := post(t, mock.URL+createGroup, group); got != duplicate {
			t.Errorf("second create: %s", got)
		}
		id, err := mock.Arm(`{"operation":"create_group","example":"10021"}`)
		if err != nil {
			t.Fatal(err)
		}
		if err := mock.Disarm(id); err != nil {
			t.Fatal(err)
		}
		if err := mock.Disarm(id); err == nil || !strings.Contains(err.Error(), "404") {
			t.Errorf("disarming twice: %v", err)
		}
		if n, err := mock.Calls("create_group"); n != 2 || err != nil {
			t.Errorf("calls: %d %v", n, err)
		}
		if err := mock.Reset(); err != nil {
			t.Fatal(err)
		}
		if n, err := mock.Calls("create_group"); n != 0 || err != nil {
			t.Errorf("calls after reset: %d %v", n, err)
		}
		if got := post(t, mock.URL+createGroup, group); got != created {
			t.Errorf("the create after reset: %s", got)
		}
		if _, err := mock.Arm(`{"operation":"no_such_operation","example":"10021"}`); err == nil || !strings.Contains(err.Error(), "400") {
			t.Errorf("arming an unknown operation: %v", err)
		}
	})
	if _, err := http.Get(url + "/__admin/health"); err == nil {
		t.Error("the mock still answers after its test ended")
	}
}

// A module outside this one starts the mock with mocktest.NewServer(t),
// as a user's module would: its test (testdata/outside) creates a group
// twice and is answered 10025 by the bundled rules.
func TestOutsideTheModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module outside this one")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("testdata", "outside", "scratch_test.go.txt"))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	mod := "module example.com/scratch\n\ngo 1.26\n\nrequire github.com/chatmock/chatmock v0.0.0\n\nreplace github.com/chatmock/chatmock => " + root + "\n"
	for name, b := range map[string][]byte{"go.mod": []byte(mod), "go.sum": sum, "scratch_test.go": src} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "test", "-count=1", "-v", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestDuplicateGroupID") {
		t.Fatalf("go test in a module outside: %v\n%s", err, out)
	}
}

// A user's own document (LINE's Messaging API from the corpus, which this
// project did not write), and scenario files armed from the start.
func TestNewServerWithFiles(t *testing.T) {
	corpus := filepath.Join("..", "..", "..", "shared", "corpus", "line-messaging-api", "messaging-api.yml")
	if _, err := os.Stat(corpus); err != nil {
		t.Fatalf("the corpus document: %v (../shared/ sits beside the repository)", err)
	}
	line := mocktest.NewServer(t, mockserver.WithDocuments(corpus))
	req, _ := http.NewRequest(http.MethodGet, line.URL+"/v2/bot/info", nil)
	req.Header.Set("Authorization", "Bearer token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"chatMode":"chat"`) {
		t.Errorf("GET /v2/bot/info: %d %s", resp.StatusCode, b)
	}
	if n, err := line.Calls("getBotInfo"); n != 1 || err != nil {
		t.Errorf("calls of getBotInfo: %d %v", n, err)
	}

	tencent := mocktest.NewServer(t, mockserver.WithScenarioFiles(filepath.Join("..", "..", "fixtures", "scenarios", "tencent-duplicate-ids.yaml")))
	if got, want := post(t, tencent.URL+createGroup, group), `{"ActionStatus":"FAIL","ErrorCode":10021,"ErrorInfo":"group id has be used!"}`; got != want {
		t.Errorf("the armed scenario: %s, want %s", got, want)
	}
	if _, err := mocktest.Start(mockserver.WithRuleFiles(filepath.Join("..", "..", "internal", "rules", "testdata", "typo-key.yaml"))); err == nil ||
		!strings.Contains(err.Error(), `unknown key "equls"`) {
		t.Errorf("a bad rule file: %v", err)
	}
}
