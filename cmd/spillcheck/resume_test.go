package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/spillcheck/spillcheck/scanner"
)

func portTargets(n int) []string {
	var args []string
	for i := range n {
		args = append(args, fmt.Sprintf("127.0.0.1:%d", 10000+i))
	}
	return args
}

func keysIn(t *testing.T, path string) []string {
	t.Helper()
	var keys []string
	for _, l := range readLines(t, path) {
		if l == "" {
			continue
		}
		var r scanner.Result
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		keys = append(keys, r.Target.Key())
	}
	sort.Strings(keys)
	return keys
}

// TestInterruptKeepsResults cancels a scan (as Ctrl-C does) after some
// targets finished: every finished result is in the JSONL file, and the
// exit code says interrupted.
func TestInterruptKeepsResults(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := &fakeProbe{name: scanner.Redis, onCall: func(n int64) {
		if n == 8 {
			cancel()
		}
	}}
	out := filepath.Join(t.TempDir(), "out.jsonl")
	args := append([]string{"scan", "--concurrency", "1", "--jsonl", "-o", out}, portTargets(50)...)
	got := runCLI(t, ctx, p, args...)
	if got.code != exitInterrupted || !strings.Contains(got.stderr, "interrupted") {
		t.Fatalf("%+v", got)
	}
	keys := keysIn(t, out)
	if len(keys) < 7 || len(keys) > 8 {
		t.Errorf("%d results kept, want the 7 or 8 finished before the interrupt", len(keys))
	}
}

// TestResume interrupts a run, then reruns it with the same flags: nothing
// is probed twice, and the final output holds every target exactly once.
func TestResume(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state.jsonl")
	targets := portTargets(30)

	ctx, cancel := context.WithCancel(context.Background())
	p1 := &fakeProbe{name: scanner.Redis, onCall: func(n int64) {
		if n == 11 {
			cancel()
		}
	}}
	args := append([]string{"scan", "--concurrency", "1", "--jsonl", "-o", filepath.Join(dir, "run1.jsonl"), "--resume", state}, targets...)
	if got := runCLI(t, ctx, p1, args...); got.code != exitInterrupted {
		t.Fatalf("first run: %+v", got)
	}
	done := keysIn(t, state)
	if len(done) != 10 {
		t.Fatalf("resume file has %d results, want 10", len(done))
	}
	// A kill -9 can leave half a line behind.
	f, _ := os.OpenFile(state, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"target":{"host":"127.0.0.1","port":100`)
	f.Close()

	p2 := &fakeProbe{name: scanner.Redis}
	out := filepath.Join(dir, "run2.jsonl")
	args = append([]string{"scan", "--concurrency", "4", "--jsonl", "-o", out, "--resume", state}, targets...)
	got := runCLI(t, context.Background(), p2, args...)
	if got.code != exitFindings {
		t.Fatalf("second run: %+v", got)
	}
	if n := p2.calls.Load(); n != 20 {
		t.Errorf("second run probed %d targets, want the 20 not done", n)
	}
	all := keysIn(t, out)
	if len(all) != 30 {
		t.Fatalf("final output has %d results, want 30", len(all))
	}
	for i := 1; i < len(all); i++ {
		if all[i] == all[i-1] {
			t.Errorf("%s twice", all[i])
		}
	}
	if s := keysIn(t, state); len(s) != 30 {
		t.Errorf("resume file has %d results after the second run, want 30", len(s))
	}
	if !strings.Contains(got.stderr, "cut off") {
		t.Errorf("no warning about the truncated line: %s", got.stderr)
	}
}

func TestMergeDedupes(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "b.jsonl")
	p := &fakeProbe{name: scanner.Redis}
	runCLI(t, context.Background(), p, append([]string{"scan", "--jsonl", "-o", a}, portTargets(5)...)...)
	runCLI(t, context.Background(), p, append([]string{"scan", "--jsonl", "-o", b}, portTargets(8)[3:]...)...)
	out := filepath.Join(dir, "merged.jsonl")
	got := runCLI(t, context.Background(), p, "merge", "--jsonl", "-o", out, a, b)
	if got.code != exitFindings {
		t.Fatalf("%+v", got)
	}
	if keys := keysIn(t, out); len(keys) != 8 {
		t.Errorf("merged %d results, want 8 unique targets", len(keys))
	}
	if got := runCLI(t, context.Background(), p, "merge", filepath.Join(dir, "missing.jsonl")); got.code != exitUsage {
		t.Errorf("missing file: %+v", got)
	}
}
