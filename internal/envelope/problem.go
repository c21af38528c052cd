package envelope

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// ProblemTypeBase is where the types of chatmock's own problems live:
// https://chatmock.dev/problems/KIND.
const ProblemTypeBase = "https://chatmock.dev/problems/"

// Problem is the body of one of chatmock's own RFC 9457 problems (a
// request's failures where no envelope is declared, the admin API's
// errors, a full store, a bad Prefer, a refused Host): type, title,
// status and detail. The caller may add members, as RFC 9457 allows.
// It is the one place such a body is built.
func Problem(kind string, status int, detail string) map[string]any {
	return map[string]any{
		"type":   ProblemTypeBase + kind,
		"title":  http.StatusText(status),
		"status": json.Number(strconv.Itoa(status)),
		"detail": detail,
	}
}
