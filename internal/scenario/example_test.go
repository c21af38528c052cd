package scenario_test

import (
	"fmt"
	"time"

	"github.com/chatmock/chatmock/internal/scenario"
)

type noRequest struct{}

func (noRequest) Get(string, string) (any, bool) { return nil, false }

func ExampleRegistry_Match() {
	r := scenario.NewRegistry(1, true)
	times := 2
	s, _ := r.Add(&scenario.Scenario{Operation: "create_group", Example: "10021", Times: &times})
	fmt.Println(s.ID, s.Source, *s.Remaining)
	now := time.Now()
	for range 3 {
		h, ok := r.Match("create_group", noRequest{}, now)
		fmt.Printf("%v %q\n", ok, h.Example)
	}
	fmt.Println(len(r.List()))
	// Output:
	// s1 admin 2
	// true "10021"
	// true "10021"
	// false ""
	// 0
}
