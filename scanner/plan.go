package scanner

import (
	"context"
	"fmt"
	"hash/fnv"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
)

// MaxRangeAddrs is the largest range planned without AllowLargeRanges: a
// /16 of IPv4, or 65,536 IPv6 addresses.
const MaxRangeAddrs = 1 << 16

// Shard selects the part K of N (0 <= K < N) of the planned targets, by a
// stable hash of Target.Key, so that N runs cover every target once.
type Shard struct{ K, N int }

// ParseShard reads "K/N".
func ParseShard(s string) (Shard, error) {
	var sh Shard
	if _, err := fmt.Sscanf(s, "%d/%d", &sh.K, &sh.N); err != nil || fmt.Sprintf("%d/%d", sh.K, sh.N) != s {
		return Shard{}, fmt.Errorf("--shard wants K/N such as 0/4, got %q", s)
	}
	if sh.N < 1 || sh.K < 0 || sh.K >= sh.N {
		return Shard{}, fmt.Errorf("--shard %s: K must be from 0 to N-1 and N at least 1", s)
	}
	return sh, nil
}

// Has reports whether the target with key belongs to this shard.
func (s Shard) Has(key string) bool {
	if s.N <= 1 {
		return true
	}
	h := fnv.New64a()
	h.Write([]byte(key))
	return h.Sum64()%uint64(s.N) == uint64(s.K)
}

// Planner turns entries into the targets to probe: it expands ranges and
// missing ports or services, resolves each host name once, and refuses what
// is outside the scope before anything is dialed.
type Planner struct {
	Registry         *Registry
	Scope            *Scope   // nil or empty: everything listed
	Resolver         Resolver // nil: no name resolution (names are refused)
	Services         []string // nil: every registered service
	AllowLargeRanges bool
	Shard            Shard
	// Skip, when set, drops targets already done (resume).
	Skip func(key string) bool
	// Refused is told about every entry or target that is not planned, with
	// the reason. It must be safe for concurrent use.
	Refused func(t Target, err error)
	// Workers resolve names in parallel; 0 means 8.
	Workers int

	planned  atomic.Int64
	finished atomic.Bool
}

// Planned returns how many jobs were planned so far, and whether planning
// is finished.
func (p *Planner) Planned() (int64, bool) { return p.planned.Load(), p.finished.Load() }

// Job is one planned target. Err is set when the target cannot be probed
// (its name did not resolve); the scanner then reports it without dialing.
// A target with Identified set and no Service is identified first (see
// identify), among Services, or every registered service when nil.
type Job struct {
	Target   Target
	Err      error
	Services []string
}

// Plan reads entries until the channel closes and sends jobs to out, which it
// closes when done. Order is not kept across name resolution.
func (p *Planner) Plan(ctx context.Context, in <-chan Entry, out chan<- Job) {
	defer close(out)
	defer p.finished.Store(true)
	workers := p.Workers
	if workers <= 0 {
		workers = 8
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for e := range in {
				if ctx.Err() != nil {
					continue // drain so the reader can finish
				}
				p.plan(ctx, e, out)
			}
		})
	}
	wg.Wait()
}

func (p *Planner) refuse(t Target, err error) {
	if p.Refused != nil {
		p.Refused(t, err)
	}
}

func (p *Planner) plan(ctx context.Context, e Entry, out chan<- Job) {
	if e.Prefix.IsValid() {
		p.planRange(ctx, e, out)
		return
	}
	t := e.Target
	if a, err := netip.ParseAddr(t.Host); err == nil {
		t.IP = a.Unmap()
		if !p.Scope.Allows(t.IP) {
			p.refuse(t, fmt.Errorf("%w: %s", ErrOutOfScope, t.IP))
			return
		}
		p.expand(ctx, t, nil, out)
		return
	}
	if p.Resolver == nil {
		p.refuse(t, fmt.Errorf("host names are not resolved here: %s", t.Host))
		return
	}
	addrs, err := p.Resolver.LookupNetIP(ctx, "ip", t.Host)
	if err == nil && len(addrs) == 0 {
		err = fmt.Errorf("no addresses")
	}
	if err != nil {
		p.expand(ctx, t, fmt.Errorf("cannot resolve %s: %w", t.Host, err), out)
		return
	}
	for _, a := range addrs {
		if !p.Scope.Allows(a) {
			p.refuse(t, fmt.Errorf("%w: %s resolves to %s", ErrOutOfScope, t.Host, a.Unmap()))
			return
		}
	}
	// Prefer IPv4, then the resolver's order; the name is never looked up
	// again, so it cannot be pointed elsewhere mid-scan.
	slices.SortStableFunc(addrs, func(a, b netip.Addr) int {
		if a.Unmap().Is4() == b.Unmap().Is4() {
			return 0
		}
		if a.Unmap().Is4() {
			return -1
		}
		return 1
	})
	t.IP = addrs[0].Unmap()
	p.expand(ctx, t, nil, out)
}

func (p *Planner) planRange(ctx context.Context, e Entry, out chan<- Job) {
	pfx := e.Prefix
	hostBits := pfx.Addr().BitLen() - pfx.Bits()
	if !p.AllowLargeRanges && (hostBits > 16) {
		p.refuse(e.Target, fmt.Errorf("%s is larger than a /16 (%d addresses); pass --allow-large-ranges to scan it", pfx, uint64(1)<<min(hostBits, 63)))
		return
	}
	skipEnds := pfx.Addr().Is4() && pfx.Bits() <= 30
	last := lastAddr(pfx)
	for a := pfx.Addr(); pfx.Contains(a); a = a.Next() {
		if ctx.Err() != nil {
			return
		}
		if skipEnds && (a == pfx.Addr() || a == last) {
			continue // network and broadcast addresses
		}
		t := e.Target
		t.Host, t.IP = a.String(), a
		if !p.Scope.Allows(a) {
			p.refuse(t, fmt.Errorf("%w: %s (from %s)", ErrOutOfScope, a, pfx))
		} else {
			p.expand(ctx, t, nil, out)
		}
		if a == last {
			break
		}
	}
}

func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// expand fills in missing services and ports and sends one job per
// (service, port).
func (p *Planner) expand(ctx context.Context, t Target, err error, out chan<- Job) {
	services := p.Services
	if services == nil {
		services = p.Registry.Names()
	}
	send := func(svc string, port int) {
		tt := t
		tt.Service, tt.Port = svc, port
		tt.Identified = svc == ""
		key := tt.Key()
		if !p.Shard.Has(key) || p.Skip != nil && p.Skip(key) {
			return
		}
		j := Job{Target: tt, Err: err}
		if tt.Identified {
			j.Services = p.Services
		}
		select {
		case out <- j:
			p.planned.Add(1)
		case <-ctx.Done():
		}
	}
	switch {
	case t.Service != "":
		if _, ok := p.Registry.Get(t.Service); !ok || !slices.Contains(services, t.Service) {
			p.refuse(t, fmt.Errorf("service %q is not being scanned", t.Service))
			return
		}
		if t.Port != 0 {
			send(t.Service, t.Port)
			return
		}
		pr, _ := p.Registry.Get(t.Service)
		for _, port := range pr.DefaultPorts() {
			send(t.Service, port)
		}
	case t.Port != 0:
		if svc, ok := p.Registry.ServiceForPort(t.Port); ok && slices.Contains(services, svc) {
			send(svc, t.Port)
			return
		}
		// An unknown port: one job, whose service is named from the
		// port's answer before the matching probe runs (when more than
		// one service is scanned).
		if len(services) == 1 {
			send(services[0], t.Port)
			return
		}
		send("", t.Port)
	default:
		for _, svc := range services {
			pr, _ := p.Registry.Get(svc)
			for _, port := range pr.DefaultPorts() {
				send(svc, port)
			}
		}
	}
}
