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
)

// fileVersion is the only state-file version this package reads and writes.
const fileVersion = 1

// stateFile is the JSON shape of a state file.
type stateFile struct {
	Version int      `json:"version"`
	APIs    Snapshot `json:"apis"`
}

// Load reads the state file at path into a new Store bounded by maxPerAPI.
//
// A missing file gives an empty Store. A file that is not a version-1 state
// file gives *CorruptError, and a file holding more than maxPerAPI records
// for one API gives *OverLimitError; Load never writes to path either way.
// Each record's Data keeps its JSON text, compacted.
func Load(path string, maxPerAPI int) (*Store, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return New(maxPerAPI), nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: read state file: %w", err)
	}
	apis, err := decodeState(raw)
	if err != nil {
		return nil, &CorruptError{Path: path, Err: err}
	}
	s := New(maxPerAPI)
	for _, api := range sortedKeys(apis) {
		if err := s.loadAPI(path, api, apis[api]); err != nil {
			return nil, err
		}
	}
	return s, nil
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
	if s.max > 0 && n > s.max {
		return &OverLimitError{Path: path, API: api, Count: n, Limit: s.max}
	}
	for _, kind := range sortedKeys(kinds) {
		for _, r := range kinds[kind] {
			if _, ok := s.get(api, kind, r.Key); ok {
				return &CorruptError{Path: path, Err: fmt.Errorf("%s %s %q appears twice", api, kind, r.Key)}
			}
			if string(r.Data) == "null" {
				r.Data = nil // as a record without data saves
			}
			if len(r.Data) > 0 {
				var buf bytes.Buffer
				if err := json.Compact(&buf, r.Data); err != nil {
					return &CorruptError{Path: path, Err: fmt.Errorf("%s %s %q: %v", api, kind, r.Key, err)}
				}
				r.Data = buf.Bytes()
			}
			s.insert(api, kind, r)
		}
	}
	return nil
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
