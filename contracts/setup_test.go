package contracts

import (
	"context"
	"testing"

	"github.com/chatmock/chatmock/mockserver"
	"github.com/chatmock/chatmock/mockserver/mocktest"
)

// On a document whose state the mock infers from its paths, a case that
// names an item, or a parent, creates it first: a read of /rooms/{roomId}
// creates a room, a message posted to a room creates the room; against the
// stateful mock every case passes.
func TestSetupsCreateWhatCasesName(t *testing.T) {
	set := loadSet(t, "../mockserver/testdata/rooms.yaml")
	cases, err := Derive(set, Credentials{})
	if err != nil {
		t.Fatal(err)
	}
	setups := map[string][]string{}
	for _, c := range cases {
		if c.Want == nil && c.Flow == nil && len(c.Setup) > 0 {
			for _, s := range c.Setup {
				setups[c.Operation] = append(setups[c.Operation], s.Role.Op.ID)
			}
		}
	}
	want := map[string]string{"getRoom": "createRoom", "updateRoom": "createRoom", "replaceRoom": "createRoom",
		"deleteRoom": "createRoom", "postMessage": "createRoom", "listMessages": "createRoom",
		"getMessage": "createRoom postMessage", "getUser": "createUser"}
	for op, w := range want {
		if got := join(setups[op]); got != w {
			t.Errorf("%s: setups %q, want %q", op, got, w)
		}
	}
	if len(setups) != len(want) {
		t.Errorf("setups %v, want only %v", setups, want)
	}
	srv := mocktest.NewServer(t, mockserver.WithDocumentSet(set), mockserver.WithoutBundledRules(), mockserver.WithSeed(1))
	defer srv.Close()
	r := Run(context.Background(), set, cases, RunOptions{Target: srv.URL, Parallel: 4})
	for _, res := range r.Results {
		if res.Outcome != Passed {
			t.Errorf("%s: %s %s %q", res.Case.ID, res.Outcome, res.Reason, res.Problems)
		}
	}
	// a target that refuses the create: the cases that need one are
	// skipped, saying why
	stateless := mocktest.NewServer(t, mockserver.WithDocumentSet(set), mockserver.WithoutBundledRules())
	defer stateless.Close()
	var getRoom *Case
	for _, c := range cases {
		if c.Operation == "getRoom" && c.Want == nil {
			getRoom = c.clone()
		}
	}
	getRoom.Setup[0] = &Setup{Role: getRoom.Setup[0].Role, Case: &Case{Method: "POST", Path: "/rooms", Header: map[string]string{"Content-Type": "application/json"}, Body: []byte(`{"name": 5}`)}}
	res := Run(context.Background(), set, []*Case{getRoom}, RunOptions{Target: stateless.URL}).Results[0]
	if res.Outcome != Skipped || res.Reason != "it needs a rooms, and createRoom answered 400" {
		t.Errorf("a refused setup: %s %q", res.Outcome, res.Reason)
	}
}

func join(list []string) string {
	out := ""
	for i, s := range list {
		if i > 0 {
			out += " "
		}
		out += s
	}
	return out
}
