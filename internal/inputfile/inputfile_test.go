package inputfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
)

func TestReadRefusesWhatIsNotARegularFileWithinTheLimit(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.yaml")
	if err := os.WriteFile(small, []byte("openapi: 3.1.0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, make([]byte, 2048), 0o600); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "zero.yaml")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Fatal(err)
	}
	okLink := filepath.Join(dir, "ok.yaml")
	if err := os.Symlink(small, okLink); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path, want string
	}{
		{small, ""},
		{okLink, ""},
		{big, big + " is 2 KiB, over the limit of 1 KiB"},
		{fifo, fifo + " is a named pipe, not a regular file"},
		{link, link + " is a character device, not a regular file"},
		{"/dev/zero", "/dev/zero is a character device, not a regular file"},
		{dir, dir + " is a folder, not a regular file"},
	} {
		b, err := Read(tc.path, 1024)
		if tc.want == "" {
			if err != nil || string(b) != "openapi: 3.1.0\n" {
				t.Errorf("Read(%s) = %q, %v", tc.path, b, err)
			}
			continue
		}
		var fe *Error
		if !errors.As(err, &fe) || err.Error() != tc.want {
			t.Errorf("Read(%s): err = %v, want %q", tc.path, err, tc.want)
		}
	}
}

func TestReadFileMissing(t *testing.T) {
	_, err := ReadFile(fstest.MapFS{}, "nope.yaml", "nope.yaml", 10)
	if !errors.Is(err, fs.ErrNotExist) || strings.Contains(err.Error(), "nope") {
		t.Fatalf("err = %v, want fs.ErrNotExist without the inner path", err)
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[int64]string{12: "12 bytes", 1536: "1.5 KiB", 32 << 20: "32 MiB", 150<<20 + 1<<19: "150.5 MiB"} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}
