package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestFailOnAndBaseline: the exit code follows --fail-on and the baseline.
// Port 12345 is an open store with a high finding (see fakeProbe).
func TestFailOnAndBaseline(t *testing.T) {
	dir := t.TempDir()
	accept := func(target, container, expires string) string {
		b, _ := json.Marshal(map[string]any{"accept": []map[string]string{{
			"target": target, "container": container, "reason": "lab fixture, SEC-1", "expires": expires}}})
		return writeFile(t, dir, strings.NewReplacer("/", "_", ":", "_", "*", "x").Replace(target+container+expires)+".json", string(b))
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"no baseline", nil, exitFindings, "1 high (1 at or above --fail-on high)", ""},
		{"whole target accepted", []string{"--baseline", accept("redis://127.0.0.1:12345", "", "")}, exitOK,
			"Findings: none; 1 accepted by the baseline", ""},
		{"container accepted", []string{"--baseline", accept("redis://127.0.0.1:*", "db0/chat:*", "2999-01-01")}, exitOK,
			"1 accepted by the baseline", ""},
		{"expired", []string{"--baseline", accept("redis://127.0.0.1:12345", "", "2020-01-31")}, exitFindings,
			"1 high (1 at or above --fail-on high)", `entry "redis://127.0.0.1:12345" expired on 2020-01-31; the findings of 1 target it matched count again`},
		{"expired, matches nothing", []string{"--baseline", accept("redis://127.0.0.9:6379", "", "2020-01-31")}, exitFindings,
			"1 high", `entry "redis://127.0.0.9:6379" expired on 2020-01-31 and matches nothing any more; remove it`},
		{"other target", []string{"--baseline", accept("redis://127.0.0.9:6379", "", "2999-01-01")}, exitFindings,
			"1 high", `entry "redis://127.0.0.9:6379" accepted nothing in this run; is it stale? (spillcheck baseline --prune`},
		{"no expiry", []string{"--baseline", accept("redis://127.0.0.1:12345", "", "")}, exitOK,
			"1 accepted", `1 entry never expires: "redis://127.0.0.1:12345"; add "expires"`},
		{"other container", []string{"--baseline", accept("redis://127.0.0.1:12345", "db1/*", "")}, exitFindings, "1 high", ""},
		{"below threshold", []string{"--fail-on", "critical"}, exitOK, "1 high (0 at or above --fail-on critical)", ""},
		{"low threshold", []string{"--fail-on", "low"}, exitFindings, "(1 at or above --fail-on low)", ""},
		{"expired below threshold", []string{"--fail-on", "critical", "--baseline", accept("*", "", "2020-01-01")}, exitOK, "1 high", ""},
		{"bad baseline", []string{"--baseline", writeFile(t, dir, "bad.json", `{"accept":[{"target":"x"}]}`)}, exitUsage, "", "reason is empty"},
		{"missing baseline", []string{"--baseline", filepath.Join(dir, "nope.json")}, exitUsage, "", "nope.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"scan", "127.0.0.1:12345", "127.0.0.1:6379"}, tt.args...)
			got := runCLI(t, context.Background(), &fakeProbe{name: "redis"}, args...)
			if got.code != tt.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", got.code, tt.code, got.stdout, got.stderr)
			}
			if !strings.Contains(got.stdout, tt.stdout) || !strings.Contains(got.stderr, tt.stderr) {
				t.Errorf("want stdout %q and stderr %q, got:\n%s\n%s", tt.stdout, tt.stderr, got.stdout, got.stderr)
			}
		})
	}
}

// TestBaselineRoundTrip writes a baseline from a result file, and a scan
// with it then passes the gate; a new finding still fails it.
func TestBaselineRoundTrip(t *testing.T) {
	dir := t.TempDir()
	results := filepath.Join(dir, "results.jsonl")
	p := &fakeProbe{name: "redis"}
	if got := runCLI(t, context.Background(), p, "scan", "--jsonl", "-o", results, "127.0.0.1:12345"); got.code != exitFindings {
		t.Fatalf("%+v", got)
	}
	bl := filepath.Join(dir, "accepted.json")
	got := runCLI(t, context.Background(), p, "baseline", "--from", results, "-o", bl, "--reason", "reviewed", "--expires", "2999-12-31")
	if got.code != exitOK || !strings.Contains(got.stderr, "wrote 1 baseline entries from 1 results") {
		t.Fatalf("%+v", got)
	}
	b, _ := os.ReadFile(bl)
	if !strings.Contains(string(b), `"reason": "reviewed"`) || !strings.Contains(string(b), `"expires": "2999-12-31"`) {
		t.Errorf("baseline:\n%s", b)
	}
	if got := runCLI(t, context.Background(), p, "scan", "--baseline", bl, "127.0.0.1:12345"); got.code != exitOK {
		t.Errorf("accepted: %+v", got)
	}
	if got := runCLI(t, context.Background(), p, "scan", "--baseline", bl, "127.0.0.1:12345", "127.0.0.1:12346"); got.code != exitFindings {
		t.Errorf("a new finding must still fail: %+v", got)
	}
	// From a fresh scan, too.
	bl2 := filepath.Join(dir, "fresh.json")
	if got := runCLI(t, context.Background(), p, "baseline", "-o", bl2, "127.0.0.1:12345", "127.0.0.1:6379"); got.code != exitOK {
		t.Errorf("baseline from a scan: %+v", got)
	}
	if got := runCLI(t, context.Background(), p, "baseline", "127.0.0.1:1"); got.code != exitUsage {
		t.Errorf("baseline without -o: %+v", got)
	}
}

// TestReportsWritten: the document reports are written next to the table.
func TestReportsWritten(t *testing.T) {
	dir := t.TempDir()
	sarif, md, html := filepath.Join(dir, "r.sarif"), filepath.Join(dir, "r.md"), filepath.Join(dir, "r.html")
	got := runCLI(t, context.Background(), &fakeProbe{name: "redis"}, "scan", "--sarif", sarif, "--markdown", md, "--html", html,
		"127.0.0.1:12345", "127.0.0.1:6379")
	if got.code != exitFindings {
		t.Fatalf("%+v", got)
	}
	for path, want := range map[string]string{sarif: `"version": "2.1.0"`, md: "chat:<phone>:inbox", html: "<html"} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), want) {
			t.Errorf("%s lacks %q", filepath.Base(path), want)
		}
	}
}

// TestBaselineExpiredIsNotUnused: an expired entry is never called unused.
func TestBaselineExpiredIsNotUnused(t *testing.T) {
	dir := t.TempDir()
	b := writeFile(t, dir, "b.json", `{"accept":[{"target":"redis://127.0.0.1:12345","reason":"r","expires":"2020-01-31"}]}`)
	got := runCLI(t, context.Background(), &fakeProbe{name: "redis"}, "scan", "127.0.0.1:12345", "--baseline", b)
	if strings.Contains(got.stderr, "accepted nothing") || !strings.Contains(got.stderr, "expired on 2020-01-31") {
		t.Errorf("stderr:\n%s", got.stderr)
	}
}

// TestBaselinePrune: --prune rewrites the accept list without the entries
// that match no finding, from a result file or a fresh scan.
func TestBaselinePrune(t *testing.T) {
	dir := t.TempDir()
	list := `{"version":1,"accept":[
 {"target":"redis://127.0.0.1:12345","container":"db0/chat:*","reason":"kept","expires":"2999-01-01"},
 {"target":"redis://127.0.0.1:6379","reason":"clean now","expires":"2999-01-01"},
 {"target":"redis://10.9.9.9:6379","reason":"gone"}]}`
	for _, tc := range []struct {
		name string
		args func(b string) []string
	}{
		{"fresh scan", func(b string) []string {
			return []string{"baseline", "--prune", b, "127.0.0.1:12345", "127.0.0.1:6379"}
		}},
		{"from results", func(b string) []string {
			res := filepath.Join(dir, "res.jsonl")
			if got := runCLI(t, context.Background(), &fakeProbe{name: "redis"}, "scan", "--jsonl", "-o", res, "127.0.0.1:12345", "127.0.0.1:6379"); got.code != exitFindings {
				t.Fatalf("%+v", got)
			}
			return []string{"baseline", "--prune", b, "--from", res}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := writeFile(t, dir, "accept.json", list)
			got := runCLI(t, context.Background(), &fakeProbe{name: "redis"}, tc.args(b)...)
			if got.code != exitOK || !strings.Contains(got.stderr, "kept 1 of 3 baseline entries") ||
				!strings.Contains(got.stderr, `removing "redis://10.9.9.9:6379" (gone)`) {
				t.Fatalf("%+v", got)
			}
			body, _ := os.ReadFile(b)
			if !strings.Contains(string(body), `"reason": "kept"`) || strings.Contains(string(body), "clean now") || strings.Contains(string(body), "gone") {
				t.Errorf("pruned file:\n%s", body)
			}
		})
	}
	res := writeFile(t, dir, "results-as-baseline.jsonl", "")
	if got := runCLI(t, context.Background(), &fakeProbe{name: "redis"}, "baseline", "--prune", filepath.Join(dir, "missing.json"), "--from", res); got.code != exitUsage {
		t.Errorf("missing file: %+v", got)
	}
}
