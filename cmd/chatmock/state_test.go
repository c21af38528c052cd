package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A state file serve cannot take is refused in one line, exit 2, before
// anything is read from it: a named pipe (reading it would block start-up
// for ever), a file over the size --max-store-bytes allows, and a file
// whose records pass --max-store-bytes, naming the flag to raise.
func TestServeRefusesAStateFileOverItsLimits(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, []byte(`{"version":1,"apis":{}}`+strings.Repeat(" ", 80<<10)), 0o600); err != nil {
		t.Fatal(err)
	}
	full := filepath.Join(dir, "full.json")
	rec := `{"key":"%d","created":"2026-01-01T00:00:00Z","data":"` + strings.Repeat("x", 3000) + `"}`
	recs := []string{strings.Replace(rec, "%d", "a", 1), strings.Replace(rec, "%d", "b", 1), strings.Replace(rec, "%d", "c", 1)}
	if err := os.WriteFile(full, []byte(`{"version":1,"apis":{"nexudus":{"chatrooms":[`+strings.Join(recs, ",")+`]}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ file, bytes, want string }{
		{fifo, "8KiB", "chatmock serve: --state " + fifo + " is a named pipe, not a regular file\n"},
		{big, "8KiB", "chatmock serve: --state " + big + " is 80.0 KiB, over the limit of 64 KiB\n"},
		{full, "8KiB", "chatmock serve: --state " + full + " holds 9.5 KiB of records for nexudus, more than the limit of 8 KiB; raise --max-store-bytes to at least 10KiB to load it\n"},
	} {
		code, _, stderr := runCLI("serve", "--addr", "127.0.0.1:0", "--max-store-bytes", tc.bytes, "--state", tc.file)
		if code != exitUsage || stderr != tc.want {
			t.Errorf("--state %s: exit %d, stderr %q; want exit 2, %q", filepath.Base(tc.file), code, stderr, tc.want)
		}
	}
	if code, _, stderr := runCLI("serve", "--max-store-bytes", "lots"); code != exitUsage || !strings.Contains(stderr, "--max-store-bytes: want a positive size") {
		t.Errorf("--max-store-bytes lots: exit %d, %q", code, stderr)
	}
	if code, _, stderr := runCLI("serve", "--journal-bytes", "0"); code != exitUsage || !strings.Contains(stderr, "--journal-bytes: want a positive size") {
		t.Errorf("--journal-bytes 0: exit %d, %q", code, stderr)
	}
}
