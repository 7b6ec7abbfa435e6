package elasticsearch

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
)

// benchIndices is how many distinct, ungrouped indices the open-cluster
// benchmark lists: 50 units, 50 representatives, four mapping requests.
const benchIndices = 50

func seedBench(b *testing.B) scanner.Target {
	b.Helper()
	u := requireURL(b, openSearchEnv, openSearchDefault)
	s := seeder{t: b, base: u, hc: &http.Client{Timeout: 2 * time.Minute}}
	s.call("DELETE", "/bench-*?ignore_unavailable=true", nil, 404)
	b.Cleanup(func() { s.call("DELETE", "/bench-*?ignore_unavailable=true", nil, 404) })
	for i := 0; i < benchIndices; i++ {
		name := fmt.Sprintf("bench-%c%c", 'a'+i/26, 'a'+i%26)
		s.call("PUT", "/"+name, map[string]any{"settings": map[string]any{"number_of_shards": 1, "number_of_replicas": 0}})
		s.bulk(name, message(1, i))
	}
	return targetOf(b, u)
}

// benchProbe probes target b.N times and reports bytes and connections per
// probe next to ns/op and allocs/op.
func benchProbe(b *testing.B, target scanner.Target, want scanner.Status) {
	rec := &recorder{}
	d, err := scanner.NewDialer(scanner.DialerConfig{Timeout: 5 * time.Second, WrapConn: rec.wrap})
	if err != nil {
		b.Fatal(err)
	}
	p := New()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		res, err := p.Probe(ctx, target, d.Env(ctx, target, scanner.Limits{}))
		cancel()
		if err != nil || res.Status != want {
			b.Fatalf("status %s err %v", res.Status, err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(len(rec.received()))/float64(b.N), "rx-bytes/op")
	b.ReportMetric(float64(len(rec.sent()))/float64(b.N), "tx-bytes/op")
	b.ReportMetric(float64(rec.connections())/float64(b.N), "conns/op")
}

func BenchmarkProbeOpen50Indices(b *testing.B) {
	target := seedBench(b)
	benchProbe(b, target, scanner.StatusOpen)
}

func BenchmarkProbeAuthRequiredNginx(b *testing.B) {
	target := targetOf(b, requireURL(b, nginxEnv, nginxDefault))
	benchProbe(b, target, scanner.StatusAuthRequired)
}
