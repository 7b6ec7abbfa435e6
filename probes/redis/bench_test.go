package redis

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
)

// realisticKeyspace seeds about 1,500 keys: a chat service in db0 (message
// hashes, conversation lists, presence and session keys) and a cache in db1.
func realisticKeyspace() [][]string {
	var cmds [][]string
	add := func(args ...string) { cmds = append(cmds, args) }
	for i := range 400 {
		add("HSET", fmt.Sprintf("msg:%d", 100000+i), "sender", "+8613800138000", "recipient", "+447911123456",
			"body", "see you at 8", "ts", "1700000000", "status", "delivered")
	}
	for i := range 200 {
		add("RPUSH", fmt.Sprintf("chat:conv:%08x-e29b-41d4-a716-446655440000:messages", i), "m1", "m2")
		add("SET", fmt.Sprintf("presence:+44791112%04d", i), "online")
		add("SET", fmt.Sprintf("session:%032x", i*7919+1<<60), "uid")
		add("HSET", fmt.Sprintf("user:u%d@example.com", i), "name", "n", "phone", "p", "email", "e")
	}
	add("SELECT", "1")
	for i := range 300 {
		add("SET", fmt.Sprintf("cache:page:%d", i), "<html>")
	}
	return cmds
}

func benchProbe(b *testing.B, srv *redisServer, want scanner.Status) {
	d, err := scanner.NewDialer(scanner.DialerConfig{Timeout: 5 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	p, target := New(), srv.target()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		res, err := p.Probe(ctx, target, d.Env(ctx, target, scanner.Limits{}))
		if err != nil || res.Status != want {
			b.Fatalf("status %s err %v", res.Status, err)
		}
	}
}

// BenchmarkProbeOpen is the cost of one open target with the default
// limits: 1,000 keys sampled in db0 and 300 in db1.
func BenchmarkProbeOpen(b *testing.B) {
	srv := startRedis(b)
	srv.seed(b, realisticKeyspace())
	benchProbe(b, srv, scanner.StatusOpen)
}

// BenchmarkProbeAuthRequired is the cost of one target that asks for a
// password: one connection, one write (three INFOs and a SCAN), one read.
func BenchmarkProbeAuthRequired(b *testing.B) {
	benchProbe(b, startRedis(b, "--requirepass", "unused"), scanner.StatusAuthRequired)
}
