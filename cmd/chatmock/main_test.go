package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		args      []string
		code      int
		stdoutHas string
		stderrHas string
	}{
		{nil, exitUsage, "", "Commands:"},
		{[]string{"nope"}, exitUsage, "", `unknown command "nope"`},
		{[]string{"--help"}, exitOK, "Commands:", ""},
		{[]string{"routes", "--bogus"}, exitUsage, "", "flag provided but not defined: -bogus"},
		{[]string{"routes", "extra"}, exitUsage, "", `unexpected argument "extra"`},
		{[]string{"routes", "--spec", "testdata/none.yaml"}, exitUsage, "", "no such file or directory"},
		{[]string{"lint"}, exitOK, "4 documents, 4 operations,", ""},
		{[]string{"lint", "../../lint/testdata/over-long-bytes.yaml"}, exitProblems,
			"../../lint/testdata/over-long-bytes.yaml: /paths/~1groups/post/requestBody/content/application~1json/examples/eleven/value/Name: maxBytes: got 33 bytes of UTF-8, want at most 30\n",
			"chatmock lint: 1 problem(s) found"},
		{[]string{"routes", "--spec", "../../lint/testdata/missing-operationid.yaml"}, exitProblems, "", "has no operationId"},
		{[]string{"version"}, exitOK, "chatmock ", ""},
		{[]string{"serve"}, exitProblems, "", "not yet"},
		{[]string{"test"}, exitProblems, "", "not yet"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
			if !strings.Contains(stdout, tt.stdoutHas) {
				t.Errorf("stdout %q does not contain %q", stdout, tt.stdoutHas)
			}
			if !strings.Contains(stderr, tt.stderrHas) {
				t.Errorf("stderr %q does not contain %q", stderr, tt.stderrHas)
			}
		})
	}
}

func TestEveryCommandHasHelp(t *testing.T) {
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(c.name, "--help")
			if code != exitOK || !strings.HasPrefix(stdout, "Usage: chatmock "+c.name) || stderr != "" {
				t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
			}
		})
	}
}

func TestRoutesListsTheFourSeedOperations(t *testing.T) {
	code, stdout, _ := runCLI("routes")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	want := []string{
		"API      METHOD  PATH                                  OPERATION           REQUEST MEDIA TYPES",
		"aspnet   POST    /api/chat/v2/create_group             createChatGroup     application/json, application/x-www-form-urlencoded, application/xml, text/json, text/xml",
		"jsonapi  POST    /api/v2/message-groups                createMessageGroup  application/vnd.api+json",
		"nexudus  POST    /api/support/chatrooms                createChatRoom      application/json",
		"tencent  POST    /v4/group_open_http_svc/create_group  create_group        application/json",
	}
	if got := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("routes:\n%s\nwant:\n%s", stdout, strings.Join(want, "\n"))
	}
}
