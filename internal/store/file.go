package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/chatmock/chatmock/internal/inputfile"
)

// fileVersion is the only state-file version this package reads and writes.
const fileVersion = 1

// stateFile is the JSON shape of a state file.
type stateFile struct {
	Version int      `json:"version"`
	APIs    Snapshot `json:"apis"`
}

// Load reads the state file at path into a new Store bounded by lim.
//
// A missing file gives an empty Store. The file must be a regular file of at
// most FileLimit(lim) bytes, checked before it is read (*inputfile.Error
// otherwise). A file that is not a version-1 state file gives
// *CorruptError, and a file holding more than lim allows for one API gives
// *OverLimitError; Load never writes to path either way. Each record's Data
// keeps its JSON text, compacted.
func Load(path string, lim Limits) (*Store, error) {
	raw, err := inputfile.Read(path, FileLimit(lim))
	if errors.Is(err, fs.ErrNotExist) {
		return New(lim), nil
	}
	var refused *inputfile.Error
	if errors.As(err, &refused) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("store: read state file %s: %w", path, err)
	}
	apis, err := decodeState(raw)
	if err != nil {
		return nil, &CorruptError{Path: path, Err: err}
	}
	raw = nil // the records hold copies: let the file's text go while they load
	s := New(lim)
	for _, api := range sortedKeys(apis) {
		if err := s.loadAPI(path, api, apis[api]); err != nil {
			return nil, err
		}
		delete(apis, api)
	}
	return s, nil
}

// Sizes of state files.
const (
	// fileSpread is how much larger than the records it holds, as their
	// Size counts them, a state file may be: room for several APIs' full
	// stores (the four bundled ones at most take 4 × Limits.Bytes), and for
	// the indentation Save adds inside each record's data.
	fileSpread = 8
	// maxFile is the largest state file of a Store without a byte bound.
	maxFile = 1 << 30
)

// FileLimit is the largest state file Load reads for a Store bounded by
// lim: fileSpread × lim.Bytes (96 MiB for serve's default of 12 MiB per API).
func FileLimit(lim Limits) int64 {
	if lim.Bytes <= 0 || lim.Bytes > maxFile/fileSpread {
		return maxFile
	}
	return fileSpread * lim.Bytes
}

// decodeState parses and checks the outer shape of a state file.
func decodeState(raw []byte) (Snapshot, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var f stateFile
	if err := dec.Decode(&f); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after the JSON object")
	}
	if f.Version != fileVersion {
		return nil, fmt.Errorf("version %d, want %d", f.Version, fileVersion)
	}
	return f.APIs, nil
}

// loadAPI inserts one API's records from a state file into an empty s.
func (s *Store) loadAPI(path, api string, kinds map[string][]Record) error {
	n := 0
	for _, recs := range kinds {
		n += len(recs)
	}
	if s.lim.Records > 0 && n > s.lim.Records {
		return &OverLimitError{Path: path, API: api, Count: n, Limit: s.lim}
	}
	for _, kind := range sortedKeys(kinds) {
		for _, r := range kinds[kind] {
			if _, ok := s.get(api, kind, r.Key); ok {
				return &CorruptError{Path: path, Err: fmt.Errorf("%s %s %q appears twice", api, kind, r.Key)}
			}
			data, err := compact(r.Data)
			if err != nil {
				return &CorruptError{Path: path, Err: fmt.Errorf("%s %s %q: %v", api, kind, r.Key, err)}
			}
			r.Data = data
			if held := s.apis[api]; s.lim.Bytes > 0 && held != nil && held.bytes+r.Size() > s.lim.Bytes {
				return &OverLimitError{Path: path, API: api, Count: n, Bytes: s.bytesIn(kinds), Limit: s.lim}
			}
			s.insert(api, kind, r)
		}
	}
	return nil
}

// compact is a record's data as the Store keeps it: compact JSON in a
// slice of its own length, nil for a record without data (saved as null).
func compact(data json.RawMessage) (json.RawMessage, error) {
	if len(data) == 0 || string(data) == "null" {
		return nil, nil
	}
	var buf bytes.Buffer
	buf.Grow(len(data))
	if err := json.Compact(&buf, data); err != nil {
		return nil, err
	}
	if buf.Len() == len(data) {
		return data, nil // it was compact: keep the decoder's copy
	}
	return bytes.Clone(buf.Bytes()), nil
}

// bytesIn sums the Size of a state file's records for one API, each as the
// Store would keep it.
func (s *Store) bytesIn(kinds map[string][]Record) int64 {
	var n int64
	for _, recs := range kinds {
		for _, r := range recs {
			if data, err := compact(r.Data); err == nil {
				r.Data = data
			}
			n += r.Size()
		}
	}
	return n
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Save writes the Store to path atomically: it writes a temporary file in
// the same directory, syncs and closes it, then renames it over path. The
// file is JSON, {"version":1,"apis":{...}}, with mode 0644.
func (s *Store) Save(path string) error {
	raw, err := json.MarshalIndent(stateFile{Version: fileVersion, APIs: s.Snapshot()}, "", "  ")
	if err != nil {
		return fmt.Errorf("store: encode state: %w", err)
	}
	raw = append(raw, '\n')
	if err := writeAtomic(path, raw, 0o644); err != nil {
		return fmt.Errorf("store: save %s: %w", path, err)
	}
	return nil
}

// writeAtomic replaces path with data so that readers see either the old
// file or the new one, never a partial write.
func writeAtomic(path string, data []byte, perm fs.FileMode) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = f.Chmod(perm); err != nil {
		return err
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

// syncDir makes a rename in dir durable where the platform allows it; it is
// best effort.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}
