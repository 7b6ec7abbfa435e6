package scanner

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"net"
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
// missing ports or services, resolves each host name once, refuses what is
// outside the scope before anything is dialed, and merges duplicates.
//
// A target is one (address, port, service): the same one listed twice, in
// two files, by a name and by its address, or inside two ranges, is planned
// once, and its Origins list every place that named it (at most
// MaxOrigins). So that every origin is known before a result is written,
// Plan reads all its input before it sends the first job; ranges are not
// stored address by address but expanded as they are sent, so memory grows
// with the listed targets (about 30 bytes each), not with the ranges.
type Planner struct {
	Registry         *Registry
	Scope            *Scope   // nil or empty: everything listed
	Resolver         Resolver // nil: no name resolution (names are refused)
	Services         []string // nil: every registered service
	AllowLargeRanges bool
	// ResolveSRV looks up the SRV record of mongodb+srv:// entries with
	// Resolver (which must be an SRVResolver) and plans the hosts it names,
	// each checked against Scope like a listed host. Without it those
	// entries are refused with ErrSRVNotResolved.
	ResolveSRV bool
	Shard      Shard
	// Skip, when set, drops targets already done (resume).
	Skip func(key string) bool
	// Refused is told about every entry or target that is not planned, with
	// the reason. Plan calls it from one goroutine, in input order (ranges'
	// out-of-scope addresses as they are sent).
	Refused func(t Target, err error)
	// Workers resolve names in parallel; 0 means 8.
	Workers int

	planned  atomic.Int64
	folded   atomic.Int64
	finished atomic.Bool
	names    sync.Map // host name -> *lookup, so each name is resolved once
}

// ErrSRVNotResolved is the reason a mongodb+srv:// entry is not planned
// without Planner.ResolveSRV.
var ErrSRVNotResolved = errors.New("SRV record not resolved")

// SRVResolver looks up SRV records; *net.Resolver is one.
type SRVResolver interface {
	LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error)
}

// Planned returns how many jobs were planned so far, and whether planning
// is finished.
func (p *Planner) Planned() (int64, bool) { return p.planned.Load(), p.finished.Load() }

// Folded returns how many listings named a target that was already planned
// (same address, port and service) and were merged into it as an origin.
func (p *Planner) Folded() int64 { return p.folded.Load() }

// Job is one planned target. Err is set when the target cannot be probed
// (its name did not resolve); the scanner then reports it without dialing.
// A target with Identified set and no Service is identified first (see
// identify), among Services, or every registered service when nil.
type Job struct {
	Target   Target
	Err      error
	Services []string
}

// pending is one entry on its way through resolution.
type pending struct {
	entry    Entry
	jobs     []Job
	refusals []refusal
	isRange  bool
	ports    []svcPort // for a range: what each of its addresses expands to
	done     chan struct{}
}

// ready is the done channel of entries resolved without a lookup.
var ready = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

type refusal struct {
	t   Target
	err error
}

type svcPort struct {
	svc  string
	port int
}

// Plan reads entries until the channel closes, then sends jobs to out, which
// it closes when done. Names are resolved in parallel; jobs are sent in the
// order their entries came in (a range's addresses where the range was).
func (p *Planner) Plan(ctx context.Context, in <-chan Entry, out chan<- Job) {
	defer close(out)
	defer p.finished.Store(true)
	workers := p.Workers
	if workers <= 0 {
		workers = 8
	}
	queue := make(chan *pending, 1024) // in input order
	work := make(chan *pending, workers)
	go func() {
		defer close(queue)
		defer close(work)
		for e := range in {
			if ctx.Err() != nil {
				continue // drain so the reader can finish
			}
			pe := &pending{entry: e, done: ready}
			if p.needsLookup(e) {
				pe.done = make(chan struct{})
				queue <- pe
				work <- pe
			} else {
				p.resolve(ctx, pe)
				queue <- pe
			}
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for pe := range work {
				p.resolve(ctx, pe)
				close(pe.done)
			}
		})
	}
	set := newPlanSet(p)
	for pe := range queue {
		<-pe.done
		for _, r := range pe.refusals {
			p.refuse(r.t, r.err)
		}
		if pe.isRange {
			set.addRange(pe.entry, pe.ports)
		}
		for _, j := range pe.jobs {
			set.add(j)
		}
	}
	wg.Wait()
	if ctx.Err() == nil {
		set.emit(ctx, out)
	}
}

func (p *Planner) refuse(t Target, err error) {
	if p.Refused != nil {
		p.Refused(t, err)
	}
}

func (p *Planner) needsLookup(e Entry) bool {
	if e.Prefix.IsValid() {
		return false
	}
	if e.SRV != "" {
		return p.ResolveSRV
	}
	_, err := netip.ParseAddr(e.Target.Host)
	return err != nil && p.Resolver != nil
}

// resolve turns one entry into jobs and refusals, without sending them.
func (p *Planner) resolve(ctx context.Context, pe *pending) {
	e := pe.entry
	switch {
	case e.Prefix.IsValid():
		p.resolveRange(pe)
	case e.SRV != "":
		p.resolveSRV(ctx, pe)
	default:
		p.resolveHost(ctx, pe, e.Target)
	}
}

func (pe *pending) refuse(t Target, err error) { pe.refusals = append(pe.refusals, refusal{t, err}) }

func (p *Planner) resolveHost(ctx context.Context, pe *pending, t Target) {
	if a, err := netip.ParseAddr(t.Host); err == nil {
		t.IP = a.Unmap()
		if !p.Scope.Allows(t.IP) {
			pe.refuse(t, fmt.Errorf("%w: %s", ErrOutOfScope, t.IP))
			return
		}
		p.expand(pe, t, nil)
		return
	}
	if p.Resolver == nil {
		pe.refuse(t, fmt.Errorf("host names are not resolved here: %s", t.Host))
		return
	}
	addrs, err := p.lookup(ctx, t.Host)
	if err != nil {
		p.expand(pe, t, fmt.Errorf("cannot resolve %s: %w", t.Host, err))
		return
	}
	for _, a := range addrs {
		if !p.Scope.Allows(a) {
			pe.refuse(t, fmt.Errorf("%w: %s resolves to %s", ErrOutOfScope, t.Host, a.Unmap()))
			return
		}
	}
	t.IP = addrs[0].Unmap()
	p.expand(pe, t, nil)
}

// lookup resolves a name once per Planner: IPv4 first, then the resolver's
// order; the name is never looked up again, so it cannot be pointed
// elsewhere mid-scan.
type lookupResult struct {
	once  sync.Once
	addrs []netip.Addr
	err   error
}

func (p *Planner) lookup(ctx context.Context, host string) ([]netip.Addr, error) {
	v, _ := p.names.LoadOrStore(host, &lookupResult{})
	l := v.(*lookupResult)
	l.once.Do(func() {
		addrs, err := p.Resolver.LookupNetIP(ctx, "ip", host)
		if err == nil && len(addrs) == 0 {
			err = fmt.Errorf("no addresses")
		}
		slices.SortStableFunc(addrs, func(a, b netip.Addr) int {
			if a.Unmap().Is4() == b.Unmap().Is4() {
				return 0
			}
			if a.Unmap().Is4() {
				return -1
			}
			return 1
		})
		l.addrs, l.err = addrs, err
	})
	return l.addrs, l.err
}

func (p *Planner) resolveRange(pe *pending) {
	e := pe.entry
	pfx := e.Prefix
	hostBits := pfx.Addr().BitLen() - pfx.Bits()
	if !p.AllowLargeRanges && (hostBits > 16) {
		pe.refuse(e.Target, fmt.Errorf("%s is larger than a /16 (%d addresses); pass --allow-large-ranges to scan it", pfx, uint64(1)<<min(hostBits, 63)))
		return
	}
	ports, err := p.ports(e.Target)
	if err != nil {
		pe.refuse(e.Target, err)
		return
	}
	pe.isRange, pe.ports = true, ports
}

func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// expand fills in missing services and ports: one job per (service, port).
func (p *Planner) expand(pe *pending, t Target, err error) {
	ports, perr := p.ports(t)
	if perr != nil {
		pe.refuse(t, perr)
		return
	}
	for _, sp := range ports {
		tt := t
		tt.Service, tt.Port = sp.svc, sp.port
		pe.jobs = append(pe.jobs, Job{Target: tt, Err: err})
	}
}

// ports lists the (service, port) pairs a target stands for: its own, the
// service's default ports, the service of a known port, one pair with no
// service for an unknown port (named from the port's answer; see send), or
// every service's default ports for a target with neither.
func (p *Planner) ports(t Target) ([]svcPort, error) {
	services := p.Services
	if services == nil {
		services = p.Registry.Names()
	}
	var out []svcPort
	switch {
	case t.Service != "":
		pr, ok := p.Registry.Get(t.Service)
		if !ok || !slices.Contains(services, t.Service) {
			return nil, fmt.Errorf("service %q is not being scanned", t.Service)
		}
		if t.Port != 0 {
			return []svcPort{{t.Service, t.Port}}, nil
		}
		for _, port := range pr.DefaultPorts() {
			out = append(out, svcPort{t.Service, port})
		}
	case t.Port != 0:
		if svc, ok := p.Registry.ServiceForPort(t.Port); ok && slices.Contains(services, svc) {
			return []svcPort{{svc, t.Port}}, nil
		}
		// An unknown port: one job, whose service is named from the port's
		// answer before the matching probe runs (when more than one
		// service is scanned).
		if len(services) == 1 {
			return []svcPort{{services[0], t.Port}}, nil
		}
		return []svcPort{{"", t.Port}}, nil
	default:
		for _, svc := range services {
			pr, _ := p.Registry.Get(svc)
			for _, port := range pr.DefaultPorts() {
				out = append(out, svcPort{svc, port})
			}
		}
	}
	return out, nil
}

// send sends one job unless its shard or resume state drops it, and reports
// false when ctx is done. A job with no service is an unknown port's: it is
// marked Identified, to be identified among the scanned services.
func (p *Planner) send(ctx context.Context, j Job, out chan<- Job) bool {
	if j.Target.Service == "" {
		j.Target.Identified, j.Services = true, p.Services
	}
	if p.Shard.N > 1 || p.Skip != nil {
		key := j.Target.Key()
		if !p.Shard.Has(key) || p.Skip != nil && p.Skip(key) {
			return true
		}
	}
	select {
	case out <- j:
		p.planned.Add(1)
		return true
	case <-ctx.Done():
		return false
	}
}
