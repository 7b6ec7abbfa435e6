package bench

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/probes/elasticsearch"
	"github.com/spillcheck/spillcheck/probes/mongodb"
	"github.com/spillcheck/spillcheck/probes/redis"
	"github.com/spillcheck/spillcheck/scanner"
)

// scanConfig is one run of the pipeline.
type scanConfig struct {
	Dialer      scanner.DialerConfig
	Concurrency int
	Limits      scanner.Limits
	// TargetTimeout defaults to 30 s.
	TargetTimeout time.Duration
}

// scanStats is what a run measured.
type scanStats struct {
	Targets  int
	Wall     time.Duration
	CPU      time.Duration // user + system time of this process
	Dial     scanner.DialStats
	ByStatus map[scanner.Status]int
	Results  []*scanner.Result
}

// scan probes targets with the real probes through scanner.Runner, as the
// CLI does, and measures the run.
func scan(tb testing.TB, cfg scanConfig, targets []scanner.Target) scanStats {
	tb.Helper()
	reg, err := scanner.NewRegistry(redis.New(), mongodb.New(), elasticsearch.New())
	if err != nil {
		tb.Fatal(err)
	}
	d, err := scanner.NewDialer(cfg.Dialer)
	if err != nil {
		tb.Fatal(err)
	}
	if cfg.TargetTimeout == 0 {
		cfg.TargetTimeout = 30 * time.Second
	}
	r := &scanner.Runner{Registry: reg, Dialer: d, Limits: cfg.Limits,
		Concurrency: cfg.Concurrency, TargetTimeout: cfg.TargetTimeout}
	if err := r.Validate(); err != nil {
		tb.Fatal(err)
	}
	jobs := make(chan scanner.Job, cfg.Concurrency)
	go func() {
		defer close(jobs)
		for _, t := range targets {
			jobs <- scanner.Job{Target: t}
		}
	}()
	st := scanStats{ByStatus: map[scanner.Status]int{}}
	cpu0 := cpuTime()
	start := time.Now()
	r.Run(context.Background(), jobs, func(res *scanner.Result) {
		st.Targets++
		st.ByStatus[res.Status]++
		st.Results = append(st.Results, res)
	})
	st.Wall = time.Since(start)
	st.CPU = cpuTime() - cpu0
	st.Dial = d.Stats()
	return st
}

// report adds per-target metrics to a benchmark whose b.N is the number of
// targets.
func (st scanStats) report(b *testing.B) {
	b.ReportMetric(float64(st.Targets)/st.Wall.Seconds(), "targets/s")
	b.ReportMetric(float64(st.CPU.Nanoseconds())/float64(st.Targets), "cpu-ns/target")
	b.ReportMetric(float64(st.Dial.Dials)/float64(st.Targets), "dials/target")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// closedTargets returns n Redis targets on loopback addresses in
// 127.16.0.0/12 where nothing listens, so each is refused at once.
func closedTargets(n int) []scanner.Target {
	out := make([]scanner.Target, n)
	for i := range out {
		k, h := i/254, i%254+1
		a := netip.AddrFrom4([4]byte{127, byte(16 + k/256), byte(k % 256), byte(h)})
		out[i] = scanner.Target{Host: a.String(), IP: a, Port: 6379, Service: scanner.Redis}
	}
	return out
}

// target returns a target for addr (host:port) and service.
func target(tb testing.TB, addr, service string) scanner.Target {
	tb.Helper()
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		tb.Fatal(err)
	}
	return scanner.Target{Host: ap.Addr().String(), IP: ap.Addr(), Port: int(ap.Port()), Service: service}
}

// repeat returns n copies of t.
func repeat(t scanner.Target, n int) []scanner.Target {
	out := make([]scanner.Target, n)
	for i := range out {
		out[i] = t
	}
	return out
}

// seedRedis writes keys like a messaging app's, n in all over four
// patterns, every value the canary, with inline commands in one pipeline.
func seedRedis(tb testing.TB, addr string, n int) {
	tb.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		tb.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	var b strings.Builder
	for i := range n {
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "HSET user:%d phone bench-canary email bench-canary\r\n", i)
		case 1:
			fmt.Fprintf(&b, "HSET msg:%d sender_id bench-canary recipient_id bench-canary body bench-canary\r\n", i)
		case 2:
			fmt.Fprintf(&b, "SET session:%d bench-canary\r\n", i)
		case 3:
			fmt.Fprintf(&b, "RPUSH inbox:%d bench-canary\r\n", i)
		}
	}
	var wg sync.WaitGroup
	wg.Go(func() { c.Write([]byte(b.String())) })
	r := bufio.NewReader(c)
	for i := range n {
		line, err := r.ReadString('\n')
		if err != nil || line[0] == '-' {
			tb.Fatalf("seeding reply %d: %q %v", i, line, err)
		}
	}
	wg.Wait()
}

// writeLog records when each write reached the socket, per host. Its wrap
// goes in DialerConfig.WrapConn, beneath the scanner's per-host limiter.
type writeLog struct {
	mu sync.Mutex
	at map[string][]time.Time
}

func (w *writeLog) wrap(t scanner.Target, c net.Conn) net.Conn {
	return &loggedConn{Conn: c, log: w, host: t.IP.String()}
}

func (w *writeLog) times(host string) []time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Time(nil), w.at[host]...)
}

type loggedConn struct {
	net.Conn
	log  *writeLog
	host string
}

func (c *loggedConn) Write(p []byte) (int, error) {
	c.log.mu.Lock()
	if c.log.at == nil {
		c.log.at = map[string][]time.Time{}
	}
	c.log.at[c.host] = append(c.log.at[c.host], time.Now())
	c.log.mu.Unlock()
	return c.Conn.Write(p)
}
