// Package record is the value the store keeps and the templates read: one
// stored resource. It is a leaf, so that what reads records (the live
// answers the loader compiles) does not link the store that keeps them.
//
// It may import: nothing of the module.
package record

import (
	"encoding/json"
	"time"
)

// Record is one stored resource.
//
// Data is the resource as encoded JSON: compact to keep (a bounded store of
// encoded records stays small, and the garbage collector need not walk
// them) and read with gjson paths. The store does not copy it: once a
// Record is created, nobody may mutate its Data.
type Record struct {
	Key     string          `json:"key"`               // unique within (api, kind)
	Owner   string          `json:"owner,omitempty"`   // e.g. Tencent Owner_Account
	Creator string          `json:"creator,omitempty"` // e.g. the Tencent identifier that created it
	Created time.Time       `json:"created"`
	Data    json.RawMessage `json:"data"`
}

// Overhead is what a store spends on a record beyond its bytes: the
// Record and its entry, the key's place in the map, the string and slice
// headers.
const Overhead = 256

// Size is what r costs a store, as its limits count it: its key, owner,
// creator and data bytes, plus Overhead.
func (r Record) Size() int64 {
	return int64(Overhead + len(r.Key) + len(r.Owner) + len(r.Creator) + len(r.Data))
}
