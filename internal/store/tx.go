package store

// Tx gives an Update function the Store's operations while the Store's write
// lock is held, so a rule can be checked and acted on atomically. A Tx is
// valid only until its Update function returns.
type Tx struct {
	s       *Store
	changed bool
	done    bool
}

// Update runs fn holding the Store's write lock. fn must use tx, never the
// Store itself (that would deadlock).
//
// Update is not a rollback transaction: changes fn made before returning an
// error (or panicking) are kept. Update returns fn's error.
func (s *Store) Update(fn func(tx *Tx) error) error {
	s.mu.Lock()
	tx := &Tx{s: s}
	defer func() {
		tx.done = true
		if tx.changed {
			s.notify()
		}
		s.mu.Unlock()
	}()
	return fn(tx)
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

func (tx *Tx) check() {
	if tx.done {
		panic("store: Tx used after its Update returned")
	}
}
