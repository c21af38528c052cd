package store

import "time"

// Record is one stored resource.
//
// Data is a JSON value (map[string]any, []any, json.Number, string, bool or
// nil). The Store does not copy it: once a Record is created, nobody may
// mutate its Data.
type Record struct {
	Key     string    `json:"key"`               // unique within (api, kind)
	Owner   string    `json:"owner,omitempty"`   // e.g. Tencent Owner_Account
	Creator string    `json:"creator,omitempty"` // e.g. the Tencent identifier that created it
	Created time.Time `json:"created"`
	Data    any       `json:"data"`
}

// Snapshot is a copy of a Store's records: api → kind → records in creation
// order. Empty kinds and APIs are left out. Record.Data is shared with the
// Store and must not be mutated.
type Snapshot map[string]map[string][]Record
