package output

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spillcheck/spillcheck/scanner"
)

// writes records each Write call, so a test can see where the lines were cut.
type writes struct{ calls [][]byte }

func (w *writes) Write(p []byte) (int, error) {
	w.calls = append(w.calls, append([]byte(nil), p...))
	return len(p), nil
}

// TestJSONLWritesWholeLines checks the buffering contract: nothing is
// written before Flush or a full buffer, Flush writes every line, and every
// write to the file ends at a line's end, even for a line longer than the
// buffer, so a killed run leaves no half line.
func TestJSONLWritesWholeLines(t *testing.T) {
	small := &scanner.Result{Target: scanner.Target{Host: "127.0.0.1", Port: 6379, Service: scanner.Redis}, Status: scanner.StatusClosed}
	big := &scanner.Result{Target: small.Target, Status: scanner.StatusError, Error: strings.Repeat("x", jsonlBuffer)}
	tests := []struct {
		name       string
		results    []*scanner.Result
		flush      bool
		wantWrites int
		wantLines  int
	}{
		{"buffered until flushed", []*scanner.Result{small, small, small}, false, 0, 0},
		{"flush writes every line at once", []*scanner.Result{small, small, small}, true, 1, 3},
		{"a full buffer goes out before the line that does not fit", []*scanner.Result{small, big}, false, 2, 2},
		{"then the rest on flush", []*scanner.Result{small, big, small}, true, 3, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var w writes
			j := NewJSONL(&w)
			for _, r := range tc.results {
				if err := j.Result(r); err != nil {
					t.Fatal(err)
				}
			}
			if tc.flush {
				if err := j.Flush(); err != nil {
					t.Fatal(err)
				}
			}
			var all []byte
			for _, c := range w.calls {
				if !bytes.HasSuffix(c, []byte("\n")) {
					t.Errorf("a write ends in the middle of a line: ...%q", c[max(0, len(c)-20):])
				}
				all = append(all, c...)
			}
			if len(w.calls) != tc.wantWrites || bytes.Count(all, []byte("\n")) != tc.wantLines {
				t.Errorf("%d writes, %d lines; want %d and %d", len(w.calls), bytes.Count(all, []byte("\n")), tc.wantWrites, tc.wantLines)
			}
		})
	}
}

// TestMultiFlush flushes every sink that buffers and skips those that do not.
func TestMultiFlush(t *testing.T) {
	var a, b writes
	m := Multi{NewJSONL(&a), NewTable(&bytes.Buffer{}), NewJSONL(&b)}
	r := &scanner.Result{Target: scanner.Target{Host: "127.0.0.1", Port: 6379, Service: scanner.Redis}, Status: scanner.StatusClosed}
	if err := m.Result(r); err != nil {
		t.Fatal(err)
	}
	if len(a.calls)+len(b.calls) != 0 {
		t.Fatalf("written before Flush")
	}
	if err := m.Flush(); err != nil {
		t.Fatal(err)
	}
	if len(a.calls) != 1 || len(b.calls) != 1 {
		t.Errorf("after Flush: %d and %d writes, want 1 and 1", len(a.calls), len(b.calls))
	}
}
