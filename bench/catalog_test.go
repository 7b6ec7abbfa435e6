package bench

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
)

// catalogRSSBound is the documented bound (docs/scale.md): 8 targets of
// 100,000 indices each, scanned at once, stay under 128 MiB of peak RSS.
const catalogRSSBound = 128 << 20

// BenchmarkLargeCatalogRSS scans 8 fake Elasticsearch clusters that each
// list 100,000 indices (bench/escatalog: about 11 MB of _cat/indices each,
// every column filled, one msg-archive-2023 among 100,000 daily log
// indices) with the spillcheck binary, all 8 at once, and reports the
// binary's peak RSS from its rusage. It fails when a target is not fully
// assessed (open, msg-archive-2023 sampled) or when the peak is over the
// documented bound. ESCATALOG_SHAPE=tenants makes every index its own
// tenant (the grouping's worst case); ESCATALOG_TARGETS and
// ESCATALOG_INDICES change the sizes.
//
//	go test -run XXX -bench LargeCatalogRSS -benchtime 1x ./bench/
func BenchmarkLargeCatalogRSS(b *testing.B) {
	if runtime.GOOS != "linux" {
		b.Skip("peak RSS from rusage is read on Linux")
	}
	dir := b.TempDir()
	build := func(pkg, out string) string {
		path := filepath.Join(dir, out)
		cmd := exec.Command("go", "build", "-o", path, pkg)
		cmd.Dir = ".."
		if msg, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("go build %s: %v\n%s", pkg, err, msg)
		}
		return path
	}
	spillcheck := build("./cmd/spillcheck", "spillcheck")
	catalog := build("./bench/escatalog", "escatalog")
	targets := envOr("ESCATALOG_TARGETS", "8")
	srv := exec.Command(catalog, "-port", "0", "-targets", targets,
		"-indices", envOr("ESCATALOG_INDICES", "100000"), "-shape", envOr("ESCATALOG_SHAPE", "daily"))
	out, err := srv.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	var srvErr bytes.Buffer
	srv.Stderr = &srvErr
	if err := srv.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Process.Kill(); srv.Wait() })
	var urls []string
	for sc := bufio.NewScanner(out); len(urls) < atoi(b, targets) && sc.Scan(); {
		urls = append(urls, sc.Text())
	}
	if len(urls) != atoi(b, targets) {
		b.Fatalf("escatalog printed %d targets: %s", len(urls), srvErr.String())
	}
	list := filepath.Join(dir, "targets.txt")
	if err := os.WriteFile(list, []byte(strings.Join(urls, "\n")+"\n"), 0o644); err != nil {
		b.Fatal(err)
	}

	var peak int64
	var wall time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		results := filepath.Join(dir, fmt.Sprintf("results-%d.jsonl", i))
		cmd := exec.Command(spillcheck, "scan", "-l", list, "--jsonl", "-o", results, "--rate", "0",
			"--per-host-rate", "0", "--concurrency", "64", "--progress", "never", "--fail-on", "none", "-silent")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			b.Fatalf("spillcheck: %v\n%s", err, stderr.String())
		}
		wall += time.Since(start)
		ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		peak = max(peak, ru.Maxrss<<10)
		checkCatalogResults(b, results, len(urls))
	}
	b.StopTimer()
	b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MiB")
	b.ReportMetric(wall.Seconds()/float64(b.N), "wall-s/op")
	if peak > catalogRSSBound {
		b.Errorf("peak RSS %.1f MiB, over the documented bound of %d MiB", float64(peak)/(1<<20), catalogRSSBound>>20)
	}
}

// checkCatalogResults checks that every target was read whole and its
// messaging index sampled.
func checkCatalogResults(b *testing.B, path string, want int) {
	b.Helper()
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var r scanner.Result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			b.Fatal(err)
		}
		n++
		found := false
		for _, c := range r.Containers {
			found = found || (c.Name == "msg-archive-2023" && len(c.Fields) > 0)
		}
		if r.Status != scanner.StatusOpen || !found || r.Error != "" {
			b.Errorf("%s: status %s, msg-archive-2023 sampled %v, error %q, notes %q", r.Target.Addr(), r.Status, found, r.Error, r.Notes)
		}
	}
	if n != want {
		b.Errorf("%d results, want %d", n, want)
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func atoi(b *testing.B, s string) int {
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil || n < 1 {
		b.Fatalf("not a positive number: %q", s)
	}
	return n
}
