package store

// Tx gives the Store's operations while the Store's write lock is held, so
// a rule can be checked and acted on atomically. A Tx is valid from Begin
// (or the start of an Update function) until its End (or the function's
// return).
type Tx struct {
	s       *Store
	changed bool
	done    bool
}

// Begin takes the Store's write lock and returns the transaction that holds
// it; End lets it go. Between them, use only tx, never the Store itself
// (that would deadlock). Callers defer tx.End().
//
// A Tx is not a rollback transaction: what was changed before End is kept.
func (s *Store) Begin() *Tx {
	s.mu.Lock()
	return &Tx{s: s}
}

// End ends the transaction, lets the write lock go and, if anything
// changed, notifies the persister. Ending it twice is a no-op.
func (tx *Tx) End() {
	if tx.done {
		return
	}
	tx.done = true
	if tx.changed {
		tx.s.notify()
	}
	tx.s.mu.Unlock()
}

// Update runs fn within one transaction (Begin, then End even if fn
// panics) and returns fn's error.
func (s *Store) Update(fn func(tx *Tx) error) error {
	tx := s.Begin()
	defer tx.End()
	return fn(tx)
}

// View is one API's part of a transaction, as its business rules read it:
// records by kind and key, and counts.
type View struct {
	tx  *Tx
	api string
}

// API is the view of api's records within the transaction.
func (tx *Tx) API(api string) View { return View{tx: tx, api: api} }

// Get is Tx.Get for the view's API.
func (v View) Get(kind, key string) (Record, bool) { return v.tx.Get(v.api, kind, key) }

// Count is Tx.Count for the view's API.
func (v View) Count(kind string, where func(Record) bool) int {
	return v.tx.Count(v.api, kind, where)
}

// Create is Store.Create within the transaction.
func (tx *Tx) Create(api, kind string, r Record) error {
	tx.check()
	err := tx.s.create(api, kind, r)
	if err == nil {
		tx.changed = true
	}
	return err
}

// Get is Store.Get within the transaction.
func (tx *Tx) Get(api, kind, key string) (Record, bool) {
	tx.check()
	return tx.s.get(api, kind, key)
}

// Delete is Store.Delete within the transaction.
func (tx *Tx) Delete(api, kind, key string) bool {
	tx.check()
	ok := tx.s.delete(api, kind, key)
	if ok {
		tx.changed = true
	}
	return ok
}

// Replace puts r in place of the record under its key (same kind), keeping
// its place in creation order and its Created time: *NotFoundError when
// there is none, *FullError past the byte bound.
func (tx *Tx) Replace(api, kind string, r Record) error {
	tx.check()
	err := tx.s.replace(api, kind, r)
	if err == nil {
		tx.changed = true
	}
	return err
}

// List is Store.List within the transaction.
func (tx *Tx) List(api, kind string) []Record {
	tx.check()
	return tx.s.list(api, kind)
}

// Count is Store.Count within the transaction.
func (tx *Tx) Count(api, kind string, where func(Record) bool) int {
	tx.check()
	return tx.s.count(api, kind, where)
}

// Made is how many records of kind the API has had created since its last
// reset, those deleted since included: a count that never goes back, for
// ids that count up.
func (tx *Tx) Made(api, kind string) int {
	tx.check()
	return tx.s.made[madeKey{api, kind}]
}

func (tx *Tx) check() {
	if tx.done {
		panic("store: Tx used after its Update returned")
	}
}
