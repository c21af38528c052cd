package resource

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/chatmock/chatmock/spec"
)

// Paging is how a list's query parameters page it: the names of the
// parameters the document declares, "" for those it does not.
type Paging struct {
	Limit, Offset, Page, Cursor string
	PageBase                    int // the first page's number: 0 or 1
	Default                     int // the page size without a limit: the parameter's default, 0 for all
	Max                         int // the limit parameter's maximum, 0 when it has none
}

// pagingOf finds a list's paging parameters by their usual names.
func pagingOf(op *spec.Operation) Paging {
	var p Paging
	for _, prm := range op.Parameters {
		if prm.In != "query" {
			continue
		}
		switch norm(prm.Name) {
		case "limit", "perpage", "pagesize", "count", "max", "maxresults", "size", "top", "first":
			if p.Limit == "" {
				p.Limit = prm.Name
				p.Default = schemaInt(prm, "default")
				p.Max = schemaInt(prm, "maximum")
			}
		case "offset", "skip", "start", "from":
			p.Offset = prm.Name
		case "page", "pagenumber", "pageno", "pagenum":
			p.Page = prm.Name
			p.PageBase = 1
			if min := schemaInt(prm, "minimum"); min == 0 && hasKeyword(prm, "minimum") || schemaInt(prm, "default") == 0 && hasKeyword(prm, "default") {
				p.PageBase = 0
			}
		case "cursor", "after", "startingafter", "pagetoken", "nextpagetoken", "continuation", "marker", "next":
			p.Cursor = prm.Name
		}
	}
	return p
}

func schemaInt(p *spec.Parameter, key string) int {
	if p.Node == nil {
		return 0
	}
	n, _ := strconv.Atoi(fmt.Sprint(p.Node[key]))
	return n
}

func hasKeyword(p *spec.Parameter, key string) bool {
	if p.Node == nil {
		return false
	}
	_, ok := p.Node[key]
	return ok
}

// Window is which items a request's paging asks for: from Start, at most
// Count (0: all).
type Window struct{ Start, Count int }

// Window reads the request's paging: query returns a query parameter's
// value, after finds the position just past the item a cursor names (-1
// when it names none).
func (p Paging) Window(query func(name string) (string, bool), after func(cursor string) int) Window {
	w := Window{Count: p.Default}
	num := func(name string) (int, bool) {
		if name == "" {
			return 0, false
		}
		s, ok := query(name)
		if !ok {
			return 0, false
		}
		n, err := strconv.Atoi(strings.TrimSpace(s))
		return n, err == nil && n >= 0
	}
	if n, ok := num(p.Limit); ok {
		w.Count = n
	}
	if n, ok := num(p.Offset); ok {
		w.Start = n
	}
	if n, ok := num(p.Page); ok && w.Count > 0 {
		if n -= p.PageBase; n > 0 {
			w.Start = n * w.Count
		}
	}
	if p.Cursor != "" {
		if c, ok := query(p.Cursor); ok && c != "" {
			if i := after(c); i >= 0 {
				w.Start = i
			} else if n, err := strconv.Atoi(c); err == nil && n >= 0 {
				w.Start = n
			}
		}
	}
	return w
}
