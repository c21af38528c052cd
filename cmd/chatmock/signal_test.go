//go:build unix

package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestMain runs main itself when CHATMOCK_TEST_MAIN=1, so that a test can
// start the test binary as chatmock and send it real signals.
func TestMain(m *testing.M) {
	if os.Getenv("CHATMOCK_TEST_MAIN") == "1" {
		main()
	}
	os.Exit(m.Run())
}

// child is the test binary running as chatmock.
type child struct {
	cmd    *exec.Cmd
	addr   string        // host:port it serves on
	exited chan struct{} // closed when it has exited
	stderr *syncBuffer
}

// startChild starts the test binary as `chatmock args...` and waits for
// its address; it is killed if still running when the test ends.
func startChild(t *testing.T, args ...string) *child {
	t.Helper()
	c := &child{cmd: exec.Command(os.Args[0], args...), exited: make(chan struct{}), stderr: &syncBuffer{}}
	c.cmd.Env = append(os.Environ(), "CHATMOCK_TEST_MAIN=1")
	out := &syncBuffer{}
	c.cmd.Stdout, c.cmd.Stderr = out, c.stderr
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = c.cmd.Wait()
		close(c.exited)
	}()
	t.Cleanup(func() {
		_ = c.cmd.Process.Kill()
		<-c.exited
	})
	addrRE := regexp.MustCompile(`on http://(127\.0\.0\.1:\d+)`)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := addrRE.FindStringSubmatch(out.String()); m != nil {
			c.addr = m[1]
			return c
		}
		select {
		case <-c.exited:
			t.Fatalf("chatmock exited before serving: %v\nstdout: %s\nstderr: %s", c.cmd.ProcessState, out, c.stderr)
		default:
		}
	}
	t.Fatalf("chatmock printed no address: %q", out.String())
	return nil
}

// drainCreates is how many creates are in flight when SIGTERM arrives.
const drainCreates = 20

// SIGTERM stops serve accepting connections, lets the requests in flight
// finish, saves the state and exits 0; a restart serves what was saved.
func TestSIGTERMDrainsAndSavesState(t *testing.T) {
	file := t.TempDir() + "/state.json"
	c := startChild(t, "serve", "--addr", "127.0.0.1:0", "--state", file, "--seed", "1")

	// Start every create before SIGTERM, each delayed so that all are still
	// being answered when the signal arrives.
	ids := make([]string, drainCreates)
	answers := make([]string, drainCreates)
	var wg sync.WaitGroup
	for i := range drainCreates {
		ids[i] = fmt.Sprintf("Drain%02d", i+1)
		br := startCreate(t, c.addr, ids[i])
		wg.Go(func() { answers[i] = readAnswer(br) })
	}
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := waitRefused(c.addr, 10*time.Second); err != nil {
		t.Errorf("after SIGTERM: %v", err)
	}
	wg.Wait()
	for i, got := range answers {
		if want := `200 {"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","GroupId":"` + ids[i] + `"}`; got != want {
			t.Errorf("create %s in flight at SIGTERM: got %s, want %s", ids[i], got, want)
		}
	}
	select {
	case <-c.exited:
	case <-time.After(15 * time.Second):
		t.Fatalf("chatmock still running 15s after SIGTERM\nstderr: %s", c.stderr)
	}
	if code := c.cmd.ProcessState.ExitCode(); code != exitOK {
		t.Errorf("exit %d after SIGTERM, want %d\nstderr: %s", code, exitOK, c.stderr)
	}
	if got := savedGroups(t, file); !slices.Equal(got, ids) {
		t.Errorf("state file holds groups %v, want %v", got, ids)
	}

	t.Run("a restart serves the saved groups", func(t *testing.T) {
		base, stop := startServe(t, "--state", file)
		defer stop()
		list, _ := json.Marshal(map[string][]string{"GroupIdList": ids})
		var info struct {
			ErrorCode int
			GroupInfo []struct {
				GroupId   string
				ErrorCode int
			}
		}
		b := post(t, base+"/v4/group_open_http_svc/get_group_info?sdkappid=88888888&identifier=admin&usersig=xxx&random=1&contenttype=json", string(list))
		if err := json.Unmarshal([]byte(b), &info); err != nil || info.ErrorCode != 0 || len(info.GroupInfo) != drainCreates {
			t.Fatalf("get_group_info: %v %s", err, b)
		}
		for i, g := range info.GroupInfo {
			if g.GroupId != ids[i] || g.ErrorCode != 0 {
				t.Errorf("group %d: %+v, want %s found", i, g, ids[i])
			}
		}
	})
}

// startCreate sends a Tencent create of group id, delayed by a second, and
// returns once the server is running its handler: it asks for
// "Expect: 100-continue" and sends the body on "100 Continue", which
// net/http only answers from inside the handler. (Shutdown drops a
// connection whose request it has not read yet without an answer, so a
// request merely sent is not yet in flight.)
func startCreate(t *testing.T, addr, id string) *bufio.Reader {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	body := `{"Owner_Account":"leckie","Type":"Public","Name":"TestGroup","GroupId":"` + id + `"}`
	if _, err := fmt.Fprintf(conn, "POST /v4/group_open_http_svc/create_group?sdkappid=88888888&identifier=admin&usersig=xxx&random=99999999&contenttype=json HTTP/1.1\r\n"+
		"Host: %s\r\nContent-Type: application/json\r\nPrefer: delay=1000\r\nExpect: 100-continue\r\nContent-Length: %d\r\n\r\n", addr, len(body)); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	interim, err := http.ReadResponse(br, nil)
	if err != nil || interim.StatusCode != http.StatusContinue {
		t.Fatalf("create %s: %v %v, want 100 Continue", id, err, interim)
	}
	if _, err := io.WriteString(conn, body); err != nil {
		t.Fatal(err)
	}
	return br
}

// readAnswer reads the answer to a POST from br as "STATUS BODY", or the
// error that ended the exchange.
func readAnswer(br *bufio.Reader) string {
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodPost})
	if err != nil {
		return "error: " + err.Error()
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "error: " + err.Error()
	}
	return fmt.Sprintf("%d %s", resp.StatusCode, b)
}

// waitRefused dials addr until the connection is refused. A connection
// that gets through is closed at once, so it does not hold up a shutdown.
func waitRefused(addr string, limit time.Duration) error {
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			conn.Close()
			continue
		}
		if errors.Is(err, syscall.ECONNREFUSED) {
			return nil
		}
		if errors.Is(err, syscall.ECONNRESET) {
			continue // queued as the listener closed: the next dial tells
		}
		return fmt.Errorf("dial: %w, want connection refused", err)
	}
	return fmt.Errorf("new connections still accepted after %s", limit)
}

// savedGroups returns the keys of the Tencent groups in a state file,
// sorted, and fails if it holds anything else.
func savedGroups(t *testing.T, file string) []string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("state file: %v", err)
	}
	var state struct {
		Version int
		APIs    map[string]map[string][]struct{ Key string }
	}
	if err := json.Unmarshal(b, &state); err != nil || state.Version != 1 || len(state.APIs) != 1 || len(state.APIs["tencent"]) != 1 {
		t.Fatalf("state file (%v):\n%s", err, b)
	}
	var keys []string
	for _, r := range state.APIs["tencent"]["groups"] {
		keys = append(keys, r.Key)
	}
	slices.Sort(keys)
	return keys
}
