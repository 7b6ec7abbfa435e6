package bench

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
)

// TestPerHostCapDuringDeepSampling samples a redis-server holding 4,000 keys
// as ten targets, four at once (ports of one host share its cap) and checks
// every write that reached the socket fits the per-host token bucket: no
// more than burst + rate × span writes in any span.
func TestPerHostCapDuringDeepSampling(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	const perHost = 20.0
	addr := startRedis(t)
	seedRedis(t, addr, 4000)
	tgt := target(t, addr, scanner.Redis)
	var wl writeLog
	st := scan(t, scanConfig{
		Dialer:      scanner.DialerConfig{PerHostRate: perHost, Timeout: 2 * time.Second, WrapConn: wl.wrap},
		Concurrency: 4,
		Limits:      scanner.Limits{MaxKeys: 1000},
	}, repeat(tgt, 10))
	if st.ByStatus[scanner.StatusOpen] != 10 {
		t.Fatalf("statuses %v, want 10 open", st.ByStatus)
	}
	ts := wl.times(tgt.IP.String())
	if len(ts) < 2*int(perHost) {
		t.Fatalf("only %d writes: the sampling was not deep enough to test the cap", len(ts))
	}
	if err := conforms(ts, perHost, int(perHost)); err != nil {
		t.Error(err)
	}
	t.Logf("%d writes in %v: %.1f writes/s after the burst, at most %d in any second (cap %.0f/s, burst %d)",
		len(ts), ts[len(ts)-1].Sub(ts[0]).Round(time.Millisecond), sustained(ts, int(perHost)),
		maxInWindow(ts, time.Second), perHost, int(perHost))
}

// BenchmarkPerHostCap reports the per-host write rate achieved while one
// deep-sampled redis-server is probed, against the cap of 20 writes/s.
func BenchmarkPerHostCap(b *testing.B) {
	const perHost = 20.0
	addr := startRedis(b)
	seedRedis(b, addr, 4000)
	tgt := target(b, addr, scanner.Redis)
	var wl writeLog
	b.ResetTimer()
	scan(b, scanConfig{
		Dialer:      scanner.DialerConfig{PerHostRate: perHost, Timeout: 2 * time.Second, WrapConn: wl.wrap},
		Concurrency: 4,
		Limits:      scanner.Limits{MaxKeys: 1000},
	}, repeat(tgt, b.N))
	b.StopTimer()
	ts := wl.times(tgt.IP.String())
	if err := conforms(ts, perHost, int(perHost)); err != nil {
		b.Error(err)
	}
	b.ReportMetric(float64(len(ts))/float64(b.N), "writes/target")
	b.ReportMetric(sustained(ts, int(perHost)), "writes/s")
	b.ReportMetric(float64(maxInWindow(ts, time.Second)), "max-writes/1s")
}

// TestRateFidelityClosedPorts probes 600 refused ports at 300 new
// connections per second through the whole pipeline and checks the
// achieved rate is within 5% of it.
func TestRateFidelityClosedPorts(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	const rate = 300.0
	st := scan(t, scanConfig{Dialer: scanner.DialerConfig{Rate: rate, Timeout: time.Second}, Concurrency: 64},
		closedTargets(600))
	if st.ByStatus[scanner.StatusClosed] != 600 {
		t.Fatalf("statuses %v", st.ByStatus)
	}
	if got := st.Dial.Rate(); math.Abs(got-rate)/rate > 0.05 {
		t.Errorf("achieved %.1f connections/s, want %.0f ± 5%%", got, rate)
	}
}

// conforms checks the writes fit a token bucket of rate r and burst n: for
// every pair i < j, at most n + r·(t_j − t_i) writes in between, with a
// millisecond of slack for the clock reads.
func conforms(ts []time.Time, r float64, n int) error {
	for i := range ts {
		for j := i + 1; j < len(ts); j++ {
			span := ts[j].Sub(ts[i]) + time.Millisecond
			if allowed := float64(n) + r*span.Seconds(); float64(j-i+1) > allowed+1e-9 {
				return fmt.Errorf("%d writes in %v, the per-host cap allows %.1f", j-i+1, span, allowed)
			}
		}
	}
	return nil
}

// sustained is the write rate after the first burst writes.
func sustained(ts []time.Time, burst int) float64 {
	if len(ts) <= burst+1 {
		return 0
	}
	return float64(len(ts)-burst-1) / ts[len(ts)-1].Sub(ts[burst]).Seconds()
}

func TestConformsAndWindow(t *testing.T) {
	at := func(ms ...int) []time.Time {
		t0 := time.Unix(0, 0)
		out := make([]time.Time, len(ms))
		for i, m := range ms {
			out[i] = t0.Add(time.Duration(m) * time.Millisecond)
		}
		return out
	}
	tests := []struct {
		name   string
		ts     []time.Time
		ok     bool
		window int
	}{
		{"burst of 2 then 10/s", at(0, 0, 100, 200, 300), true, 5},
		{"three at once over a burst of 2", at(0, 0, 0), false, 3},
		{"too fast after the burst", at(0, 0, 50, 60), false, 4},
		{"spread over two seconds", at(0, 500, 1000, 1500, 2000), true, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := conforms(tc.ts, 10, 2); (err == nil) != tc.ok {
				t.Errorf("conforms = %v, want ok=%v", err, tc.ok)
			}
			if got := maxInWindow(tc.ts, time.Second); got != tc.window {
				t.Errorf("maxInWindow = %d, want %d", got, tc.window)
			}
		})
	}
}
