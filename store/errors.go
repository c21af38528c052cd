package store

import "fmt"

// ExistsError reports a Create whose key is already taken within (api, kind).
type ExistsError struct {
	API      string
	Kind     string
	Existing Record // the record that holds the key
}

func (e *ExistsError) Error() string {
	return fmt.Sprintf("store: %s %s %q already exists", e.API, e.Kind, e.Existing.Key)
}

// FullError reports a Create refused because the API already holds Limit
// records (all kinds together).
type FullError struct {
	API   string
	Limit int
}

func (e *FullError) Error() string {
	return fmt.Sprintf("store: %s already holds %d records, the most allowed", e.API, e.Limit)
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

// OverLimitError reports a state file holding more records for one API than
// the limit the Store was asked to load it with.
type OverLimitError struct {
	Path  string
	API   string
	Count int // records the file holds for API
	Limit int // the maxPerAPI passed to Load
}

func (e *OverLimitError) Error() string {
	return fmt.Sprintf("%s holds %d records for %s, more than the limit of %d; raise --max-resources to at least %d to load it",
		e.Path, e.Count, e.API, e.Limit, e.Count)
}
