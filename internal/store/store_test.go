package store

import (
	"errors"
	"fmt"
	"sync"
	"testing"
)

func TestCreateSameKeyConcurrently(t *testing.T) {
	s := New(Limits{})
	const n = 200
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = s.Create("im", "group", Record{Key: "g1", Creator: fmt.Sprint(i)})
		})
	}
	close(start)
	wg.Wait()

	winner, ok := s.Get("im", "group", "g1")
	if !ok {
		t.Fatal("g1 missing after the race")
	}
	wins := 0
	for i, err := range errs {
		var exists *ExistsError
		switch {
		case err == nil:
			wins++
			if winner.Creator != fmt.Sprint(i) {
				t.Errorf("winner %d but stored creator %q", i, winner.Creator)
			}
		case errors.As(err, &exists):
			if exists.Existing.Creator != winner.Creator || !exists.Existing.Created.Equal(winner.Created) {
				t.Errorf("goroutine %d: Existing = %+v, want %+v", i, exists.Existing, winner)
			}
		default:
			t.Errorf("goroutine %d: unexpected error %v", i, err)
		}
	}
	if wins != 1 {
		t.Errorf("%d creates succeeded, want 1", wins)
	}
}

func TestBound(t *testing.T) {
	s := New(Limits{Records: 3})
	steps := []struct {
		name    string
		api     string
		kind    string
		key     string
		delete  bool
		wantErr any // nil, *FullError or *ExistsError
	}{
		{name: "first", api: "im", kind: "group", key: "a"},
		{name: "second kind", api: "im", kind: "user", key: "b"},
		{name: "third", api: "im", kind: "group", key: "c"},
		{name: "fourth is full", api: "im", kind: "message", key: "d", wantErr: &FullError{}},
		{name: "taken key reports exists", api: "im", kind: "group", key: "a", wantErr: &ExistsError{}},
		{name: "other api unaffected", api: "chat", kind: "group", key: "a"},
		{name: "delete frees a place", api: "im", kind: "user", key: "b", delete: true},
		{name: "fourth after delete", api: "im", kind: "message", key: "d"},
		{name: "full again", api: "im", kind: "message", key: "e", wantErr: &FullError{}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.delete {
				if !s.Delete(st.api, st.kind, st.key) {
					t.Fatal("Delete reported nothing deleted")
				}
				return
			}
			err := s.Create(st.api, st.kind, Record{Key: st.key})
			switch want := st.wantErr.(type) {
			case nil:
				if err != nil {
					t.Fatalf("Create: %v", err)
				}
			case *FullError:
				if !errors.As(err, &want) || want.API != st.api || want.Limit.Records != 3 {
					t.Fatalf("Create = %v, want *FullError{%s, 3}", err, st.api)
				}
			case *ExistsError:
				if !errors.As(err, &want) || want.Existing.Key != st.key {
					t.Fatalf("Create = %v, want *ExistsError for %s", err, st.key)
				}
			}
		})
	}
}

func TestListCountGetDelete(t *testing.T) {
	s := New(Limits{})
	for _, k := range []string{"z", "a", "m", "b"} {
		if err := s.Create("im", "user", Record{Key: k, Owner: "admin"}); err != nil {
			t.Fatal(err)
		}
	}
	s.Delete("im", "user", "m")
	if err := s.Create("im", "user", Record{Key: "m", Owner: "other"}); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range s.List("im", "user") {
		keys = append(keys, r.Key)
		if r.Created.IsZero() {
			t.Errorf("%s: Created not set", r.Key)
		}
	}
	if got, want := fmt.Sprint(keys), "[z a b m]"; got != want {
		t.Errorf("List order %s, want %s", got, want)
	}
	tests := []struct {
		name  string
		where func(Record) bool
		want  int
	}{
		{"all", nil, 4},
		{"owner admin", func(r Record) bool { return r.Owner == "admin" }, 3},
		{"none", func(Record) bool { return false }, 0},
	}
	for _, tt := range tests {
		if got := s.Count("im", "user", tt.where); got != tt.want {
			t.Errorf("Count %s = %d, want %d", tt.name, got, tt.want)
		}
	}
	if s.Delete("im", "user", "nope") || s.Delete("nope", "user", "a") {
		t.Error("Delete of a missing record reported true")
	}
	if got := s.List("nope", "user"); got == nil || len(got) != 0 {
		t.Errorf("List of unknown api = %#v, want empty non-nil", got)
	}
}

func TestRecordsDoNotAlias(t *testing.T) {
	s := New(Limits{})
	if err := s.Create("im", "user", Record{Key: "u", Owner: "a"}); err != nil {
		t.Fatal(err)
	}
	r, _ := s.Get("im", "user", "u")
	r.Owner = "changed"
	list := s.List("im", "user")
	list[0].Owner = "changed"
	s.Snapshot()["im"]["user"][0].Owner = "changed"
	if got, _ := s.Get("im", "user", "u"); got.Owner != "a" {
		t.Errorf("stored Owner = %q after mutating copies", got.Owner)
	}
}

func TestReset(t *testing.T) {
	fill := func() *Store {
		s := New(Limits{})
		for _, api := range []string{"im", "chat"} {
			for _, kind := range []string{"group", "user"} {
				if err := s.Create(api, kind, Record{Key: "k"}); err != nil {
					t.Fatal(err)
				}
			}
		}
		return s
	}
	tests := []struct {
		api      string
		wantIM   int
		wantChat int
		wantAPIs int
	}{
		{api: "im", wantIM: 0, wantChat: 1, wantAPIs: 1},
		{api: "", wantIM: 0, wantChat: 0, wantAPIs: 0},
		{api: "unknown", wantIM: 1, wantChat: 1, wantAPIs: 2},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.api), func(t *testing.T) {
			s := fill()
			s.Reset(tt.api)
			if got := s.Count("im", "group", nil); got != tt.wantIM {
				t.Errorf("im groups = %d, want %d", got, tt.wantIM)
			}
			if got := s.Count("chat", "user", nil); got != tt.wantChat {
				t.Errorf("chat users = %d, want %d", got, tt.wantChat)
			}
			if got := len(s.Snapshot()); got != tt.wantAPIs {
				t.Errorf("snapshot has %d apis, want %d", got, tt.wantAPIs)
			}
			if tt.api == "im" {
				if err := s.Create("im", "group", Record{Key: "k"}); err != nil {
					t.Errorf("create after reset: %v", err)
				}
			}
		})
	}
}

func TestChangesCoalesce(t *testing.T) {
	s := New(Limits{})
	select {
	case <-s.Changes():
		t.Fatal("change signalled before any mutation")
	default:
	}
	for i := range 5 {
		if err := s.Create("im", "user", Record{Key: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	<-s.Changes()
	select {
	case <-s.Changes():
		t.Fatal("mutations were not coalesced")
	default:
	}
	s.Delete("im", "user", "missing")
	s.Reset("missing")
	select {
	case <-s.Changes():
		t.Fatal("a no-op signalled a change")
	default:
	}
	s.Reset("")
	select {
	case <-s.Changes():
	default:
		t.Fatal("Reset did not signal")
	}
}
