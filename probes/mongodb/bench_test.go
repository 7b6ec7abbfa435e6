package mongodb

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
	"github.com/spillcheck/spillcheck/scanner/scantest"
)

// benchProbe probes addr b.N times and reports connections and bytes per
// probe, round trips and messages besides time and allocations.
func benchProbe(b *testing.B, addr string, want scanner.Status) {
	rec := &recorder{}
	d, err := scanner.NewDialer(scanner.DialerConfig{Timeout: 2 * time.Second, WrapConn: rec.wrap})
	if err != nil {
		b.Fatal(err)
	}
	tg := target(b, addr)
	p := New()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		res, err := p.Probe(ctx, tg, d.Env(ctx, tg, scanner.Limits{}))
		cancel()
		status := res.Status
		if status == "" {
			status = scanner.Classify(err)
		}
		if status != want {
			b.Fatalf("status %q (%v), want %q", status, err, want)
		}
	}
	b.StopTimer()
	var sent, recv, writes, msgs int
	for _, c := range rec.conns {
		sent += c.sent.Len()
		recv += c.recv.Len()
		writes += len(c.flights)
		for _, n := range c.flights {
			msgs += n
		}
	}
	b.ReportMetric(float64(len(rec.conns))/float64(b.N), "conns/op")
	b.ReportMetric(float64(sent)/float64(b.N), "sent-B/op")
	b.ReportMetric(float64(recv)/float64(b.N), "recv-B/op")
	// One write per round trip: a flight of pipelined commands is one.
	b.ReportMetric(float64(writes)/float64(b.N), "round-trips/op")
	b.ReportMetric(float64(msgs)/float64(b.N), "msgs/op")
}

// BenchmarkProbeFerretDB is an open target with 7 collections in 3
// databases: the real fallback path (FerretDB refuses $sample once).
func BenchmarkProbeFerretDB(b *testing.B) {
	addr := startFerret(b)
	seed(b, addr)
	benchProbe(b, addr, scanner.StatusOpen)
}

// BenchmarkProbeSampling is an open MongoDB 6.0-like target (fake server,
// canned replies) with one sampled collection and a view: the key-name
// aggregation path through the driver's operation layer.
func BenchmarkProbeSampling(b *testing.B) {
	srv := startFake(b, "", modernServer(b, "127.0.0.1:2"))
	benchProbe(b, srv.addr(), scanner.StatusOpen)
}

// BenchmarkProbeClosedPort is a refused connection.
func BenchmarkProbeClosedPort(b *testing.B) {
	benchProbe(b, "127.0.0.1:"+strconv.Itoa(scantest.FreePort(b)), scanner.StatusClosed)
}
