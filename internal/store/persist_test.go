package store

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

func TestPersister(t *testing.T) {
	before := runtime.NumGoroutine()
	path := filepath.Join(t.TempDir(), "state.json")
	s := New(Limits{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := Persist(ctx, s, path, 10*time.Millisecond, nil)

	if err := s.Create("im", "user", Record{Key: "first"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, time.Second, func() bool { return fileHas(path, "im", "user", "first") })

	// A burst of changes is saved too, within a few periods.
	for _, k := range []string{"b1", "b2", "b3"} {
		if err := s.Create("im", "user", Record{Key: k}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, time.Second, func() bool { return fileHas(path, "im", "user", "b3") })

	if err := s.Create("im", "user", Record{Key: "last"}); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := p.Wait(); err != nil {
		t.Fatalf("final save: %v", err)
	}
	if !fileHas(path, "im", "user", "last") {
		t.Error("final save misses the last change")
	}
	if err := p.Wait(); err != nil {
		t.Errorf("second Wait: %v", err)
	}
	waitFor(t, time.Second, func() bool { return runtime.NumGoroutine() <= before })
}

func TestPersisterFinalSaveError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing-dir", "state.json")
	ctx, cancel := context.WithCancel(context.Background())
	p := Persist(ctx, New(Limits{}), path, time.Hour, nil)
	cancel()
	if err := p.Wait(); err == nil {
		t.Error("Wait returned nil for a save that cannot succeed")
	}
}

func TestPersisterRateLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s := New(Limits{})
	ctx, cancel := context.WithCancel(context.Background())
	p := Persist(ctx, s, path, time.Hour, nil)
	if err := s.Create("im", "user", Record{Key: "a"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, time.Second, func() bool { return fileHas(path, "im", "user", "a") })
	if err := s.Create("im", "user", Record{Key: "b"}); err != nil {
		t.Fatal(err)
	}
	// The second change falls inside the hour: no save until ctx ends.
	timer := time.NewTimer(50 * time.Millisecond)
	<-timer.C
	if fileHas(path, "im", "user", "b") {
		t.Error("saved twice within one period")
	}
	cancel()
	if err := p.Wait(); err != nil {
		t.Fatal(err)
	}
	if !fileHas(path, "im", "user", "b") {
		t.Error("final save misses the pending change")
	}
}

// fileHas reports whether the state file at path loads and holds the record.
func fileHas(path, api, kind, key string) bool {
	if _, err := os.Stat(path); err != nil {
		return false
	}
	s, err := Load(path, Limits{})
	if err != nil {
		return false
	}
	_, ok := s.Get(api, kind, key)
	return ok
}

// waitFor polls cond until it holds or limit passes.
func waitFor(t *testing.T, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
