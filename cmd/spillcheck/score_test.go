package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// runSub runs one subcommand function the way run does, with stdin.
func runSub(t *testing.T, fn func(context.Context, *cli, []string) error, stdin string, args ...string) runOut {
	t.Helper()
	var out, errb bytes.Buffer
	c := &cli{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb}
	code := exitCode(&errb, fn(context.Background(), c, args))
	return runOut{code, out.String(), errb.String()}
}

// durations differ from run to run; golden files hold "in <d>".
var durationRE = regexp.MustCompile(`(targets?) in [^:]+:`)

func golden(t *testing.T, name, got string) {
	t.Helper()
	got = durationRE.ReplaceAllString(got, "$1 in <d>:")
	path := filepath.Join("testdata", "score", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestScoreCommand(t *testing.T) {
	dir := filepath.Join("testdata", "score")
	file := func(n string) string { return filepath.Join(dir, n) }
	tests := []struct {
		name      string
		args      []string
		stdin     string
		code      int
		golden    string // compare stdout with testdata/score/<golden>.golden
		stdoutHas []string
		stderrHas string
	}{
		{name: "messaging template fails at high", args: []string{file("chat-template.json")}, code: exitFindings, golden: "chat-template.table"},
		{name: "explain shows evidence", args: []string{file("chat-template.json"), "--explain"}, code: exitFindings, golden: "chat-template.explain"},
		{name: "critical threshold passes", args: []string{file("chat-template.json"), "--fail-on", "critical"}, code: exitOK},
		{name: "crm validator is medium", args: []string{file("crm-validator.json"), "--jsonl"}, code: exitOK, golden: "crm-validator.jsonl"},
		{name: "crm validator fails at medium", args: []string{file("crm-validator.json"), "--fail-on", "medium"}, code: exitFindings},
		{name: "log field list passes", args: []string{file("app-logs.txt"), "--store", "elasticsearch", "--container", "app-logs"}, code: exitOK, golden: "app-logs.table"},
		{name: "redis placeholders", args: []string{file("redis.json"), "--jsonl"}, code: exitFindings, golden: "redis.jsonl"},
		{name: "stdin field list", args: []string{"-", "--store", "mongodb", "--container", "sms", "--jsonl"}, stdin: "msisdn\ntext\nmessage-timestamp\n", code: exitFindings,
			stdoutHas: []string{`"name":"sms"`, `"severity":"high"`}},
		{name: "broken schema names file and place", args: []string{file("broken.json")}, code: exitUsage,
			stderrHas: "broken.json at $.fields[1]: want a non-empty string, got a number"},
		{name: "broken rules name the rule", args: []string{file("chat-template.json"), "--rules", file("bad-rules.json")}, code: exitUsage,
			stderrHas: `rule "phone": example "microphone" must match but does not`},
		{name: "no files", args: nil, code: exitUsage, stderrHas: "name at least one schema file"},
		{name: "bad store", args: []string{file("app-logs.txt"), "--store", "postgres"}, code: exitUsage, stderrHas: "--store must be"},
		{name: "missing file", args: []string{file("nope.json")}, code: exitUsage, stderrHas: "nope.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runSub(t, runScore, tt.stdin, tt.args...)
			if got.code != tt.code {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", got.code, tt.code, got.stdout, got.stderr)
			}
			if tt.golden != "" {
				golden(t, tt.golden, got.stdout)
			}
			for _, s := range tt.stdoutHas {
				if !strings.Contains(got.stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, got.stdout)
				}
			}
			if !strings.Contains(got.stderr, tt.stderrHas) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderrHas, got.stderr)
			}
		})
	}
}

func TestRulesCommand(t *testing.T) {
	got := runSub(t, runRules, "", "--category", "phone")
	if got.code != exitOK {
		t.Fatalf("exit %d: %s", got.code, got.stderr)
	}
	golden(t, "rules-phone.table", got.stdout)

	got = runSub(t, runRules, "", "--rules", filepath.Join("testdata", "score", "bad-rules.json"))
	if got.code != exitUsage || !strings.Contains(got.stderr, `rule "phone"`) {
		t.Errorf("bad rules: exit %d, stderr %q; want %d naming the rule", got.code, got.stderr, exitUsage)
	}
	got = runSub(t, runRules, "", "--category", "nope")
	if got.code != exitUsage {
		t.Errorf("unknown category: exit %d, want %d", got.code, exitUsage)
	}
	// A field rule's within and outside show in its scope.
	got = runSub(t, runRules, "", "--category", "membership")
	if got.code != exitOK || !strings.Contains(got.stdout, "field not in event-container,board-container") {
		t.Errorf("membership rules: exit %d, want its outside in the scope column:\n%s", got.code, got.stdout)
	}
	got = runSub(t, runRules, "", "--category", "push_token")
	if got.code != exitOK || !strings.Contains(got.stdout, "field in push-container") {
		t.Errorf("push_token rules: exit %d, want a within in the scope column:\n%s", got.code, got.stdout)
	}
	// A long list is cut in the table, so it does not widen every row, and
	// shown whole with --terms.
	got = runSub(t, runRules, "", "--category", "phone")
	if got.code != exitOK || !strings.Contains(got.stdout, "field in telephony-container,virtual-number-container +4 more") {
		t.Errorf("phone rules: exit %d, want a long within cut to two rules:\n%s", got.code, got.stdout)
	}
	got = runSub(t, runRules, "", "--category", "phone", "--terms")
	if got.code != exitOK || !strings.Contains(got.stdout, "phone-list-container,sms-gateway-container") {
		t.Errorf("phone rules --terms: exit %d, want the whole within list:\n%s", got.code, got.stdout)
	}
}
