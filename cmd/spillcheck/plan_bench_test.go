package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// BenchmarkCLIPlan1M runs the built command, `spillcheck targets`, on a host
// list of 1,000,000 distinct targets and reports the process's peak RSS,
// which must stay under 64 MiB (issue 15), with the CLI's own GC settings.
//
//	go test ./cmd/spillcheck -run '^$' -bench CLIPlan1M -benchtime 1x
func BenchmarkCLIPlan1M(b *testing.B) {
	dir := b.TempDir()
	bin := filepath.Join(dir, "spillcheck")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	list := filepath.Join(dir, "hosts.txt")
	f, err := os.Create(list)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for i := range 1_000_000 { // 10.0.0.0 upwards: planned, never dialled
		fmt.Fprintf(w, "10.%d.%d.%d:6379\n", i>>16, i>>8&255, i&255)
	}
	if err := w.Flush(); err != nil || f.Close() != nil {
		b.Fatal(err)
	}
	var peak int64
	b.ResetTimer()
	for range b.N {
		cmd := exec.Command(bin, "targets", "-l", list, "-silent")
		cmd.Env = append(os.Environ(), "GOGC=", "GOMEMLIMIT=")
		if err := cmd.Run(); err != nil {
			b.Fatal(err)
		}
		peak = max(peak, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss<<10)
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MiB")
	if peak > 64<<20 {
		b.Errorf("planning 1,000,000 targets peaked at %.1f MiB RSS, over 64 MiB", float64(peak)/(1<<20))
	}
}
