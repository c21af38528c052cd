package store

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/chatmock/chatmock/internal/inputfile"
)

// record of exactly size bytes, as Size counts them.
func sized(key string, size int) Record {
	pad := size - recordOverhead - len(key) - len(`""`)
	return Record{Key: key, Data: json.RawMessage(`"` + strings.Repeat("x", pad) + `"`)}
}

// The byte bound counts each record's Size; a create that would pass it is
// refused, and deletes and resets give the bytes back.
func TestByteBound(t *testing.T) {
	s := New(Limits{Bytes: 10_000})
	if r := sized("a", 4000); r.Size() != 4000 {
		t.Fatalf("sized gives %d bytes", r.Size())
	}
	create := func(api, key string, size int) error { return s.Create(api, "room", sized(key, size)) }
	for _, key := range []string{"a", "b"} {
		if err := create("im", key, 4000); err != nil {
			t.Fatal(err)
		}
	}
	err := create("im", "c", 2001)
	var full *FullError
	if !errors.As(err, &full) || full.API != "im" || full.Size != 2001 || full.Held != 8000 || full.Limit.Bytes != 10_000 {
		t.Fatalf("a record past the bound: %v, %+v", err, full)
	}
	if want := "store: im holds 7.8 KiB; a record of 2.0 KiB would pass its bound of 9.8 KiB"; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
	if err := create("im", "c", 2000); err != nil {
		t.Fatalf("a record that fills the bound exactly: %v", err)
	}
	if err := create("chat", "a", 10_000); err != nil {
		t.Fatalf("another API has a bound of its own: %v", err)
	}
	if err := create("chat2", "a", 10_001); !errors.As(err, &full) {
		t.Errorf("a record larger than the bound in an empty API: %v", err)
	}
	if !s.Delete("im", "room", "a") {
		t.Fatal("delete")
	}
	if err := create("im", "d", 4000); err != nil {
		t.Fatalf("after a delete: %v", err)
	}
	if err := create("im", "e", 300); !errors.As(err, &full) {
		t.Fatalf("full again: %v", err)
	}
	s.Reset("im")
	if err := create("im", "f", 10_000); err != nil {
		t.Fatalf("after a reset: %v", err)
	}
	s.Reset("")
	if err := create("chat", "b", 10_000); err != nil {
		t.Fatalf("after a reset of all: %v", err)
	}
}

// A Tx's creates and deletes keep the same count of bytes.
func TestByteBoundInATx(t *testing.T) {
	s := New(Limits{Bytes: 5000})
	err := s.Update(func(tx *Tx) error {
		if err := tx.Create("im", "room", sized("a", 5000)); err != nil {
			return err
		}
		tx.Delete("im", "room", "a")
		return tx.Create("im", "room", sized("b", 5000))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Create("im", "room", sized("c", recordOverhead+4)); err == nil {
		t.Error("a full store took another record")
	}
}

func TestLoadOverByteLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s := New(Limits{})
	for _, k := range []string{"a", "b", "c"} {
		if err := s.Create("im", "user", sized(k, 3000)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Save(path); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path, Limits{Bytes: 9000}); err != nil {
		t.Fatalf("a file that fills the bound exactly: %v", err)
	}
	_, err := Load(path, Limits{Bytes: 8999})
	var over *OverLimitError
	if !errors.As(err, &over) || over.API != "im" || over.Count != 3 || over.Bytes != 9000 {
		t.Fatalf("Load = %v, want *OverLimitError of 9000 bytes", err)
	}
	want := path + " holds 8.8 KiB of records for im, more than the limit of 8.8 KiB; raise --max-store-bytes to at least 9KiB to load it"
	if err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
}

// The state file is checked before it is read: a named pipe is refused
// at once (reading it would block start-up), and so is a file larger than
// FileLimit, however few records it holds.
func TestLoadRefusesWhatIsNotARegularFileWithinTheLimit(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.json")
	padded := `{"version":1,"apis":{}}` + strings.Repeat(" ", 8<<10)
	if err := os.WriteFile(big, []byte(padded), 0o600); err != nil {
		t.Fatal(err)
	}
	lim := Limits{Bytes: 1 << 10}
	if FileLimit(lim) != 8<<10 || FileLimit(Limits{}) != 1<<30 {
		t.Fatalf("FileLimit = %d, %d", FileLimit(lim), FileLimit(Limits{}))
	}
	for path, want := range map[string]string{
		fifo:        fifo + " is a named pipe, not a regular file",
		big:         big + " is 8.0 KiB, over the limit of 8 KiB",
		"/dev/zero": "/dev/zero is a character device, not a regular file",
	} {
		_, err := Load(path, lim)
		var refused *inputfile.Error
		if !errors.As(err, &refused) || err.Error() != want {
			t.Errorf("Load(%s) = %v, want %q", path, err, want)
		}
	}
	if _, err := Load(big, Limits{Bytes: 2 << 10}); err != nil {
		t.Errorf("the same file under a limit it fits: %v", err)
	}
}
