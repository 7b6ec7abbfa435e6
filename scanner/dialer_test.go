package scanner

import (
	"context"
	"errors"
	"io"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/scanner/scantest"
)

func TestEnvRefusesOtherAddresses(t *testing.T) {
	target, other := listen(t), listen(t)
	d, err := NewDialer(DialerConfig{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	env := d.Env(ctx, target.target(Redis), Limits{})
	_, err = env.DialContext(ctx, "tcp", other.Addr().String())
	if !errors.Is(err, ErrOutOfScope) {
		t.Fatalf("dial to another address: %v, want ErrOutOfScope", err)
	}
	c, err := env.DialContext(ctx, "tcp", target.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	time.Sleep(50 * time.Millisecond)
	if n := other.accepts.Load(); n != 0 {
		t.Errorf("the other listener saw %d connections", n)
	}
	if n := target.accepts.Load(); n != 1 {
		t.Errorf("the target saw %d connections, want 1", n)
	}
}

// TestScopeRefusalNeverConnects runs the planner and runner together: a
// target outside --scope is refused and its listener sees no connection.
func TestScopeRefusalNeverConnects(t *testing.T) {
	in := listen(t)
	reg := testRegistry(t)
	inT := in.target(Redis)
	// The out-of-scope listener is on another loopback address, 127.0.0.2.
	outT := inT
	outT.Host, outT.IP = "127.0.0.2", mustAddr("127.0.0.2")
	l2, err := net.Listen("tcp", outT.Addr())
	if err != nil {
		scantest.Missing(t, "cannot listen on 127.0.0.2: %v", err)
	}
	counting := &countingListener{Listener: l2}
	go func() {
		for {
			c, err := l2.Accept()
			if err != nil {
				return
			}
			counting.accepts.Add(1)
			c.Close()
		}
	}()
	defer l2.Close()
	scope, _ := ParseScope("127.0.0.1/32")
	var refused []string
	p := &Planner{Registry: reg, Scope: scope, Refused: func(t Target, err error) { refused = append(refused, err.Error()) }}
	entries := make(chan Entry, 2)
	entries <- Entry{Target: inT}
	entries <- Entry{Target: outT}
	close(entries)
	jobs := make(chan Job, 4)
	go p.Plan(context.Background(), entries, jobs)
	d, _ := NewDialer(DialerConfig{Timeout: time.Second})
	r := &Runner{Registry: reg, Dialer: d, Concurrency: 2, TargetTimeout: time.Second}
	var results []*Result
	r.Run(context.Background(), jobs, func(res *Result) { results = append(results, res) })
	if len(results) != 1 || results[0].Target.Key() != inT.Key() || results[0].Status != StatusOpen {
		t.Fatalf("results %+v", results)
	}
	if len(refused) != 1 || !strings.Contains(refused[0], "127.0.0.2") {
		t.Errorf("refused %v", refused)
	}
	if n := counting.accepts.Load(); n != 0 {
		t.Errorf("out-of-scope listener accepted %d connections", n)
	}
}

// TestRateFidelity dials a local listener for about two seconds at a fixed
// rate and checks the achieved connection rate is within 10% of it.
func TestRateFidelity(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	l := listen(t)
	const rate = 100.0
	d, err := NewDialer(DialerConfig{Rate: rate, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tgt := l.target(Redis)
	done := make(chan struct{})
	for range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			for range 25 {
				c, err := d.Env(ctx, tgt, Limits{}).DialContext(ctx, "tcp", tgt.Addr())
				if err != nil {
					t.Error(err)
					return
				}
				c.Close()
			}
		}()
	}
	for range 8 {
		<-done
	}
	st := d.Stats()
	if st.Dials != 200 {
		t.Fatalf("dials = %d", st.Dials)
	}
	// Never faster than the rate (+10 % for the burst and timer edges). A
	// loaded machine may not keep up with the dials, so the lower bound
	// only catches a limiter that throttles far below its rate.
	if got := st.Rate(); got < rate*0.3 || got > rate*1.1 {
		t.Errorf("achieved %.1f connections/s, want at most %.0f + 10%% and at least 30%% of it", got, rate)
	}
}

// TestPerHostRate checks that writes on every connection to one host share
// the per-host request rate.
func TestPerHostRate(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	l := listen(t)
	d, _ := NewDialer(DialerConfig{PerHostRate: 20, Timeout: time.Second})
	ctx := context.Background()
	tgt := l.target(Redis)
	start := time.Now()
	var conns []net.Conn
	for range 3 {
		c, err := d.Env(ctx, tgt, Limits{}).DialContext(ctx, "tcp", tgt.Addr())
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for i := range 60 { // 60 requests at 20/s with a burst of 20: about 2 s
		if _, err := conns[i%3].Write([]byte("PING\r\n")); err != nil {
			t.Fatal(err)
		}
	}
	el := time.Since(start)
	if el < 1800*time.Millisecond || el > 3*time.Second {
		t.Errorf("60 writes at 20/s (burst 20) took %v, want about 2s", el)
	}
	for _, c := range conns {
		c.Close()
	}
}

func TestConnBudgetAndReadDeadline(t *testing.T) {
	addr := scantest.Serve(t, func(c net.Conn) {
		buf := make([]byte, 1)
		if _, err := c.Read(buf); err != nil {
			return
		}
		if buf[0] == 'f' { // flood
			_, _ = c.Write(make([]byte, 1<<20))
		}
		time.Sleep(3 * time.Second) // then stall
	})
	tgt := Target{Host: "127.0.0.1", IP: mustAddr("127.0.0.1"), Port: int(netip.MustParseAddrPort(addr).Port()), Service: Redis}
	d, _ := NewDialer(DialerConfig{Timeout: 300 * time.Millisecond})
	ctx := context.Background()

	c, err := d.Env(ctx, tgt, Limits{MaxTargetBytes: 64 << 10}).DialContext(ctx, "tcp", tgt.Addr())
	if err != nil {
		t.Fatal(err)
	}
	_, _ = c.Write([]byte("f"))
	_, err = io.Copy(io.Discard, c)
	if !errors.Is(err, ErrBudget) || Classify(err) != StatusProtocolError {
		t.Errorf("flood: %v, want ErrBudget", err)
	}
	c.Close()

	c, err = d.Env(ctx, tgt, Limits{}).DialContext(ctx, "tcp", tgt.Addr())
	if err != nil {
		t.Fatal(err)
	}
	_, _ = c.Write([]byte("s"))
	start := time.Now()
	_, err = c.Read(make([]byte, 10))
	if Classify(err) != StatusTimeout || time.Since(start) > time.Second {
		t.Errorf("stall: %v after %v, want a timeout after 300ms", err, time.Since(start))
	}
	c.Close()
}

func TestNewDialerValidates(t *testing.T) {
	for _, cfg := range []DialerConfig{{Rate: -1, Timeout: time.Second}, {PerHostRate: -2, Timeout: time.Second}, {}} {
		if _, err := NewDialer(cfg); err == nil {
			t.Errorf("NewDialer(%+v) accepted", cfg)
		}
	}
}
