// Command flood loads a chatmock server with about 1 MB bodies on every
// bundled API: bodies that fail validation with a large failing value, and
// creates that succeed and are stored (until the store's byte bound, then
// the API's own full answer). bench/memory runs it beside the server and
// samples the server's RSS.
//
//	flood -addr 127.0.0.1:4010 [-d 60s] [-c 8] [-reset-every 10s] [-check]
//
// With -check it sends each request once and prints its status and the
// start of its answer. It prints, per request, how many were answered with
// each status, and exits 1 on a transport error or a 5xx answer.
//
// It may import: nothing of the module.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
)

// size is about how large each body is: under serve's default --max-body
// of 1 MiB.
const size = 1_000_000

const tencentQuery = "?sdkappid=88888888&identifier=admin&usersig=xxx&random=99999999&contenttype=json"

// request is one kind of request flood sends.
type request struct {
	name, path, ctype, auth string
	body                    []byte
}

// repeat fills the rest of a body of about size bytes with item, between
// head and tail, joined by sep.
func repeat(head, item, sep, tail string) []byte {
	n := (size - len(head) - len(tail)) / (len(item) + len(sep))
	return []byte(head + strings.Repeat(item+sep, n-1) + item + tail)
}

// text is a string of about size bytes, less room for the rest of a body.
func text(room int) string { return strings.Repeat("x", size-room) }

func requests() []request {
	const (
		tencent = "/v4/group_open_http_svc/create_group" + tencentQuery
		jsonapi = "/api/v2/message-groups"
		aspnet  = "/api/chat/v2/create_group"
		nexudus = "/api/support/chatrooms"
		jsonAPI = "application/vnd.api+json"
		json    = "application/json"
		xml     = "application/xml"
		form    = "application/x-www-form-urlencoded"
		basic   = "Basic dXNlckBleGFtcGxlLmNvbTpwYXNzd29yZA=="
		xmlHead = `<ChatGroupBag xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/Stocks.Controllers">` +
			`<group xmlns:d2p1="http://schemas.datacontract.org/2004/07/Stocks.Models">`
		xmlGroup   = `<d2p1:enabled>true</d2p1:enabled><d2p1:name>g</d2p1:name>`
		xmlMembers = `</group><members xmlns:d2p1="http://schemas.datacontract.org/2004/07/Stocks.Models">`
	)
	jsonapiCreate := `{"data":{"type":"message-groups","attributes":{"chat-room-name":"%s"},"relationships":{"accounts":{"data":[{"type":"accounts","id":"1335"}]}}}}`
	return []request{
		// Failing: a large array (or many wrong items) where the schema
		// wants something else; each failure quotes the value.
		{"tencent-fail", tencent, json, "", repeat(`{"Type":"Public","Name":"g","MemberList":[`, `{"Member_Account":"u"}`, ",", `]}`)},
		{"jsonapi-fail", jsonapi, jsonAPI, "Bearer token",
			repeat(`{"data":{"type":"message-groups","attributes":{"group-chat":[`, `{"a":1}`, ",", `]},"relationships":{"accounts":{"data":[]}}}}`)},
		{"aspnet-json-fail", aspnet, json, "", repeat(`{"group":{"name":[`, `{"a":1}`, ",", `]},"members":[]}`)},
		{"aspnet-xml-fail", aspnet, xml, "", repeat(xmlHead+xmlGroup+xmlMembers, `<d2p1:ChatGroupMember><d2p1:id>x</d2p1:id></d2p1:ChatGroupMember>`, "", `</members></ChatGroupBag>`)},
		{"aspnet-form-fail", aspnet, form, "", []byte("group[name]=g&group[enabled]=" + text(100))},
		{"nexudus-fail", nexudus, json, basic, repeat(`{"BusinessId":[`, `{"a":1}`, ",", `]}`)},
		// Creates that are stored: a large string where any string goes.
		{"tencent-create", tencent, json, "", []byte(`{"Type":"Public","Name":"g","AppDefinedData":[{"Key":"k","Value":"` + text(100) + `"}]}`)},
		{"jsonapi-create", jsonapi, jsonAPI, "Bearer token", []byte(fmt.Sprintf(jsonapiCreate, text(200)))},
		{"aspnet-json-create", aspnet, json, "", []byte(`{"group":{"name":"g","description":"` + text(100) + `","enabled":true},"members":[]}`)},
		{"aspnet-xml-create", aspnet, xml, "", []byte(xmlHead + `<d2p1:description>` + text(len(xmlHead)+300) + `</d2p1:description>` + xmlGroup + xmlMembers + `</members></ChatGroupBag>`)},
		{"aspnet-form-create", aspnet, form, "", []byte("group[name]=g&group[enabled]=true&group[description]=" + text(100))},
		{"nexudus-create", nexudus, json, basic, []byte(`{"BusinessId":123,"Name":"` + text(100) + `"}`)},
	}
}

// tally counts the answers to each request.
type tally struct {
	mu     sync.Mutex
	status map[string]map[int]int
	errs   map[string]int
}

func (t *tally) add(name string, status int, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err != nil {
		t.errs[name]++
		return
	}
	if t.status[name] == nil {
		t.status[name] = map[int]int{}
	}
	t.status[name][status]++
}

func send(ctx context.Context, client *http.Client, base string, r request) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+r.path, bytes.NewReader(r.body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", r.ctype)
	if r.auth != "" {
		req.Header.Set("Authorization", r.auth)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

func main() {
	addr := flag.String("addr", "127.0.0.1:4010", "the chatmock server")
	duration := flag.Duration("d", 60*time.Second, "how long to load it")
	clients := flag.Int("c", 8, "concurrent clients")
	resetEvery := flag.Duration("reset-every", 10*time.Second, "empty the store this often, so creates keep being stored (0: never)")
	check := flag.Bool("check", false, "send each request once and show its answer")
	flag.Parse()
	base := "http://" + *addr
	reqs := requests()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *clients}}
	if *check {
		for _, r := range reqs {
			start := time.Now()
			status, b, err := send(context.Background(), client, base, r)
			fmt.Printf("%-20s %7d bytes, %6.1f ms: %d %.160s %v\n", r.name, len(r.body), time.Since(start).Seconds()*1000, status, b, err)
		}
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), *duration)
	defer cancel()
	t := &tally{status: map[string]map[int]int{}, errs: map[string]int{}}
	var wg sync.WaitGroup
	for c := range *clients {
		wg.Go(func() {
			for i := c; ctx.Err() == nil; i++ {
				r := reqs[i%len(reqs)]
				status, _, err := send(ctx, client, base, r)
				if ctx.Err() != nil && err != nil {
					return // the load ended while this request was on its way
				}
				t.add(r.name, status, err)
			}
		})
	}
	if *resetEvery > 0 {
		wg.Go(func() { resetLoop(ctx, client, base, *resetEvery) })
	}
	wg.Wait()
	os.Exit(report(t, reqs))
}

// resetLoop empties the mock's store every period until ctx ends.
func resetLoop(ctx context.Context, client *http.Client, base string, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/__admin/reset", strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/json")
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
		} else if !errors.Is(err, context.DeadlineExceeded) {
			fmt.Fprintln(os.Stderr, "flood: reset:", err)
		}
	}
}

// report prints the tally and returns the exit code.
func report(t *tally, reqs []request) int {
	code, total := 0, 0
	for _, r := range reqs {
		var parts []string
		statuses := make([]int, 0, len(t.status[r.name]))
		for s := range t.status[r.name] {
			statuses = append(statuses, s)
		}
		sort.Ints(statuses)
		for _, s := range statuses {
			n := t.status[r.name][s]
			total += n
			parts = append(parts, fmt.Sprintf("%d×%d", n, s))
			if s >= 500 {
				code = 1
			}
		}
		if n := t.errs[r.name]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d errors", n))
			code = 1
		}
		fmt.Printf("  %-20s %s\n", r.name, strings.Join(parts, ", "))
	}
	fmt.Printf("requests: %d\n", total)
	return code
}
