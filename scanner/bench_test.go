package scanner

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"
)

// BenchmarkReadAndPlan measures parsing and planning a host list, per line:
// the work `spillcheck targets` and the front of `scan` do for every input
// line. Memory per line must stay flat (streaming).
func BenchmarkReadAndPlan(b *testing.B) {
	var buf bytes.Buffer
	for i := range 100_000 {
		fmt.Fprintf(&buf, "127.%d.%d.%d:6379\n", (i>>16)&255, (i>>8)&255, i&255)
	}
	data := buf.Bytes()
	reg := testRegistry(b)
	b.ReportAllocs()
	b.ResetTimer()
	lines := 0
	for range b.N {
		entries := make(chan Entry, 256)
		jobs := make(chan Job, 256)
		go func() {
			defer close(entries)
			_ = ReadList(bytes.NewReader(data), "bench.txt", func(e Entry) error { entries <- e; return nil },
				func(error) error { return nil })
		}()
		p := &Planner{Registry: reg}
		go p.Plan(context.Background(), entries, jobs)
		for j := range jobs {
			_, _ = io.WriteString(io.Discard, j.Target.Key())
			lines++
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(lines), "ns/line")
}
