package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/spillcheck/spillcheck/scanner"
)

// fakeProbe answers by port: 1xxxx open with a high finding, 2xxxx timeout,
// others closed.
// It never dials, except when dial is set.
type fakeProbe struct {
	name   string
	calls  atomic.Int64
	onCall func(n int64)
	dial   bool
}

func (p *fakeProbe) Name() string        { return p.name }
func (p *fakeProbe) DefaultPorts() []int { return []int{6379} }
func (p *fakeProbe) Probe(ctx context.Context, t scanner.Target, env *scanner.Env) (scanner.Result, error) {
	n := p.calls.Add(1)
	if p.onCall != nil {
		p.onCall(n)
	}
	if p.dial {
		c, err := env.DialContext(ctx, "tcp", t.Addr())
		if err != nil {
			return scanner.Result{}, err
		}
		c.Close()
	}
	if t.Port >= 10000 && t.Port < 20000 {
		return scanner.Result{Status: scanner.StatusOpen, Product: "fake",
			Containers: []scanner.Container{{Kind: "key-pattern", Name: "chat:<phone>:inbox", Database: "db0", Docs: scanner.Int64(12),
				Score: &scanner.Score{Likelihood: 91, Severity: scanner.SeverityHigh, Categories: []string{"phone"},
					Evidence: []scanner.Evidence{{Field: "chat:<phone>:inbox", Category: "phone", Rule: "phone-placeholder", Weight: 0.9}}}}},
			Score: &scanner.Score{Likelihood: 91, Severity: scanner.SeverityHigh, Reason: "chat keys with phone numbers"}}, nil
	}
	if t.Port >= 20000 && t.Port < 30000 {
		return scanner.Result{Status: scanner.StatusTimeout, Error: "i/o timeout"}, nil
	}
	return scanner.Result{Status: scanner.StatusClosed, Error: "connection refused"}, nil
}

type runOut struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, ctx context.Context, probe *fakeProbe, args ...string) runOut {
	t.Helper()
	var out, errb bytes.Buffer
	c := &cli{stdin: strings.NewReader(""), stdout: &out, stderr: &errb,
		probes:   func() []scannerProbe { return []scannerProbe{probe} },
		resolver: staticResolver{"db.test": {netip.MustParseAddr("127.0.0.1")}},
		noScorer: true}
	code := run(ctx, args, c)
	return runOut{code, out.String(), errb.String()}
}

type staticResolver map[string][]netip.Addr

func (r staticResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if a, ok := r[host]; ok {
		return a, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func TestExitCodes(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"no command", nil, exitUsage, "", "no command given"},
		{"help", []string{"--help"}, exitOK, "Exit codes:", ""},
		{"unknown command", []string{"scna"}, exitUsage, "", `unknown command "scna"`},
		{"bad flag", []string{"scan", "--rat", "5"}, exitUsage, "", "unknown flag --rat (did you mean --rate?)"},
		{"bad fail-on", []string{"scan", "--fail-on", "severe", "127.0.0.1"}, exitUsage, "", "unknown severity"},
		{"json and jsonl", []string{"scan", "--json", "--jsonl", "127.0.0.1"}, exitUsage, "", "exclude each other"},
		{"bad rate", []string{"scan", "--rate", "-1", "127.0.0.1"}, exitUsage, "", "--rate must be 0"},
		{"bad shard", []string{"scan", "--shard", "3/3", "127.0.0.1"}, exitUsage, "", "--shard 3/3"},
		{"clean", []string{"scan", "127.0.0.1:6379"}, exitOK, "Findings: none", ""},
		{"finding", []string{"scan", "127.0.0.1:12345", "127.0.0.1:6379"}, exitFindings, "1 high (1 at or above --fail-on high)", ""},
		{"finding below threshold", []string{"scan", "--fail-on", "critical", "127.0.0.1:12345"}, exitOK, "1 high (0 at or above --fail-on critical)", ""},
		{"fail-on none", []string{"scan", "--fail-on", "none", "127.0.0.1:12345"}, exitOK, "(--fail-on none)", ""},
		{"bad line goes on", []string{"scan", "127.0.0.1:12345", "not a host"}, exitUsage, "127.0.0.1:12345", "argument 2: bad target"},
		{"strict stops", []string{"scan", "--strict", "not a host", "127.0.0.1:12345"}, exitUsage, "", "argument 1: bad target"},
		{"out of scope", []string{"scan", "--scope", "10.0.0.0/8", "127.0.0.1:12345"}, exitUsage, "", "outside the scope"},
		{"unresolvable", []string{"scan", "nowhere.test:6379"}, exitScanError, "cannot resolve nowhere.test", "no target could be assessed: 0 timed out, 1 failed with an error"},
		{"every target timed out", []string{"scan", "127.0.0.1:20001", "127.0.0.1:20002"}, exitScanError, "2 timed out, 0 errors", "no target could be assessed: 2 timed out"},
		{"some timed out", []string{"scan", "127.0.0.1:20001", "127.0.0.1:6379"}, exitOK, "1 closed; 1 timed out, 0 errors, 0 refused", ""},
		{"fail-on-unassessed", []string{"scan", "--fail-on-unassessed", "127.0.0.1:20001", "127.0.0.1:6379"}, exitScanError, "1 timed out", "--fail-on-unassessed: 1 of 2 targets were not assessed"},
		{"fail-on-unassessed, all assessed", []string{"scan", "--fail-on-unassessed", "127.0.0.1:6379"}, exitOK, "0 timed out, 0 errors", ""},
		{"findings before unassessed", []string{"scan", "--fail-on-unassessed", "127.0.0.1:20001", "127.0.0.1:12345"}, exitFindings, "1 high", ""},
		{"missing list", []string{"scan", "-l", "/nonexistent/hosts.txt"}, exitUsage, "", "/nonexistent/hosts.txt"},
		{"targets", []string{"targets", "db.test:6379", "redis://127.0.0.1:16379"}, exitOK, "127.0.0.1:6379                 resolved db.test", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &fakeProbe{name: scanner.Redis}
			got := runCLI(t, ctx, p, tt.args...)
			if got.code != tt.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", got.code, tt.code, got.stdout, got.stderr)
			}
			if !strings.Contains(got.stdout, tt.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tt.stdout, got.stdout)
			}
			if !strings.Contains(got.stderr, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, got.stderr)
			}
			if tt.name == "strict stops" || tt.name == "out of scope" {
				if n := p.calls.Load(); n != 0 {
					t.Errorf("%d probes ran", n)
				}
			}
		})
	}
}

func TestScanDefaultsToLocalhost(t *testing.T) {
	got := runCLI(t, context.Background(), &fakeProbe{name: scanner.Redis}, "targets")
	if got.code != 0 || !strings.Contains(got.stderr, "planning localhost") || !strings.Contains(got.stdout, "redis") {
		t.Errorf("%+v", got)
	}
}

func TestJSONLToFile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.jsonl")
	got := runCLI(t, context.Background(), &fakeProbe{name: scanner.Redis}, "scan", "--jsonl", "-o", out, "127.0.0.1:12345", "127.0.0.1:6379")
	if got.code != exitFindings || got.stdout != "" {
		t.Fatalf("%+v", got)
	}
	lines := readLines(t, out)
	if len(lines) != 2 {
		t.Fatalf("%d lines", len(lines))
	}
	var r scanner.Result
	for _, l := range lines {
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		if r.Target.Port == 12345 && (r.Status != scanner.StatusOpen || r.Score.Severity != scanner.SeverityHigh) {
			t.Errorf("result %+v", r)
		}
	}
}

func TestJSONDocument(t *testing.T) {
	got := runCLI(t, context.Background(), &fakeProbe{name: scanner.Redis}, "scan", "--json", "--fail-on", "none", "127.0.0.1:12345", "127.0.0.1:6379")
	var doc struct {
		Tool    map[string]string
		Results []scanner.Result
		Summary scanner.Summary
	}
	if err := json.Unmarshal([]byte(got.stdout), &doc); err != nil {
		t.Fatalf("%v\n%s", err, got.stdout)
	}
	if doc.Tool["name"] != "spillcheck" || len(doc.Results) != 2 || doc.Summary.Targets != 2 || doc.Summary.Findings["high"] != 1 {
		t.Errorf("%+v", doc)
	}
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

func TestTuneGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tuneGC(env(nil))
	if got := debug.SetGCPercent(50); got != gcPercent {
		t.Errorf("without GOGC the GC percent is %d, want %d", got, gcPercent)
	}
	// 50 now stands for what GOGC=50 set at start-up.
	tuneGC(env(map[string]string{"GOGC": "50"}))
	if got := debug.SetGCPercent(50); got != 50 {
		t.Errorf("with GOGC=50 the GC percent is %d, want the user's 50 kept", got)
	}
	debug.SetMemoryLimit(math.MaxInt64)
	tuneGC(env(nil))
	if got := debug.SetMemoryLimit(-1); got != memoryLimit {
		t.Errorf("without GOMEMLIMIT the memory limit is %d, want %d", got, memoryLimit)
	}
	debug.SetMemoryLimit(math.MaxInt64)
	tuneGC(env(map[string]string{"GOMEMLIMIT": "1GiB"}))
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("with GOMEMLIMIT set the memory limit is %d, want it left to the runtime", got)
	}
}

// TestUsageErrors: a usage error is one line naming the problem and one
// line of hint, on stderr, with exit 2 and nothing on stdout.
func TestUsageErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, "spillcheck: no command given"},
		{[]string{"scna"}, `spillcheck: unknown command "scna" (did you mean "scan"?)`},
		{[]string{"--rate", "5"}, "spillcheck: --rate before a command"},
		{[]string{"scan", "--timeout", "5"}, "spillcheck: scan: --timeout 5: no unit: write 5s (seconds) or 5ms (milliseconds)"},
		{[]string{"scan", "--timeout", "soon"}, "spillcheck: scan: --timeout soon: not a duration"},
		{[]string{"scan", "--timeout"}, "spillcheck: scan: --timeout needs a value"},
		{[]string{"scan", "-c", "many"}, "spillcheck: scan: -c many: not a number"},
		{[]string{"scan", "--concurency", "5"}, "spillcheck: scan: unknown flag --concurency (did you mean --concurrency?)"},
		{[]string{"targets", "--jsonll"}, "spillcheck: targets: unknown flag --jsonll (did you mean --jsonl?)"},
	} {
		got := runCLI(t, context.Background(), &fakeProbe{name: scanner.Redis}, tt.args...)
		lines := strings.Split(strings.TrimSuffix(got.stderr, "\n"), "\n")
		if got.code != exitUsage || got.stdout != "" || len(lines) != 2 || !strings.HasPrefix(lines[0], tt.want) || !strings.HasPrefix(lines[1], "Run 'spillcheck ") {
			t.Errorf("%q: exit %d, stdout %q, stderr:\n%s\nwant exit 2, no stdout, and a first line starting %q", tt.args, got.code, got.stdout, got.stderr, tt.want)
		}
	}
}

// TestShortFlags: the aliases nuclei and naabu users type set the same
// flags as the long names.
func TestShortFlags(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.jsonl")
	list := filepath.Join(dir, "hosts.txt")
	if err := os.WriteFile(list, []byte("127.0.0.1:12345\n127.0.0.1:6379\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got := runCLI(t, context.Background(), &fakeProbe{name: scanner.Redis}, "scan", "-c", "2", "-rl", "50", "-j", "-o", out, "-l", list, "-silent", "-nc")
	if got.code != exitFindings || got.stdout != "" || got.stderr != "" {
		t.Fatalf("%+v", got)
	}
	if n := len(readLines(t, out)); n != 2 {
		t.Errorf("-j -o wrote %d JSON lines, want 2", n)
	}
	help := runCLI(t, context.Background(), &fakeProbe{name: scanner.Redis}, "scan", "-h")
	for _, want := range []string{"  -c, --concurrency int", "  -rl, --rate, --rate-limit float", "  -j, --jsonl", "  -o, --output FILE", "  -l, --list FILE"} {
		if !strings.Contains(help.stdout, want) {
			t.Errorf("scan -h lacks %q", want)
		}
	}
}

// TestColor: the table is coloured only on a terminal, and NO_COLOR or
// --no-color turn it off.
func TestColor(t *testing.T) {
	for _, tt := range []struct {
		tty   bool
		env   string
		flags []string
		want  bool
	}{{true, "", nil, true}, {false, "", nil, false}, {true, "1", nil, false}, {true, "", []string{"--no-color"}, false}} {
		var out, errb bytes.Buffer
		c := &cli{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, stdoutTTY: tt.tty,
			getenv:   func(k string) string { return map[string]string{"NO_COLOR": tt.env}[k] },
			probes:   func() []scannerProbe { return []scannerProbe{&fakeProbe{name: scanner.Redis}} },
			noScorer: true}
		run(context.Background(), append([]string{"scan", "127.0.0.1:12345"}, tt.flags...), c)
		if got := strings.Contains(out.String(), "\x1b["); got != tt.want {
			t.Errorf("tty %v NO_COLOR %q flags %v: colour %v, want %v\n%q", tt.tty, tt.env, tt.flags, got, tt.want, out.String())
		}
	}
}

// TestTargetsUnknownPort: with more than one service scanned, a port no
// service owns is one target, shown as "any" and named from its answer.
func TestTargetsUnknownPort(t *testing.T) {
	var out, errb bytes.Buffer
	c := &cli{stdin: strings.NewReader(""), stdout: &out, stderr: &errb,
		probes: func() []scannerProbe {
			return []scannerProbe{&fakeProbe{name: scanner.Redis}, &fakeProbe{name: scanner.MongoDB}}
		}, noScorer: true}
	if code := run(context.Background(), []string{"targets", "127.0.0.1:1234"}, c); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "any ") || !strings.Contains(lines[0], "unknown port") {
		t.Errorf("targets printed:\n%s", out.String())
	}
}
