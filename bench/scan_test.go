package bench

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/spillcheck/spillcheck/internal/ferrettest"
	"github.com/spillcheck/spillcheck/scanner"
	"github.com/spillcheck/spillcheck/scanner/scantest"
)

// Every benchmark's op is one target, so ns/op, B/op and allocs/op are per
// target; targets/s and cpu-ns/target are reported beside them.

// benchScan scans targets (b.N of them) with the given per-read timeout and
// concurrency, no rate caps, checks every result has status want, and
// reports the metrics.
func benchScan(b *testing.B, targets []scanner.Target, timeout time.Duration, concurrency int, want scanner.Status) scanStats {
	b.ReportAllocs()
	b.ResetTimer()
	st := scan(b, scanConfig{Dialer: scanner.DialerConfig{Timeout: timeout}, Concurrency: concurrency}, targets)
	b.StopTimer()
	if want != "" && st.ByStatus[want] != len(targets) {
		b.Fatalf("statuses %v, want %d %s", st.ByStatus, len(targets), want)
	}
	st.report(b)
	return st
}

// BenchmarkScanClosedPorts probes refused loopback ports with 64 workers and
// no rate cap: the cost of the bulk of a real inventory. The sub-benchmarks
// give each probe the same closed ports.
func BenchmarkScanClosedPorts(b *testing.B) {
	benchScan(b, closedTargets(b.N), 2*time.Second, 64, scanner.StatusClosed)
}

func BenchmarkScanClosedPortsByProbe(b *testing.B) {
	for _, svc := range []string{scanner.Redis, scanner.MongoDB, scanner.Elasticsearch} {
		b.Run(svc, func(b *testing.B) {
			ts := closedTargets(b.N)
			for i := range ts {
				ts[i].Service = svc
			}
			benchScan(b, ts, 2*time.Second, 64, scanner.StatusClosed)
		})
	}
}

// BenchmarkScanOpenRedis probes one open redis-server holding 40 keys of
// four patterns, the whole probe each time: INFO, SCAN, TYPE and hash field
// names.
func BenchmarkScanOpenRedis(b *testing.B) {
	addr := scantest.StartRedis(b)
	seedRedis(b, addr, 40)
	benchScan(b, repeat(target(b, addr, scanner.Redis), b.N), 2*time.Second, 8, scanner.StatusOpen)
}

// BenchmarkScanAuthRedis probes a redis-server with requirepass: one INFO,
// one -NOAUTH.
func BenchmarkScanAuthRedis(b *testing.B) {
	addr := scantest.StartRedis(b, "--requirepass", "bench-secret")
	benchScan(b, repeat(target(b, addr, scanner.Redis), b.N), 2*time.Second, 8, scanner.StatusAuthRequired)
}

// BenchmarkScanFerretDB probes an embedded FerretDB (MongoDB wire protocol)
// seeded as bench/fleet's are: a chat database with users and messages.
func BenchmarkScanFerretDB(b *testing.B) {
	srv, err := ferrettest.Start(ferrettest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Stop() })
	seedChat(b, srv.Addr)
	benchScan(b, repeat(target(b, srv.Addr, scanner.MongoDB), b.N), 2*time.Second, 4, scanner.StatusOpen)
}

// seedChat writes chat.users and chat.messages, ten documents each, every
// value the canary.
func seedChat(b testing.TB, addr string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := mongo.Connect(ctx, options.Client().ApplyURI("mongodb://"+addr).SetDirect(true))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Disconnect(context.Background())
	const v = "bench-canary"
	for coll, fields := range map[string][]string{
		"users":    {"phone", "email", "display_name"},
		"messages": {"sender_id", "recipient_id", "body", "sent_at"},
	} {
		docs := make([]any, 10)
		for i := range docs {
			d := bson.D{{Key: "_id", Value: i}}
			for _, f := range fields {
				d = append(d, bson.E{Key: f, Value: v})
			}
			docs[i] = d
		}
		if _, err := c.Database("chat").Collection(coll).InsertMany(ctx, docs); err != nil {
			b.Fatalf("seeding chat.%s: %v", coll, err)
		}
	}
}

// BenchmarkScanWrongProtocol sends the MongoDB probe to a redis-server, the
// case where a banner-grabber's MongoDB module waited 60 s: it must end in
// a protocol error (or the server's close) within the per-read timeout.
func BenchmarkScanWrongProtocol(b *testing.B) {
	addr := scantest.StartRedis(b)
	st := benchScan(b, repeat(target(b, addr, scanner.MongoDB), b.N), time.Second, 8, "")
	for _, r := range st.Results {
		if r.Status == scanner.StatusOpen || time.Duration(r.Duration) > 2*time.Second {
			b.Fatalf("MongoDB probe on redis: %s after %v (%s)", r.Status, time.Duration(r.Duration), r.Error)
		}
	}
}
