package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/chatmock/chatmock/contracts"
	"github.com/chatmock/chatmock/internal/inputfile"
	"github.com/chatmock/chatmock/spec"
)

func runTest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("test", "test --target URL [--spec PATH]... [--api NAME]... [--operation ID]... [--dry-run] [credentials]",
		"Checks a real implementation against the documents. The cases are derived from\n"+
			"the documents: a positive case per documented request example, and a negative case\n"+
			"per constraint, credential and required parameter, each expecting the error the API's\n"+
			"declaration gives. Every answer is checked against its documented status, media type,\n"+
			"headers and schema. --dry-run lists the cases and sends nothing. Credentials come from\n"+
			"flags or CHATMOCK_* variables and are never printed. Exit 1 when a case fails, 2 on a\n"+
			"usage error, when the selection names nothing the documents have or leaves no case, or\n"+
			"when the target cannot be reached (checked once, first).", stdout)
	target := fs.String("target", "", "base URL of the implementation under test")
	specs := specFlag(fs)
	strict := strictFlag(fs)
	overlays := overlayFlag(fs)
	var apis, ops listFlag
	fs.Var(&apis, "api", "only this API (repeatable)")
	fs.Var(&ops, "operation", "only this operationId (repeatable)")
	dryRun := fs.Bool("dry-run", false, "list the cases and send nothing")
	var include, exclude, headers, checks, noChecks listFlag
	fs.Var(&checks, "checks", "only these checks, comma-separated or repeated (all: every one; the list: --list-checks)")
	fs.Var(&noChecks, "exclude-checks", "not these checks, comma-separated or repeated")
	listChecks := fs.Bool("list-checks", false, "print the checks and what each asserts, and exit")
	fs.Var(&include, "include", "only cases with this tag: positive, negative (repeatable)")
	fs.Var(&exclude, "exclude", "no cases with this tag (repeatable)")
	fs.Var(&headers, "header", "'K: V' sent with every request (repeatable)")
	parallel := fs.Int("parallel", 4, "cases in flight at once")
	timeout := fs.Duration("timeout", 10*time.Second, "how long one request may take")
	waitFor := fs.Duration("wait-for", 0, "wait this long for the target to come up before sending (CI: a target still starting)")
	rate := fs.String("rate", "", "at most N requests a second, written N/s (Tencent allows 200/s)")
	junitPath := fs.String("junit", "", "write a JUnit XML report here")
	jsonPath := fs.String("json", "", "write a JSON report here")
	showSecrets := fs.Bool("show-secrets", false, "keep the credentials in the curl commands that reproduce failures (redacted without it)")
	cleanupFlag := fs.Bool("cleanup", false, "delete what the run created, where the API has a delete (Tencent destroy_group)")
	var keys, auths listFlag
	fs.Var(&auths, "auth", "NAME=VALUE: the credential of the documents' security scheme NAME: an API key, a bearer or OAuth 2 token, or user:password for basic (repeatable; wins over the flags below)")
	fs.Var(&keys, "credential", "NAME=VALUE: the API key the documents' security schemes name NAME (a query parameter or header), repeatable")
	bearer := fs.String("bearer", os.Getenv("CHATMOCK_BEARER"), "the token of http bearer, oauth2 and openIdConnect schemes (CHATMOCK_BEARER)")
	basicCreds := fs.String("basic", os.Getenv("CHATMOCK_BASIC"), "user:password of http basic schemes (CHATMOCK_BASIC)")
	// The bundled APIs' names for the same: each an alias of the above.
	aliases := map[string]*string{
		"sdkappid":   fs.String("tencent-sdkappid", os.Getenv("CHATMOCK_TENCENT_SDKAPPID"), "Tencent SDKAppID: --credential sdkappid=ID (CHATMOCK_TENCENT_SDKAPPID)"),
		"identifier": fs.String("tencent-identifier", os.Getenv("CHATMOCK_TENCENT_IDENTIFIER"), "Tencent app admin account: --credential identifier=ADMIN (CHATMOCK_TENCENT_IDENTIFIER)"),
		"usersig":    fs.String("tencent-usersig", os.Getenv("CHATMOCK_TENCENT_USERSIG"), "Tencent UserSig: --credential usersig=SIG (CHATMOCK_TENCENT_USERSIG)"),
	}
	nexudusToken := fs.String("nexudus-token", os.Getenv("CHATMOCK_NEXUDUS_TOKEN"), "Nexudus bearer token: --bearer (CHATMOCK_NEXUDUS_TOKEN)")
	nexudusBasic := fs.String("nexudus-basic", os.Getenv("CHATMOCK_NEXUDUS_BASIC"), "Nexudus user:password: --basic (CHATMOCK_NEXUDUS_BASIC)")
	shard := fs.String("shard", "", "K/N: run shard K of N, the cases split by a hash of their IDs (a CI matrix; merge the reports with --merge)")
	merge := fs.Bool("merge", false, "merge the JSON reports given as arguments (shards of one run) into one summary, --junit and --json; sends nothing")
	if err := fs.parse(args); err != nil {
		return err
	}
	if *merge {
		paths, err := fs.interspersed(fs.Args())
		if err != nil {
			return err
		}
		return mergeReports(paths, *junitPath, *jsonPath, stdout)
	}
	if fs.NArg() > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if *listChecks {
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		for _, c := range contracts.Checks {
			fmt.Fprintf(tw, "%s\t%s\n", c.Name, c.Asserts)
		}
		return tw.Flush()
	}
	selected, err := contracts.SelectChecks(splitCommas(checks), splitCommas(noChecks))
	if err != nil {
		return &usageError{err.Error()}
	}
	if *target == "" {
		return &usageError{"--target is required"}
	}
	shardK, shardN, err := parseShard(*shard)
	if err != nil {
		return err
	}
	if u, err := url.Parse(*target); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &usageError{fmt.Sprintf("--target %q is not an http(s) URL", *target)}
	} else if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return &usageError{fmt.Sprintf("--target %q: give the scheme, host and path only (no query, fragment or user info)", contracts.RedactURL(*target, slices.Collect(maps.Keys(u.Query()))...))} // any value may be a credential
	}
	if *timeout <= 0 {
		return &usageError{"--timeout must be more than 0"}
	}
	set, err := loadDocuments(ctx, *specs, *overlays, *strict, stderr)
	if err != nil {
		return err
	}
	creds, err := credentials(set, keys, auths, aliases, cmp.Or(*bearer, *nexudusToken), cmp.Or(*basicCreds, *nexudusBasic))
	if err != nil {
		return err
	}
	cases, err := contracts.Derive(set, creds)
	if err != nil {
		return err
	}
	hasTag := func(c *contracts.Case, tags []string) bool {
		return slices.ContainsFunc(c.Tags, func(t string) bool { return slices.Contains(tags, t) })
	}
	all := slices.Clone(cases)
	cases = slices.DeleteFunc(cases, func(c *contracts.Case) bool {
		return (len(apis) > 0 && !slices.Contains(apis, c.API)) || (len(ops) > 0 && !slices.Contains(ops, c.Operation)) ||
			(len(include) > 0 && !hasTag(c, include)) || hasTag(c, exclude)
	})
	if err := checkSelection(set, all, apis, ops, include, exclude, len(cases)); err != nil {
		return err
	}
	if shardN > 0 {
		selected := len(cases)
		cases = contracts.Shard(cases, shardK, shardN)
		fmt.Fprintf(stdout, "shard %d/%d: %d of the %d cases selected\n", shardK, shardN, len(cases), selected)
	}
	if !*dryRun {
		o, err := runOptions(*target, *parallel, *timeout, *rate, headers, stdout)
		if err != nil {
			return err
		}
		if err := reachable(ctx, *target, *timeout, *waitFor); err != nil {
			return err
		}
		o.Cleanup, o.ShowSecrets, o.Checks = *cleanupFlag, *showSecrets, selected
		return runCases(ctx, set, cases, o, *junitPath, *jsonPath, stdout)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CASE\tREQUEST\tEXPECT")
	for _, c := range cases {
		u, err := contracts.RequestURL(*target, c)
		if err != nil {
			u = "(" + err.Error() + ")"
		}
		fmt.Fprintf(tw, "%s\t%s %s\t%s\n", c.ID, c.Method, c.RedactURL(u), c.Expected())
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d cases, none sent (--dry-run)\n", len(cases))
	return nil
}

func runOptions(target string, parallel int, timeout time.Duration, rate string, headers []string, progress io.Writer) (contracts.RunOptions, error) {
	o := contracts.RunOptions{Target: target, Parallel: parallel, Timeout: timeout, Header: map[string]string{}, Progress: progress}
	if parallel < 1 {
		return o, &usageError{"--parallel must be at least 1"}
	}
	if rate != "" {
		n, err := strconv.ParseFloat(strings.TrimSuffix(rate, "/s"), 64)
		if err != nil || n <= 0 {
			return o, &usageError{fmt.Sprintf("--rate %q: want N/s, such as 200/s", rate)}
		}
		o.Rate = n
	}
	for _, h := range headers {
		k, v, ok := strings.Cut(h, ":")
		if !ok || strings.TrimSpace(k) == "" {
			return o, &usageError{fmt.Sprintf("--header %q: want 'Name: value'", h)}
		}
		o.Header[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return o, nil
}

// runCases sends the cases, prints the progress and the summary, writes
// the reports, and fails when a case failed.
func runCases(ctx context.Context, set *spec.Set, cases []*contracts.Case, o contracts.RunOptions, junitPath, jsonPath string, stdout io.Writer) error {
	report := contracts.Run(ctx, set, cases, o)
	fmt.Fprintln(stdout)
	report.WriteSummary(stdout)
	passed, failed, skipped := report.Counts()
	fmt.Fprintf(stdout, "\n%d cases in %s: %d passed, %d failed, %d skipped\n", len(cases), report.Took.Round(time.Millisecond), passed, failed, skipped)
	if o.Cleanup {
		fmt.Fprintf(stdout, "\ncleanup: %d created resources deleted, %d kept (no delete operation, or it failed)\n", report.Deleted, len(report.Kept))
	}
	if err := writeReports(report, junitPath, jsonPath); err != nil {
		return err
	}
	if report.Unreachable() {
		return &usageError{"no case reached " + o.Target + ": is it running?"}
	}
	if _, failed, _ := report.Counts(); failed > 0 {
		return &problemsError{failed}
	}
	return nil
}

// mergeReports joins the JSON reports of a run's shards, prints the
// summary, writes the reports asked for, and fails when a case failed.
func mergeReports(paths []string, junitPath, jsonPath string, stdout io.Writer) error {
	if len(paths) == 0 {
		return &usageError{"--merge takes the JSON reports to merge as arguments"}
	}
	var parts []*contracts.Report
	for _, p := range paths {
		data, err := inputfile.Read(p, 64<<20)
		var refused *inputfile.Error
		switch {
		case errors.As(err, &refused):
			return refused
		case err != nil:
			return &usageError{fmt.Sprintf("--merge %s: %v", p, err)}
		}
		r, err := contracts.ReadJSON(bytes.NewReader(data))
		if err != nil {
			return &usageError{fmt.Sprintf("--merge %s: %v", p, err)}
		}
		parts = append(parts, r)
	}
	report := contracts.Merge(parts...)
	report.WriteSummary(stdout)
	if err := writeReports(report, junitPath, jsonPath); err != nil {
		return err
	}
	if _, failed, _ := report.Counts(); failed > 0 {
		return &problemsError{failed}
	}
	return nil
}

// splitCommas is the items of repeated, comma-separated flag values.
func splitCommas(vs []string) []string {
	var out []string
	for _, v := range vs {
		for item := range strings.SplitSeq(v, ",") {
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
	}
	return out
}

// parseShard reads --shard K/N; 0, 0 when it is not given.
func parseShard(v string) (int, int, error) {
	if v == "" {
		return 0, 0, nil
	}
	ks, ns, ok := strings.Cut(v, "/")
	k, kerr := strconv.Atoi(ks)
	n, nerr := strconv.Atoi(ns)
	if !ok || kerr != nil || nerr != nil || n < 1 || k < 1 || k > n || n > 1000 {
		return 0, 0, &usageError{fmt.Sprintf("--shard %q: want K/N with 1 <= K <= N, such as 2/4", v)}
	}
	return k, n, nil
}

// writeReports writes the --junit and --json reports asked for.
func writeReports(report *contracts.Report, junitPath, jsonPath string) error {
	for _, out := range []struct {
		path  string
		write func(io.Writer) error
	}{{junitPath, report.WriteJUnit}, {jsonPath, report.WriteJSON}} {
		if out.path == "" {
			continue
		}
		f, err := os.Create(out.path)
		if err != nil {
			return err
		}
		werr := out.write(f)
		if err := f.Close(); werr == nil {
			werr = err
		}
		if werr != nil {
			return werr
		}
	}
	return nil
}

// credentials gathers what the runner sends for the documents' security:
// each --credential NAME=VALUE, NAME being an API key some operation's
// security scheme names, then the vendor aliases for the names not given.
func credentials(set *spec.Set, keys, auths []string, aliases map[string]*string, bearer, basic string) (contracts.Credentials, error) {
	var names []string
	for _, c := range set.Credentials() {
		if c.Kind == "apiKey" && !slices.Contains(names, c.Name) {
			names = append(names, c.Name)
		}
	}
	slices.Sort(names)
	creds := contracts.Credentials{Query: map[string]string{}, Bearer: bearer, Basic: basic}
	for _, kv := range keys {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || name == "" {
			return creds, &usageError{"--credential takes NAME=VALUE"} // not echoed: it may be the secret
		}
		if !slices.Contains(names, name) {
			known := "none"
			if len(names) > 0 {
				known = strings.Join(names, ", ")
			}
			return creds, &usageError{fmt.Sprintf("--credential %s: no security scheme of the documents names an API key %s (they name: %s)", name, name, known)}
		}
		creds.Query[name] = value
	}
	for name, v := range aliases {
		if _, given := creds.Query[name]; !given && *v != "" {
			creds.Query[name] = *v
		}
	}
	var schemes []string
	for _, op := range set.Operations() {
		for _, alt := range op.Security {
			for _, sch := range alt {
				if !slices.Contains(schemes, sch.Key) {
					schemes = append(schemes, sch.Key)
				}
			}
		}
	}
	slices.Sort(schemes)
	creds.Schemes = map[string]string{}
	for _, kv := range auths {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || name == "" {
			return creds, &usageError{"--auth takes NAME=VALUE"} // not echoed: it may be the secret
		}
		if !slices.Contains(schemes, name) {
			return creds, &usageError{fmt.Sprintf("--auth %s: the documents have no security scheme %s (they have: %s)", name, name, cmp.Or(strings.Join(schemes, ", "), "none"))}
		}
		creds.Schemes[name] = value
	}
	return creds, nil
}
