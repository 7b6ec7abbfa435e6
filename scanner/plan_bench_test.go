package scanner

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"runtime"
	"syscall"
	"testing"
)

// lineGen streams n target lines without holding them: "127.A.B.C:6379".
type lineGen struct {
	n, i int
	buf  []byte
}

func (g *lineGen) Read(p []byte) (int, error) {
	for len(g.buf) < len(p) && g.i < g.n {
		g.buf = fmt.Appendf(g.buf, "127.%d.%d.%d:6379\n", g.i>>16&255, g.i>>8&255, g.i&255)
		g.i++
	}
	if len(g.buf) == 0 {
		return 0, io.EOF
	}
	k := copy(p, g.buf)
	g.buf = g.buf[:copy(g.buf, g.buf[k:])]
	return k, nil
}

// BenchmarkPlan1M reads a list of 1,000,000 unique host:port lines and plans
// them: every target is held (to merge duplicates) until the input ends.
// live-MiB is the heap still in use once the last line is read (at the
// first job, after a GC); maxrss-MiB is the process's peak RSS, meaningful
// when the benchmark runs alone (-run '^$' -bench Plan1M -benchtime 1x).
func BenchmarkPlan1M(b *testing.B) {
	const n = 1_000_000
	reg := testRegistry(b)
	b.ReportAllocs()
	var live uint64
	for range b.N {
		entries := make(chan Entry, 256)
		jobs := make(chan Job, 256)
		go func() {
			defer close(entries)
			_ = ReadList(bufio.NewReader(&lineGen{n: n}), "bench.txt", func(e Entry) error { entries <- e; return nil },
				func(err error) error { return err })
		}()
		p := &Planner{Registry: reg}
		go p.Plan(context.Background(), entries, jobs)
		got := 0
		for range jobs {
			if got == 0 {
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				live = max(live, ms.HeapAlloc)
			}
			got++
		}
		if got != n {
			b.Fatalf("planned %d, want %d", got, n)
		}
	}
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	b.ReportMetric(float64(live)/(1<<20), "live-MiB")
	b.ReportMetric(float64(ru.Maxrss)/1024, "maxrss-MiB")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/target")
}
