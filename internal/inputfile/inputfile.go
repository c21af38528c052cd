// Package inputfile reads the files chatmock is given (documents, rules,
// scenarios, state) safely: each must be a regular file (a symlink to one is
// fine) no larger than a limit, checked before anything is read, so a device,
// a named pipe or a huge file is refused at once instead of blocking start-up
// or filling memory.
//
// It may import: nothing of the module.
package inputfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Limits of the files chatmock reads.
const (
	// MaxDocument is the largest OpenAPI document (one file of it): the
	// largest public API documents are about 10 MiB.
	MaxDocument = 32 << 20
	// MaxConfig is the largest rule or scenario file.
	MaxConfig = 4 << 20
)

// Error is a file refused before it was read.
type Error struct {
	Name    string // the file as the user named it
	Problem string // what is wrong with it, e.g. "is a named pipe, not a regular file"
}

func (e *Error) Error() string { return e.Name + " " + e.Problem }

// ReadFile reads name from fsys if it is a regular file of at most limit
// bytes. shown is the name used in errors (the user's path). A missing file
// gives an error satisfying errors.Is(err, fs.ErrNotExist).
func ReadFile(fsys fs.FS, name, shown string, limit int64) ([]byte, error) {
	info, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, unwrapPath(err)
	}
	if err := check(info, shown, limit); err != nil {
		return nil, err
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, unwrapPath(err)
	}
	defer f.Close()
	// The file may have changed between Stat and Open: check what was opened.
	if info, err = f.Stat(); err != nil {
		return nil, unwrapPath(err)
	}
	if err := check(info, shown, limit); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, unwrapPath(err)
	}
	if int64(len(b)) > limit {
		return nil, &Error{Name: shown, Problem: "grew past the limit of " + Size(limit) + " while it was read"}
	}
	return b, nil
}

// Check tells whether the file at an operating-system path would be read:
// a regular file (or a symlink to one) of at most limit bytes. It opens
// nothing, so a named pipe is refused without blocking.
func Check(path string, limit int64) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	return check(info, path, limit)
}

// Read reads the file at an operating-system path, as ReadFile does.
func Read(path string, limit int64) ([]byte, error) {
	return ReadFile(osFS{}, path, path, limit)
}

// check refuses anything but a regular file within limit.
func check(info fs.FileInfo, shown string, limit int64) error {
	mode := info.Mode()
	if !mode.IsRegular() {
		return &Error{Name: shown, Problem: "is " + kind(mode) + ", not a regular file"}
	}
	if info.Size() > limit {
		return &Error{Name: shown, Problem: fmt.Sprintf("is %s, over the limit of %s", Size(info.Size()), Size(limit))}
	}
	return nil
}

func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

// Size shows a byte count the way limits are written: 32 MiB, 1.5 KiB, 12 bytes.
func Size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// unwrapPath drops the *fs.PathError around err: its path is the one inside
// the FS, which means nothing to the user; callers name the file themselves.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// osFS opens operating-system paths as they are (absolute or relative),
// which os.DirFS cannot.
type osFS struct{}

func (osFS) Open(name string) (fs.File, error) { return os.Open(name) }

func (osFS) Stat(name string) (fs.FileInfo, error) { return os.Stat(name) }
