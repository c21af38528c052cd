package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// Every file a command reads must be a regular file (a symlink to one is
// fine) within its size limit, checked before it is opened: a device, a
// named pipe or a huge file is refused in one line, exit 2. On the code
// before the check, /dev/zero was read until memory ran out and a named
// pipe blocked start-up for ever; the deadline below turns that into a
// failure instead of a hung test.
func TestCommandsRefuseFilesThatAreNotToBeRead(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dir, "zero.yaml")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, 40<<20); err != nil { // sparse: costs no disk
		t.Fatal(err)
	}
	bigRules := filepath.Join(dir, "big-rules.yaml")
	if err := os.WriteFile(bigRules, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(bigRules, 5<<20); err != nil {
		t.Fatal(err)
	}
	folder := filepath.Join(dir, "specs")
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../../openapi/tencent-im.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(folder, "a.yaml"), doc, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(fifo, filepath.Join(folder, "b.yaml")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--addr", "127.0.0.1:0", "--spec", "/dev/zero"}, "chatmock serve: --spec /dev/zero is a character device, not a regular file\n"},
		{[]string{"serve", "--addr", "127.0.0.1:0", "--spec", zero}, "chatmock serve: --spec " + zero + " is a character device, not a regular file\n"},
		{[]string{"serve", "--addr", "127.0.0.1:0", "--rules", zero}, "chatmock serve: --rules " + zero + " is a character device, not a regular file\n"},
		{[]string{"serve", "--addr", "127.0.0.1:0", "--scenarios", fifo}, "chatmock serve: --scenarios " + fifo + " is a named pipe, not a regular file\n"},
		{[]string{"serve", "--addr", "127.0.0.1:0", "--spec", big}, "chatmock serve: --spec " + big + " is 40 MiB, over the limit of 32 MiB\n"},
		{[]string{"serve", "--addr", "127.0.0.1:0", "--rules", bigRules}, "chatmock serve: --rules " + bigRules + " is 5 MiB, over the limit of 4 MiB\n"},
		{[]string{"serve", "--addr", "127.0.0.1:0", "--spec", folder}, "chatmock serve: --spec " + filepath.Join(folder, "b.yaml") + " is a named pipe, not a regular file\n"},
		{[]string{"lint", fifo}, "chatmock lint: " + fifo + " is a named pipe, not a regular file\n"},
		{[]string{"routes", "--spec", fifo}, "chatmock routes: --spec " + fifo + " is a named pipe, not a regular file\n"},
		{[]string{"test", "--target", "http://127.0.0.1:1", "--spec", zero}, "chatmock test: --spec " + zero + " is a character device, not a regular file\n"},
	} {
		type result struct {
			code   int
			stderr string
		}
		done := make(chan result, 1)
		go func() {
			code, _, stderr := runCLI(tc.args...)
			done <- result{code, stderr}
		}()
		select {
		case r := <-done:
			if r.code != exitUsage || r.stderr != tc.want {
				t.Errorf("%v: exit %d, stderr %q; want exit 2, %q", tc.args, r.code, r.stderr, tc.want)
			}
		case <-time.After(20 * time.Second): // a liveness bound: reading a pipe never returns
			t.Fatalf("%v: still running after 20 s (reading a file it should have refused?)", tc.args)
		}
	}
}

// A symlink to a regular document is read like the document.
func TestSymlinkToADocumentIsRead(t *testing.T) {
	abs, err := filepath.Abs("../../openapi/tencent-im.yaml")
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "tencent.yaml")
	if err := os.Symlink(abs, link); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := runCLI("routes", "--spec", link); code != exitOK || stdout == "" {
		t.Fatalf("routes --spec symlink: exit %d, %q %q", code, stdout, stderr)
	}
}
