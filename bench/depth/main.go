// Command depth reads the call stacks of a CPU profile (as `go tool pprof
// -traces` prints them) and reports how deep the module's packages nest
// below a request's entry: each stack from the first mockserver frame on,
// collapsed to the module packages it crosses (mockserver → internal/rules
// → internal/cond → internal/tmpl is three crossings). It prints the
// deepest chain and how many sampled stacks reached each depth.
//
//	go test -run '^$' -bench RequestPath -cpuprofile cpu.out ./mockserver
//	go tool pprof -traces mockserver.test cpu.out | go run ./bench/depth
//
// It may import: nothing of the module.
package main

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strings"
)

const module = "github.com/chatmock/chatmock/"

func main() {
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var stack []string // innermost first, as pprof prints
	counts := map[int]int{}
	var deepest []string
	flush := func() {
		chain := crossings(stack)
		if len(chain) > 0 {
			counts[len(chain)-1]++
			if len(chain) > len(deepest) {
				deepest = chain
			}
		}
		stack = stack[:0]
	}
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "-----------+") {
			flush()
			continue
		}
		if pkg, ok := modulePackage(line); ok {
			stack = append(stack, pkg)
		} else if strings.TrimSpace(line) != "" && !strings.Contains(line, "|") {
			stack = append(stack, "") // a frame outside the module
		}
	}
	flush()
	if err := sc.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "depth:", err)
		os.Exit(1)
	}
	if deepest == nil {
		fmt.Fprintln(os.Stderr, "depth: no stack passes through mockserver")
		os.Exit(1)
	}
	fmt.Printf("deepest: %d crossings: %s\n", len(deepest)-1, strings.Join(deepest, " → "))
	var depths []int
	for d := range counts {
		depths = append(depths, d)
	}
	slices.Sort(depths)
	for _, d := range depths {
		fmt.Printf("  %d crossings: %d stacks\n", d, counts[d])
	}
}

// modulePackage finds the module package of a frame line such as
// "  github.com/chatmock/chatmock/internal/tmpl.(*Request).Get".
func modulePackage(line string) (string, bool) {
	i := strings.Index(line, module)
	if i < 0 {
		return "", false
	}
	name := line[i+len(module):]
	if j := strings.IndexByte(name, ' '); j >= 0 {
		name = name[:j]
	}
	slash := strings.LastIndexByte(name, '/')
	dot := strings.IndexByte(name[slash+1:], '.')
	if dot < 0 {
		return "", false
	}
	return name[:slash+1+dot], true
}

// crossings is the stack from its outermost mockserver frame inward,
// collapsed to the module packages it passes (frames of other modules
// are skipped); nil when no frame is mockserver's.
func crossings(stack []string) []string {
	start := -1
	for i := len(stack) - 1; i >= 0; i-- {
		if stack[i] == "mockserver" {
			start = i
			break
		}
	}
	if start < 0 {
		return nil
	}
	var chain []string
	for i := start; i >= 0; i-- {
		p := stack[i]
		if p != "" && (len(chain) == 0 || chain[len(chain)-1] != p) {
			chain = append(chain, p)
		}
	}
	return chain
}
