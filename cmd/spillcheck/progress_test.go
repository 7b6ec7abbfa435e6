package main

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestProgressGoesToStderr: with --progress always, the progress line is on
// stderr and never on stdout; with the default (auto) and no terminal there
// is none.
func TestProgressGoesToStderr(t *testing.T) {
	slow := func() *fakeProbe {
		return &fakeProbe{name: "redis", onCall: func(int64) { time.Sleep(700 * time.Millisecond) }}
	}
	got := runCLI(t, context.Background(), slow(), "scan", "--progress", "always", "--jsonl", "127.0.0.1:12345")
	if !strings.Contains(got.stderr, "[progress] ") || strings.Contains(got.stdout, "[progress]") {
		t.Errorf("progress: stderr %q, stdout %q", got.stderr, got.stdout)
	}
	if !strings.Contains(got.stderr, "/1 targets") {
		t.Errorf("progress line does not count done/planned: %q", got.stderr)
	}
	got = runCLI(t, context.Background(), slow(), "scan", "--jsonl", "127.0.0.1:12345")
	if strings.Contains(got.stderr, "[progress]") {
		t.Errorf("progress without a terminal: %q", got.stderr)
	}
}
