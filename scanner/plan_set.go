package scanner

import (
	"context"
	"fmt"
	"hash/maphash"
	"net/netip"
	"slices"
	"sort"
)

// MaxOrigins bounds the origins kept for one planned target; further ones
// are still folded into it, but not listed.
const MaxOrigins = 32

// planSet holds the listed targets until every input is read, merging
// duplicates by (address, port, service). It stores 12 bytes per target
// plus 5 to 11 of index; what only some targets have (a host name, an
// origin with a path or a resource, several origins, a resolution error)
// lives in side maps. Ranges are kept as ranges.
type planSet struct {
	p       *Planner
	seed    maphash.Seed
	chunks  [][]planEntry
	n       int32
	table   []int32 // open addressing: entry index + 1, 0 for empty
	v6      [][16]byte
	hosts   map[int32]string   // Host when it is not the IP's text
	origins map[int32][]Origin // when the origins are not one compact origin
	errs    map[int32]error    // targets whose name did not resolve
	byName  map[string]int32   // those targets, by key
	expo    map[int32]string   // exposure
	svcs    []string
	sources []source
	srcIdx  map[source]uint16
	srcRuns []srcRun

	ranges   []planRange
	bits     []int // the distinct prefix lengths of ranges
	rangeIdx map[netip.Prefix][]int
	dropped  int
}

// planEntry is one listed target: 12 bytes. Its origin, when it is one
// file line, is the line here and the file and format of srcRuns.
type planEntry struct {
	addr  uint32 // IPv4 address, or index into planSet.v6
	line  int32  // the compact origin's line
	port  uint16
	svc   uint8
	flags uint8
}

// srcRun says that the compact origins of the entries from index from on
// come from source src (entries of one file come in a row).
type srcRun struct {
	from int32
	src  uint16
}

const (
	fV6 uint8 = 1 << iota
	fTLS
	fNoAddr // a name that did not resolve: keyed by name, in byName
	fSent
	fFull // the origins are in planSet.origins
)

const noSrc = 0xffff

type source struct{ file, format string }

type planKey struct {
	a    [16]byte
	port uint16
	svc  uint8
}

type planRange struct {
	prefix netip.Prefix
	tmpl   Target
	pos    int32 // listed targets before it
	ports  []svcPort
}

const chunkBits = 14

func newPlanSet(p *Planner) *planSet {
	return &planSet{p: p, seed: maphash.MakeSeed(), table: make([]int32, 1024),
		hosts: map[int32]string{}, origins: map[int32][]Origin{}, errs: map[int32]error{},
		byName: map[string]int32{}, expo: map[int32]string{}, srcIdx: map[source]uint16{},
		rangeIdx: map[netip.Prefix][]int{}}
}

func (s *planSet) entry(i int32) *planEntry { return &s.chunks[i>>chunkBits][i&(1<<chunkBits-1)] }

func (s *planSet) svcCode(name string) uint8 {
	if i := slices.Index(s.svcs, name); i >= 0 {
		return uint8(i)
	}
	s.svcs = append(s.svcs, name) // services are the registry's: a handful
	return uint8(len(s.svcs) - 1)
}

func (s *planSet) srcCode(file, format string) uint16 {
	k := source{file, format}
	if i, ok := s.srcIdx[k]; ok {
		return i
	}
	if len(s.sources) >= noSrc {
		return noSrc
	}
	s.sources = append(s.sources, k)
	s.srcIdx[k] = uint16(len(s.sources) - 1)
	return uint16(len(s.sources) - 1)
}

func (s *planSet) keyOf(e *planEntry) planKey {
	k := planKey{port: e.port, svc: e.svc}
	if e.flags&fV6 != 0 {
		k.a = s.v6[e.addr]
	} else {
		k.a = netip.AddrFrom4([4]byte{byte(e.addr >> 24), byte(e.addr >> 16), byte(e.addr >> 8), byte(e.addr)}).As16()
	}
	return k
}

func (s *planSet) ip(e *planEntry) netip.Addr {
	if e.flags&fV6 != 0 {
		return netip.AddrFrom16(s.v6[e.addr])
	}
	return netip.AddrFrom4([4]byte{byte(e.addr >> 24), byte(e.addr >> 16), byte(e.addr >> 8), byte(e.addr)})
}

// find returns the entry for an address, port and service, or -1.
func (s *planSet) find(ip netip.Addr, port int, svc uint8) int32 {
	k := planKey{a: ip.As16(), port: uint16(port), svc: svc}
	mask := uint64(len(s.table) - 1)
	for i := maphash.Comparable(s.seed, k) & mask; ; i = (i + 1) & mask {
		v := s.table[i]
		if v == 0 {
			return -1
		}
		if e := s.entry(v - 1); e.flags&fNoAddr == 0 && s.keyOf(e) == k {
			return v - 1
		}
	}
}

func (s *planSet) insert(i int32) {
	mask := uint64(len(s.table) - 1)
	for j := maphash.Comparable(s.seed, s.keyOf(s.entry(i))) & mask; ; j = (j + 1) & mask {
		if s.table[j] == 0 {
			s.table[j] = i + 1
			return
		}
	}
}

func (s *planSet) newEntry(e planEntry) int32 {
	i := s.n
	if int(i>>chunkBits) == len(s.chunks) {
		s.chunks = append(s.chunks, make([]planEntry, 1<<chunkBits))
	}
	*s.entry(i) = e
	s.n++
	return i
}

// add merges one job into the set.
func (s *planSet) add(j Job) {
	t := j.Target
	svc := s.svcCode(t.Service)
	var i int32 = -1
	if t.IP.IsValid() {
		i = s.find(t.IP.Unmap(), t.Port, svc)
	} else if k, ok := s.byName[t.Key()]; ok {
		i = k
	}
	if i >= 0 {
		e := s.entry(i)
		if t.TLS {
			e.flags |= fTLS
		}
		if _, ok := s.expo[i]; !ok && t.Exposure != "" {
			s.expo[i] = t.Exposure
		}
		s.mergeOrigins(i, t.Origins)
		s.p.folded.Add(1)
		return
	}
	e := planEntry{port: uint16(t.Port), svc: svc, flags: fFull}
	if t.TLS {
		e.flags |= fTLS
	}
	ip := t.IP.Unmap()
	switch {
	case !ip.IsValid():
		e.flags |= fNoAddr
	case ip.Is4():
		a := ip.As4()
		e.addr = uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	default:
		e.flags |= fV6
		e.addr = uint32(len(s.v6))
		s.v6 = append(s.v6, ip.As16())
	}
	src := uint16(noSrc)
	if len(t.Origins) == 1 && t.Origins[0].Path == "" && t.Origins[0].Resource == "" && int(int32(t.Origins[0].Line)) == t.Origins[0].Line {
		src = s.srcCode(t.Origins[0].File, t.Origins[0].Format)
	}
	if src != noSrc {
		e.flags &^= fFull
		e.line = int32(t.Origins[0].Line)
		if len(s.srcRuns) == 0 || s.srcRuns[len(s.srcRuns)-1].src != src {
			s.srcRuns = append(s.srcRuns, srcRun{from: s.n, src: src})
		}
	}
	i = s.newEntry(e)
	if e.flags&fFull != 0 && len(t.Origins) > 0 {
		s.mergeOrigins(i, t.Origins)
	}
	if !ip.IsValid() || t.Host != ip.String() {
		s.hosts[i] = t.Host
	}
	if t.Exposure != "" {
		s.expo[i] = t.Exposure
	}
	if e.flags&fNoAddr != 0 {
		s.byName[t.Key()] = i
		s.errs[i] = j.Err
		return
	}
	if int(s.n)*4 > len(s.table)*3 {
		s.table = make([]int32, 2*len(s.table))
		for k := range s.n {
			if s.entry(k).flags&fNoAddr == 0 {
				s.insert(k)
			}
		}
		return
	}
	s.insert(i)
}

// originsOf returns the origins of entry i.
func (s *planSet) originsOf(i int32) []Origin {
	e := s.entry(i)
	if e.flags&fFull == 0 {
		k := sort.Search(len(s.srcRuns), func(k int) bool { return s.srcRuns[k].from > i }) - 1
		src := s.sources[s.srcRuns[k].src]
		return []Origin{{File: src.file, Format: src.format, Line: int(e.line)}}
	}
	return s.origins[i]
}

func (s *planSet) mergeOrigins(i int32, add []Origin) {
	list := s.originsOf(i)
	n := len(list)
	for _, o := range add {
		if slices.Contains(list, o) {
			continue
		}
		if len(list) >= MaxOrigins {
			s.dropped++
			continue
		}
		list = append(list, o)
	}
	if len(list) == n && s.entry(i).flags&fFull == 0 {
		return
	}
	s.entry(i).flags |= fFull
	s.origins[i] = list
}

// addRange keeps a range, to be expanded when it is sent.
func (s *planSet) addRange(e Entry, ports []svcPort) {
	ri := len(s.ranges)
	s.ranges = append(s.ranges, planRange{prefix: e.Prefix, tmpl: e.Target, pos: s.n, ports: ports})
	if !slices.Contains(s.bits, e.Prefix.Bits()) {
		s.bits = append(s.bits, e.Prefix.Bits())
	}
	s.rangeIdx[e.Prefix] = append(s.rangeIdx[e.Prefix], ri)
}

// containing lists, in input order, the ranges that hold a and stand for
// (svc, port).
func (s *planSet) containing(a netip.Addr, sp svcPort) []int {
	var out []int
	for _, b := range s.bits {
		pfx, err := a.Prefix(b)
		if err != nil {
			continue // the other address family
		}
		for _, ri := range s.rangeIdx[pfx] {
			if slices.Contains(s.ranges[ri].ports, sp) {
				out = append(out, ri)
			}
		}
	}
	if len(s.bits) > 1 {
		sort.Ints(out)
	}
	return out
}

func (s *planSet) rangeOrigins(ris []int, list []Origin) []Origin {
	for _, ri := range ris {
		for _, o := range s.ranges[ri].tmpl.Origins {
			if slices.Contains(list, o) {
				continue
			}
			if len(list) >= MaxOrigins {
				s.dropped++
				continue
			}
			list = append(list, o)
		}
	}
	return list
}

// emit sends every target: the listed ones in the order first seen, each
// range's addresses where the range came.
func (s *planSet) emit(ctx context.Context, out chan<- Job) {
	next := int32(0)
	for ri := range s.ranges {
		if !s.emitListed(ctx, &next, s.ranges[ri].pos, out) || !s.emitRange(ctx, ri, out) {
			return
		}
	}
	s.emitListed(ctx, &next, s.n, out)
}

func (s *planSet) emitListed(ctx context.Context, next *int32, to int32, out chan<- Job) bool {
	for ; *next < to; *next++ {
		if !s.emitEntry(ctx, *next, false, out) {
			return false
		}
	}
	return true
}

// emitEntry sends listed target i with its origins and those of the ranges
// that hold it (first when a range brought it out), unless it was sent.
func (s *planSet) emitEntry(ctx context.Context, i int32, fromRange bool, out chan<- Job) bool {
	e := s.entry(i)
	if e.flags&fSent != 0 {
		return true
	}
	e.flags |= fSent
	t := Target{Port: int(e.port), Service: s.svcs[e.svc], TLS: e.flags&fTLS != 0, Exposure: s.expo[i]}
	if e.flags&fNoAddr == 0 {
		t.IP = s.ip(e)
		t.Host = t.IP.String()
	}
	if h, ok := s.hosts[i]; ok {
		t.Host = h
	}
	own := s.originsOf(i)
	if t.IP.IsValid() && len(s.ranges) > 0 {
		ris := s.containing(t.IP, svcPort{t.Service, t.Port})
		if fromRange {
			t.Origins = append(s.rangeOrigins(ris, nil), own...)
		} else {
			t.Origins = s.rangeOrigins(ris, slices.Clone(own))
		}
	} else {
		t.Origins = slices.Clone(own)
	}
	return s.p.send(ctx, Job{Target: t, Err: s.errs[i]}, out)
}

// emitRange sends the addresses of range ri: each (address, service, port)
// that a listed target or an earlier range already stands for is folded
// into it instead.
func (s *planSet) emitRange(ctx context.Context, ri int, out chan<- Job) bool {
	r := &s.ranges[ri]
	last := lastAddr(r.prefix)
	// Addresses outside the scope are refused a run at a time, in one
	// refusal each, not one warning per address.
	var runFirst, runLast netip.Addr
	var runLen int
	flush := func() {
		if runLen == 0 {
			return
		}
		t := r.tmpl
		t.Host, t.IP = runFirst.String(), runFirst
		s.p.refuse(t, &RangeRefusal{First: runFirst, Last: runLast, Count: runLen, Prefix: r.prefix})
		runLen = 0
	}
	for a := r.prefix.Addr(); r.prefix.Contains(a); a = a.Next() {
		if ctx.Err() != nil {
			return false
		}
		if !s.p.Scope.Allows(a) {
			if runLen == 0 {
				runFirst = a
			}
			runLast = a
			runLen++
		} else {
			flush()
			for _, sp := range r.ports {
				if !s.emitAddr(ctx, ri, a, sp, out) {
					return false
				}
			}
		}
		if a == last {
			break
		}
	}
	flush()
	return true
}

func (s *planSet) emitAddr(ctx context.Context, ri int, a netip.Addr, sp svcPort, out chan<- Job) bool {
	if i := s.find(a, sp.port, s.svcCode(sp.svc)); i >= 0 {
		s.p.folded.Add(1)
		return s.emitEntry(ctx, i, true, out)
	}
	ris := s.containing(a, sp)
	if len(ris) > 0 && ris[0] < ri {
		s.p.folded.Add(1) // sent with an earlier range
		return true
	}
	t := s.ranges[ri].tmpl
	t.Host, t.IP, t.Service, t.Port = a.String(), a, sp.svc, sp.port
	t.Origins = s.rangeOrigins(ris, nil)
	return s.p.send(ctx, Job{Target: t}, out)
}

// RangeRefusal refuses a run of consecutive addresses of a listed range
// that lie outside the scope. It wraps ErrOutOfScope; Count is how many
// addresses it stands for.
type RangeRefusal struct {
	First, Last netip.Addr
	Count       int
	Prefix      netip.Prefix
}

func (e *RangeRefusal) Error() string {
	if e.Count == 1 {
		return fmt.Sprintf("%v: %s (from %s)", ErrOutOfScope, e.First, e.Prefix)
	}
	return fmt.Sprintf("%v: %s-%s (%d addresses of %s)", ErrOutOfScope, e.First, e.Last, e.Count, e.Prefix)
}

func (e *RangeRefusal) Unwrap() error { return ErrOutOfScope }
