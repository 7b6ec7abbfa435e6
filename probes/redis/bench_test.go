package redis

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/internal/procstat"
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

// keyspaceOf seeds n keys of four patterns in db 0: user:<int> and
// msg:<int> hashes, session:<int> strings and inbox:<int> lists.
func keyspaceOf(n int) [][]string {
	var cmds [][]string
	for i := range n {
		switch i % 4 {
		case 0:
			cmds = append(cmds, []string{"HSET", fmt.Sprintf("user:%d", i), "phone", canary, "email", canary})
		case 1:
			cmds = append(cmds, []string{"HSET", fmt.Sprintf("msg:%d", i), "sender_id", canary, "body", canary})
		case 2:
			cmds = append(cmds, []string{"SET", fmt.Sprintf("session:%d", i), canary})
		case 3:
			cmds = append(cmds, []string{"RPUSH", fmt.Sprintf("inbox:%d", i), canary})
		}
	}
	return cmds
}

// serverCPU is the run time, in ns, of every thread of process pid.
func serverCPU(b *testing.B, pid int) int64 {
	sum := procstat.CPU(pid)
	if sum == 0 {
		b.Skip("no schedstat for redis-server")
	}
	return sum
}

// BenchmarkProbeServerCost is what one open target costs redis-server:
// its CPU per probe (server-us/op) and the commands the probe sends
// (cmds/op), for a db of 40 keys and one of 1,000, four patterns each.
func BenchmarkProbeServerCost(b *testing.B) {
	for _, n := range []int{40, 1000} {
		b.Run(fmt.Sprint(n, "keys"), func(b *testing.B) {
			srv := startRedis(b)
			srv.seed(b, keyspaceOf(n))
			_, rec, err := runProbe(b, srv.target(), scanner.Limits{}, 5*time.Second)
			if err != nil {
				b.Fatal(err)
			}
			written, _ := rec.bytes()
			cmds := len(sentCommands(b, written))
			before := serverCPU(b, srv.pid)
			benchProbe(b, srv, scanner.StatusOpen)
			b.ReportMetric(float64(serverCPU(b, srv.pid)-before)/1e3/float64(b.N), "server-us/op")
			b.ReportMetric(float64(cmds), "cmds/op")
		})
	}
}
