// Package store holds the mock's embedded, in-memory state: the resources each
// API created (groups, users, messages, ...), keyed by (api, kind, key).
//
// A Store is safe for concurrent use. It is bounded per API, across all of
// the API's kinds, in records and in bytes (Limits): New(Limits{...}) refuses
// a Create that would pass either bound, and a delete or a reset frees what
// the record took. It can be saved to and loaded from a JSON file (Save,
// Load), and a Persister saves it in the background after changes.
//
// Records handed out by the Store are copies of the Record struct, but their
// Data field is shared with the Store: callers must treat Data as read-only,
// both after passing it to Create and after reading it back.
//
// It may import: internal/inputfile, internal/record.
package store
