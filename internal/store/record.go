package store

import (
	"github.com/chatmock/chatmock/internal/record"
)

// Record is one stored resource (package record, so that what reads
// records need not link the store).
type Record = record.Record

// Snapshot is a copy of a Store's records: api → kind → records in creation
// order. Empty kinds and APIs are left out. Record.Data is shared with the
// Store and must not be mutated.
type Snapshot map[string]map[string][]Record

// recordOverhead is what the Store spends on a record beyond its bytes.
const recordOverhead = record.Overhead
