package store

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

// A transaction holds the lock from Begin to End, its View reads one
// API's records, End notifies a change once and may be called again.
func TestBeginEndAndView(t *testing.T) {
	s := New(Limits{Records: 10, Bytes: 1 << 20})
	tx := s.Begin()
	if err := tx.Create("im", "group", Record{Key: "g1", Data: json.RawMessage(`{}`)}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Create("other", "group", Record{Key: "g2", Data: json.RawMessage(`{}`)}); err != nil {
		t.Fatal(err)
	}
	v := tx.API("im")
	if _, ok := v.Get("group", "g1"); !ok {
		t.Error("the view does not see its API's record")
	}
	if _, ok := v.Get("group", "g2"); ok {
		t.Error("the view sees another API's record")
	}
	if n := v.Count("group", func(Record) bool { return true }); n != 1 {
		t.Errorf("count %d", n)
	}
	tx.End()
	tx.End()
	select {
	case <-s.Changes():
	default:
		t.Error("End did not notify the change")
	}
	if _, ok := s.Get("im", "group", "g1"); !ok { // the lock was let go
		t.Error("the record is not in the store")
	}
	func() {
		defer func() { _ = recover() }()
		tx := s.Begin()
		defer tx.End()
		panic("a rule failed")
	}()
	if s.Count("im", "group", func(Record) bool { return true }) != 1 { // would deadlock if the lock were held
		t.Error("count after a panic")
	}
}

func TestReplaceKeepsPlaceAndCreated(t *testing.T) {
	s := New(Limits{Records: 10, Bytes: 1 << 10})
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, k := range []string{"a", "b"} {
		if err := s.Create("api", "rooms", Record{Key: k, Created: created, Data: []byte(`{"n":1}`)}); err != nil {
			t.Fatal(err)
		}
	}
	err := s.Update(func(tx *Tx) error {
		return tx.Replace("api", "rooms", Record{Key: "a", Data: []byte(`{"n":2}`)})
	})
	if err != nil {
		t.Fatal(err)
	}
	list := s.List("api", "rooms")
	if len(list) != 2 || list[0].Key != "a" || string(list[0].Data) != `{"n":2}` || !list[0].Created.Equal(created) {
		t.Fatalf("after Replace: %+v", list)
	}
	var nf *NotFoundError
	err = s.Update(func(tx *Tx) error { return tx.Replace("api", "rooms", Record{Key: "zz"}) })
	if !errors.As(err, &nf) || nf.Key != "zz" {
		t.Fatalf("Replace of a missing key: %v", err)
	}
	var full *FullError
	err = s.Update(func(tx *Tx) error {
		return tx.Replace("api", "rooms", Record{Key: "b", Data: make([]byte, 2<<10)})
	})
	if !errors.As(err, &full) {
		t.Fatalf("Replace past the byte bound: %v", err)
	}
	if got, _ := s.Get("api", "rooms", "b"); string(got.Data) != `{"n":1}` {
		t.Fatalf("a refused Replace changed the record: %s", got.Data)
	}
}

// Made counts the records a kind has had, deletes not subtracted, so ids
// that count up are never given twice; a reset starts it again.
func TestMadeNeverGoesBack(t *testing.T) {
	s := New(Limits{})
	err := s.Update(func(tx *Tx) error {
		for _, k := range []string{"1", "2", "3"} {
			if err := tx.Create("im", "group", Record{Key: k, Data: json.RawMessage(`{}`)}); err != nil {
				return err
			}
		}
		tx.Delete("im", "group", "3")
		tx.Delete("im", "group", "2")
		if got := tx.Made("im", "group"); got != 3 {
			t.Errorf("made after deletes: %d, want 3", got)
		}
		if got := tx.Count("im", "group", nil); got != 1 {
			t.Errorf("held: %d, want 1", got)
		}
		tx.Delete("im", "group", "1") // the API holds nothing now
		if got := tx.Made("im", "group"); got != 3 {
			t.Errorf("made once the API is empty: %d, want 3", got)
		}
		return tx.Create("other", "group", Record{Key: "x", Data: json.RawMessage(`{}`)})
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Reset("im")
	_ = s.Update(func(tx *Tx) error {
		if got, other := tx.Made("im", "group"), tx.Made("other", "group"); got != 0 || other != 1 {
			t.Errorf("after resetting im: im %d, other %d; want 0 and 1", got, other)
		}
		return nil
	})
}
