package store

import (
	"encoding/json"
	"time"
)

// Record is one stored resource.
//
// Data is the resource as encoded JSON: compact to keep (a bounded store of
// encoded records stays small, and the garbage collector need not walk
// them) and read with gjson paths. The Store does not copy it: once a
// Record is created, nobody may mutate its Data.
type Record struct {
	Key     string          `json:"key"`               // unique within (api, kind)
	Owner   string          `json:"owner,omitempty"`   // e.g. Tencent Owner_Account
	Creator string          `json:"creator,omitempty"` // e.g. the Tencent identifier that created it
	Created time.Time       `json:"created"`
	Data    json.RawMessage `json:"data"`
}

// Snapshot is a copy of a Store's records: api → kind → records in creation
// order. Empty kinds and APIs are left out. Record.Data is shared with the
// Store and must not be mutated.
type Snapshot map[string]map[string][]Record

// recordOverhead is what the Store spends on a record beyond its bytes:
// the Record and its entry, the key's place in the map, the string and
// slice headers.
const recordOverhead = 256

// Size is what r costs a Store, as its Limits count it: its key, owner,
// creator and data bytes, plus a fixed overhead.
func (r Record) Size() int64 {
	return int64(recordOverhead + len(r.Key) + len(r.Owner) + len(r.Creator) + len(r.Data))
}
