package bench

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/fingerprints"
	"github.com/spillcheck/spillcheck/probes/elasticsearch"
	"github.com/spillcheck/spillcheck/probes/mongodb"
	"github.com/spillcheck/spillcheck/probes/redis"
	"github.com/spillcheck/spillcheck/scanner"
	"github.com/spillcheck/spillcheck/scanner/output"
)

// BenchmarkScanFleet runs the whole pipeline as `spillcheck scan -l
// targets.txt --jsonl --rate 0 --concurrency 64` does, but in-process so it
// can be profiled: planner, runner, the real probes, the fingerprint scorer
// and the JSONL sink, writing to a file and flushed when the runner is idle,
// as the CLI wires it. It reads the target list of a fleet that bench/fleet
// started (FLEET_DIR, default /tmp/spillcheck-fleet) and skips when there is
// none. One op is one pass over the whole fleet.
//
//	go test ./bench -run '^$' -bench ScanFleet -benchtime 5x -cpuprofile cpu.out
func BenchmarkScanFleet(b *testing.B) {
	dir := os.Getenv("FLEET_DIR")
	if dir == "" {
		dir = "/tmp/spillcheck-fleet"
	}
	lines := readLines(b, filepath.Join(dir, "targets.txt"))
	reg, err := scanner.NewRegistry(elasticsearch.New(), mongodb.New(), redis.New())
	if err != nil {
		b.Fatal(err)
	}
	scorer, err := fingerprints.Default()
	if err != nil {
		b.Fatal(err)
	}
	out, err := os.Create(filepath.Join(b.TempDir(), "results.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	defer out.Close()
	b.ReportAllocs()
	var targets int
	cpu0 := cpuTime()
	b.ResetTimer()
	for range b.N {
		d, _ := scanner.NewDialer(scanner.DialerConfig{Timeout: 5 * time.Second})
		r := &scanner.Runner{Registry: reg, Dialer: d, Concurrency: 64, TargetTimeout: time.Minute, Scorer: scorer}
		p := &scanner.Planner{Registry: reg}
		entries := make(chan scanner.Entry, 256)
		jobs := make(chan scanner.Job, 64)
		go func() {
			defer close(entries)
			for _, l := range lines {
				e, err := scanner.ParseEntry(l)
				if err != nil {
					b.Error(err)
					return
				}
				entries <- e
			}
		}()
		ctx := context.Background()
		go p.Plan(ctx, entries, jobs)
		sink := output.NewJSONL(out)
		r.Idle = func() {
			if err := sink.Flush(); err != nil {
				b.Error(err)
			}
		}
		r.Run(ctx, jobs, func(res *scanner.Result) {
			targets++
			if err := sink.Result(res); err != nil {
				b.Error(err)
			}
		})
		if err := sink.Close(nil); err != nil {
			b.Error(err)
		}
	}
	b.StopTimer()
	if targets != b.N*len(lines) {
		b.Fatalf("%d results, want %d", targets, b.N*len(lines))
	}
	b.ReportMetric(float64(targets)/b.Elapsed().Seconds(), "targets/s")
	b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(targets), "cpu-ns/target")
}

func readLines(b *testing.B, path string) []string {
	f, err := os.Open(path)
	if err != nil {
		b.Skipf("no fleet target list (run bench/fleet up): %v", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	if err := sc.Err(); err != nil {
		b.Fatal(err)
	}
	return out
}
