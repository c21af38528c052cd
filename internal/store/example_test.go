package store_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/chatmock/chatmock/internal/store"
)

// errGroupExists stands in for an API's "group already exists" answer
// (Tencent IM's 10021).
var errGroupExists = errors.New("10021: group id already used")

func ExampleStore_Update() {
	s := store.New(store.Limits{Records: 100})
	createGroup := func(id, owner string) error {
		return s.Update(func(tx *store.Tx) error {
			if _, ok := tx.Get("tencent-im", "group", id); ok {
				return errGroupExists
			}
			return tx.Create("tencent-im", "group", store.Record{
				Key:   id,
				Owner: owner,
				Data:  json.RawMessage(`{"GroupId":"` + id + `","Type":"Public"}`),
			})
		})
	}
	fmt.Println(createGroup("@TGS#1", "admin"))
	fmt.Println(createGroup("@TGS#1", "admin"))
	fmt.Println(s.Count("tencent-im", "group", nil))
	// Output:
	// <nil>
	// 10021: group id already used
	// 1
}

func ExampleStore_Create() {
	s := store.New(store.Limits{})
	_ = s.Create("openai", "file", store.Record{Key: "file-1"})
	err := s.Create("openai", "file", store.Record{Key: "file-1"})
	var exists *store.ExistsError
	fmt.Println(errors.As(err, &exists), exists.Existing.Key)
	// Output:
	// true file-1
}
