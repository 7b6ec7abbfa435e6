package scanner

import (
	"context"
	"io"
	"net"
	"net/netip"
	"sync/atomic"
	"testing"
)

// fakeProbe dials the target, reads one line and calls it open.
type fakeProbe struct {
	name  string
	ports []int
	calls atomic.Int64
	fn    func(ctx context.Context, t Target, env *Env) (Result, error)
}

func (p *fakeProbe) Name() string        { return p.name }
func (p *fakeProbe) DefaultPorts() []int { return p.ports }
func (p *fakeProbe) Probe(ctx context.Context, t Target, env *Env) (Result, error) {
	p.calls.Add(1)
	if p.fn != nil {
		return p.fn(ctx, t, env)
	}
	c, err := env.DialContext(ctx, "tcp", t.Addr())
	if err != nil {
		return Result{}, err
	}
	defer c.Close()
	return Result{Status: StatusOpen, Product: p.name}, nil
}

func testRegistry(t testing.TB) *Registry {
	reg, err := NewRegistry(
		&fakeProbe{name: Elasticsearch, ports: []int{9200, 9243}},
		&fakeProbe{name: MongoDB, ports: []int{27017, 27018, 27019}},
		&fakeProbe{name: Redis, ports: []int{6379, 6380}},
	)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// countingListener accepts connections on loopback and counts them.
type countingListener struct {
	net.Listener
	accepts atomic.Int64
}

func listen(t testing.TB) *countingListener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cl := &countingListener{Listener: l}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			cl.accepts.Add(1)
			go func() { _, _ = io.Copy(io.Discard, c); c.Close() }()
		}
	}()
	t.Cleanup(func() { l.Close() })
	return cl
}

func (l *countingListener) target(service string) Target {
	ap := netip.MustParseAddrPort(l.Addr().String())
	return Target{Host: ap.Addr().String(), IP: ap.Addr(), Port: int(ap.Port()), Service: service}
}

// staticResolver answers from a map.
type staticResolver map[string][]netip.Addr

func (r staticResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if a, ok := r[host]; ok {
		return a, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }

// FreePortForTest returns a loopback port nothing listens on.
func FreePortForTest(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return p
}
