package store

import (
	"errors"
	"fmt"
	"sync"
	"testing"
)

func TestUpdateIsAtomic(t *testing.T) {
	s := New(Limits{})
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Go(func() {
			err := s.Update(func(tx *Tx) error {
				if tx.Count("im", "group", nil) >= 10 {
					return nil
				}
				return tx.Create("im", "group", Record{Key: fmt.Sprint(i)})
			})
			if err != nil {
				t.Errorf("Update: %v", err)
			}
		})
	}
	wg.Wait()
	if got := s.Count("im", "group", nil); got != 10 {
		t.Errorf("%d groups, want 10", got)
	}
}

func TestUpdateKeepsChangesBeforeError(t *testing.T) {
	s := New(Limits{})
	errRule := errors.New("rule 10021")
	err := s.Update(func(tx *Tx) error {
		if err := tx.Create("im", "group", Record{Key: "g"}); err != nil {
			return err
		}
		if _, ok := tx.Get("im", "group", "g"); !ok {
			t.Error("tx.Get misses its own create")
		}
		if n := len(tx.List("im", "group")); n != 1 {
			t.Errorf("tx.List has %d records", n)
		}
		return errRule
	})
	if !errors.Is(err, errRule) {
		t.Fatalf("Update = %v, want the fn's error", err)
	}
	if _, ok := s.Get("im", "group", "g"); !ok {
		t.Error("create made before the error was not kept")
	}
	select {
	case <-s.Changes():
	default:
		t.Error("Update that created did not signal a change")
	}
}

func TestTxUsedAfterUpdatePanics(t *testing.T) {
	s := New(Limits{})
	var kept *Tx
	_ = s.Update(func(tx *Tx) error { kept = tx; return nil })
	defer func() {
		if recover() == nil {
			t.Error("using a Tx after Update returned did not panic")
		}
	}()
	kept.Count("im", "group", nil)
}
