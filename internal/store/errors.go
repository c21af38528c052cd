package store

import (
	"fmt"

	"github.com/chatmock/chatmock/internal/inputfile"
)

// ExistsError reports a Create whose key is already taken within (api, kind).
type ExistsError struct {
	API      string
	Kind     string
	Existing Record // the record that holds the key
}

func (e *ExistsError) Error() string {
	return fmt.Sprintf("store: %s %s %q already exists", e.API, e.Kind, e.Existing.Key)
}

// FullError reports a Create refused because the API, all kinds together,
// already holds Limit.Records records or would hold more than Limit.Bytes
// NotFoundError is a Replace of a key that holds no record.
type NotFoundError struct {
	API, Kind, Key string
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("%s: no %s record has the key %q", e.API, e.Kind, e.Key)
}

// with the new one.
type FullError struct {
	API   string
	Limit Limits
	Size  int64 // the refused record's Size, when the byte bound refused it
	Held  int64 // the bytes the API held then
}

func (e *FullError) Error() string {
	if e.Size > 0 {
		return fmt.Sprintf("store: %s holds %s; a record of %s would pass its bound of %s",
			e.API, inputfile.Size(e.Held), inputfile.Size(e.Size), inputfile.Size(e.Limit.Bytes))
	}
	return fmt.Sprintf("store: %s already holds %d records, the most allowed", e.API, e.Limit.Records)
}

// CorruptError reports a state file that could not be read as a chatmock
// state file. Load never writes to such a file.
type CorruptError struct {
	Path string
	Err  error
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("%s is not a chatmock state file (%v); it was left untouched", e.Path, e.Err)
}

func (e *CorruptError) Unwrap() error { return e.Err }

// OverLimitError reports a state file holding more for one API than the
// Limits the Store was asked to load it with.
type OverLimitError struct {
	Path  string
	API   string
	Count int    // records the file holds for API
	Bytes int64  // their Size, summed; 0 when the record bound refused them
	Limit Limits // the Limits passed to Load
}

func (e *OverLimitError) Error() string {
	if e.Bytes > 0 {
		return fmt.Sprintf("%s holds %s of records for %s, more than the limit of %s; raise --max-store-bytes to at least %s to load it",
			e.Path, inputfile.Size(e.Bytes), e.API, inputfile.Size(e.Limit.Bytes), roundUp(e.Bytes))
	}
	return fmt.Sprintf("%s holds %d records for %s, more than the limit of %d; raise --max-resources to at least %d to load it",
		e.Path, e.Count, e.API, e.Limit.Records, e.Count)
}

// roundUp writes n as a --max-store-bytes value no smaller than n: whole
// MiB, or whole KiB under 1 MiB.
func roundUp(n int64) string {
	if n > 1<<20 {
		return fmt.Sprintf("%dMiB", (n+1<<20-1)>>20)
	}
	return fmt.Sprintf("%dKiB", (n+1<<10-1)>>10)
}
