package store

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestSaveLoadRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s := New(Limits{Records: 10})
	created := time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.UTC)
	data := json.RawMessage(`{"GroupId":"g1","MemberNum":3,"Ratio":0.5,"Tags":["a",true,null]}`)
	recs := []Record{
		{Key: "g1", Owner: "admin", Creator: "alice", Created: created, Data: data},
		{Key: "g0", Created: created.Add(time.Second), Data: json.RawMessage(`"plain"`)},
	}
	for _, r := range recs {
		if err := s.Create("im", "group", r); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Create("chat", "message", Record{Key: "m", Created: created, Data: nil}); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(path); err != nil {
		t.Fatal(err)
	}

	loaded, err := Load(path, Limits{Records: 10})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := loaded.Snapshot(), s.Snapshot(); !reflect.DeepEqual(got, want) {
		t.Errorf("round trip:\n got %#v\nwant %#v", got, want)
	}
	g1, _ := loaded.Get("im", "group", "g1")
	if string(g1.Data) != string(data) {
		t.Errorf("data = %s, want %s", g1.Data, data)
	}
	if err := loaded.Create("im", "group", Record{Key: "g1"}); err == nil {
		t.Error("loaded store accepted a duplicate key")
	}
	if got := loaded.List("im", "group"); got[0].Key != "g1" || got[1].Key != "g0" {
		t.Errorf("creation order lost: %v, %v", got[0].Key, got[1].Key)
	}

	raw, _ := os.ReadFile(path)
	var top struct {
		Version int             `json:"version"`
		APIs    json.RawMessage `json:"apis"`
	}
	if err := json.Unmarshal(raw, &top); err != nil || top.Version != 1 || len(top.APIs) == 0 {
		t.Errorf("file shape: version %d, apis %q, err %v", top.Version, top.APIs, err)
	}
}

func decodeNumbers(s string, v any) error {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	return dec.Decode(v)
}

func TestSaveIsAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	if err := os.WriteFile(path, []byte("old contents"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := New(Limits{})
	if err := s.Create("im", "user", Record{Key: "u"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(path); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "state.json" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("dir holds %v, want only state.json", names)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", info.Mode().Perm())
	}
	loaded, err := Load(path, Limits{})
	if err != nil {
		t.Fatalf("pre-existing file not replaced: %v", err)
	}
	if _, ok := loaded.Get("im", "user", "u"); !ok {
		t.Error("saved record missing")
	}
}

func TestSaveFailsInMissingDir(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no", "such", "state.json")
	if err := New(Limits{}).Save(path); err == nil {
		t.Error("Save into a missing directory succeeded")
	}
}

func TestLoadBadFiles(t *testing.T) {
	tests := []struct {
		name     string
		contents string
	}{
		{"not json", "hello"},
		{"empty", ""},
		{"truncated", `{"version":1,"apis":{"im":{"group":[{"key":"g"`},
		{"wrong version", `{"version":2,"apis":{}}`},
		{"no version", `{"apis":{}}`},
		{"wrong shape", `{"version":1,"apis":[1,2]}`},
		{"trailing data", `{"version":1,"apis":{}} {}`},
		{"duplicate key", `{"version":1,"apis":{"im":{"group":[{"key":"g","created":"2024-01-01T00:00:00Z","data":null},{"key":"g","created":"2024-01-01T00:00:00Z","data":null}]}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			if err := os.WriteFile(path, []byte(tt.contents), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path, Limits{})
			var corrupt *CorruptError
			if !errors.As(err, &corrupt) {
				t.Fatalf("Load = %v, want *CorruptError", err)
			}
			if corrupt.Path != path || corrupt.Err == nil {
				t.Errorf("CorruptError = %+v", corrupt)
			}
			msg := err.Error()
			if !strings.Contains(msg, "not a chatmock state file") || !strings.Contains(msg, "left untouched") {
				t.Errorf("message %q", msg)
			}
			after, err := os.ReadFile(path)
			if err != nil || string(after) != tt.contents {
				t.Errorf("file changed: %q, %v", after, err)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	s, err := Load(filepath.Join(t.TempDir(), "absent.json"), Limits{Records: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Snapshot()) != 0 {
		t.Error("missing file did not give an empty store")
	}
	for i := range 5 {
		if err := s.Create("im", "user", Record{Key: string(rune('a' + i))}); err != nil {
			t.Fatal(err)
		}
	}
	var full *FullError
	if err := s.Create("im", "user", Record{Key: "z"}); !errors.As(err, &full) {
		t.Errorf("bound not applied to a loaded store: %v", err)
	}
}

func TestLoadOverLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s := New(Limits{})
	for _, k := range []string{"a", "b", "c"} {
		if err := s.Create("im", "user", Record{Key: k}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Create("chat", "user", Record{Key: "a"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(path); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)

	tests := []struct {
		limit   int
		wantErr bool
	}{{0, false}, {3, false}, {2, true}}
	for _, tt := range tests {
		_, err := Load(path, Limits{Records: tt.limit})
		var over *OverLimitError
		switch {
		case !tt.wantErr && err != nil:
			t.Errorf("limit %d: %v", tt.limit, err)
		case tt.wantErr && !errors.As(err, &over):
			t.Errorf("limit %d: Load = %v, want *OverLimitError", tt.limit, err)
		case tt.wantErr:
			if over.API != "im" || over.Count != 3 || over.Limit.Records != 2 {
				t.Errorf("OverLimitError = %+v", over)
			}
			if msg := err.Error(); !strings.Contains(msg, "--max-resources") || !strings.Contains(msg, "3 records") {
				t.Errorf("message %q", msg)
			}
		}
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Error("Load changed the file")
	}
}
