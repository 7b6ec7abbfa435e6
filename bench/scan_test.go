package bench

import (
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/internal/ferrettest"
	"github.com/spillcheck/spillcheck/scanner"
)

// Every benchmark's op is one target, so ns/op, B/op and allocs/op are per
// target; targets/s and cpu-ns/target are reported beside them.

// BenchmarkScanClosedPorts probes refused loopback ports with 64 workers and
// no rate cap: the cost of the bulk of a real inventory.
func BenchmarkScanClosedPorts(b *testing.B) {
	targets := closedTargets(b.N)
	b.ReportAllocs()
	b.ResetTimer()
	st := scan(b, scanConfig{Dialer: scanner.DialerConfig{Timeout: 2 * time.Second}, Concurrency: 64}, targets)
	b.StopTimer()
	if st.ByStatus[scanner.StatusClosed] != b.N {
		b.Fatalf("statuses %v, want %d closed", st.ByStatus, b.N)
	}
	st.report(b)
}

// BenchmarkScanOpenRedis probes one open redis-server holding 40 keys of
// four patterns, the whole probe each time: INFO, SCAN, TYPE and hash field
// names.
func BenchmarkScanOpenRedis(b *testing.B) {
	addr := startRedis(b)
	seedRedis(b, addr, 40)
	targets := repeat(target(b, addr, scanner.Redis), b.N)
	b.ReportAllocs()
	b.ResetTimer()
	st := scan(b, scanConfig{Dialer: scanner.DialerConfig{Timeout: 2 * time.Second}, Concurrency: 8}, targets)
	b.StopTimer()
	if st.ByStatus[scanner.StatusOpen] != b.N {
		b.Fatalf("statuses %v, want %d open", st.ByStatus, b.N)
	}
	st.report(b)
}

// BenchmarkScanAuthRedis probes a redis-server with requirepass: one INFO,
// one -NOAUTH.
func BenchmarkScanAuthRedis(b *testing.B) {
	addr := startRedis(b, "--requirepass", "bench-secret")
	targets := repeat(target(b, addr, scanner.Redis), b.N)
	b.ReportAllocs()
	b.ResetTimer()
	st := scan(b, scanConfig{Dialer: scanner.DialerConfig{Timeout: 2 * time.Second}, Concurrency: 8}, targets)
	b.StopTimer()
	if st.ByStatus[scanner.StatusAuthRequired] != b.N {
		b.Fatalf("statuses %v, want %d auth-required", st.ByStatus, b.N)
	}
	st.report(b)
}

// BenchmarkScanFerretDB probes an embedded FerretDB (MongoDB wire protocol)
// with one small collection.
func BenchmarkScanFerretDB(b *testing.B) {
	srv, err := ferrettest.Start(ferrettest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Stop() })
	targets := repeat(target(b, srv.Addr, scanner.MongoDB), b.N)
	b.ReportAllocs()
	b.ResetTimer()
	st := scan(b, scanConfig{Dialer: scanner.DialerConfig{Timeout: 2 * time.Second}, Concurrency: 4}, targets)
	b.StopTimer()
	if st.ByStatus[scanner.StatusOpen] != b.N {
		b.Fatalf("statuses %v, want %d open", st.ByStatus, b.N)
	}
	st.report(b)
}

// BenchmarkScanWrongProtocol sends the MongoDB probe to a redis-server, the
// case where a banner-grabber's MongoDB module waited 60 s: it must end in
// a protocol error (or the server's close) within the per-read timeout.
func BenchmarkScanWrongProtocol(b *testing.B) {
	addr := startRedis(b)
	targets := repeat(target(b, addr, scanner.MongoDB), b.N)
	b.ReportAllocs()
	b.ResetTimer()
	st := scan(b, scanConfig{Dialer: scanner.DialerConfig{Timeout: time.Second}, Concurrency: 8}, targets)
	b.StopTimer()
	for _, r := range st.Results {
		if r.Status == scanner.StatusOpen || time.Duration(r.Duration) > 2*time.Second {
			b.Fatalf("MongoDB probe on redis: %s after %v (%s)", r.Status, time.Duration(r.Duration), r.Error)
		}
	}
	st.report(b)
}
