package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
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

func TestProgressText(t *testing.T) {
	for _, tt := range []struct {
		done, findings, planned int64
		all                     bool
		elapsed                 time.Duration
		want                    string
	}{
		{1200, 3, 5000, true, 4 * time.Second, "[progress] 1200/5000 targets (24%) · 300/s · 3 findings · 4s elapsed · 13s left"},
		{1200, 1, 5000, false, 4 * time.Second, "[progress] 1200/5000+ targets · 300/s · 1 finding · 4s elapsed"},
		{0, 0, 10, true, 0, "[progress] 0/10 targets (0%) · 0/s · 0 findings · 0s elapsed"},
		{10, 0, 10, true, time.Second, "[progress] 10/10 targets (100%) · 10/s · 0 findings · 1s elapsed"},
	} {
		got := progressText(scanner.Progress{Done: tt.done, Findings: tt.findings}, tt.planned, tt.all, tt.elapsed)
		if got != tt.want {
			t.Errorf("got  %q\nwant %q", got, tt.want)
		}
	}
}
