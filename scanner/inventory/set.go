package inventory

import (
	"hash/maphash"

	"github.com/spillcheck/spillcheck/scanner"
)

// MaxOrigins bounds the origins kept for one target. A host listed a
// million times in a scan export keeps its first MaxOrigins origins; the
// rest are counted in Set.DroppedOrigins.
const MaxOrigins = 32

// Set de-duplicates targets by service, host and port. A target added twice
// keeps one entry whose origins are the union of both (an origin that repeats
// the file, format and resource of one already kept is dropped, so that one
// instance seen through three fields is one origin). TLS is kept if any
// source asked for it; the first known exposure wins.
//
// Memory grows with the number of unique targets, about 64 bytes of entry
// and 16 of index each, plus their strings: entries are stored compactly and turned back into
// scanner.Target values only by Each and Targets. The zero value is not
// ready: use NewSet.
type Set struct {
	seed     maphash.Seed
	index    map[uint64]int32 // key hash -> first entry; collisions chain through setEntry.next
	entries  []setEntry
	more     map[int32][]originRef // origins after the first, for the few targets that have them
	sources  []source              // file and format, shared by the origins from them
	srcIndex map[source]uint16
	services []string
	dropped  int
	collide  bool // tests: every key hashes alike, to exercise the chains
}

type source struct{ file, format string }

// setEntry is one unique target with its first origin inline: 64 bytes.
type setEntry struct {
	host     string
	path     string // first origin
	resource string // first origin
	line     int32  // first origin
	next     int32  // next entry with the same key hash, -1 at the end
	port     uint16
	src      uint16 // first origin
	service  uint8  // index into Set.services
	exposure uint8  // 0 unknown, 1 private, 2 public
	tls      bool
}

type originRef struct {
	src      uint16
	line     int32
	path     string
	resource string
}

func (e *setEntry) firstOrigin() originRef {
	return originRef{src: e.src, line: e.line, path: e.path, resource: e.resource}
}

// NewSet returns an empty set.
func NewSet() *Set {
	return &Set{seed: maphash.MakeSeed(), index: map[uint64]int32{}, more: map[int32][]originRef{},
		srcIndex: map[source]uint16{}, services: []string{""}}
}

var exposureCode = map[string]uint8{"": 0, Private: 1, Public: 2}
var exposureName = [...]string{"", Private, Public}

func (s *Set) serviceCode(name string) uint8 {
	if name == "" {
		return 0
	}
	for i, n := range s.services {
		if n == name {
			return uint8(i)
		}
	}
	if len(s.services) == 255 {
		return 0 // more distinct service names than any export has; keep the target, drop the hint
	}
	s.services = append(s.services, name)
	return uint8(len(s.services) - 1)
}

func (s *Set) sourceCode(file, format string) uint16 {
	k := source{file, format}
	if i, ok := s.srcIndex[k]; ok {
		return i
	}
	if len(s.sources) == 65535 {
		return 65534 // more files than a run reads; origins share the last slot
	}
	s.sources = append(s.sources, k)
	s.srcIndex[k] = uint16(len(s.sources) - 1)
	return uint16(len(s.sources) - 1)
}

// Add merges t into the set and reports whether it was new. Ports outside
// 0-65535 are not targets; Add ignores them and reports false.
func (s *Set) Add(t scanner.Target) bool {
	if t.Port < 0 || t.Port > 65535 {
		return false
	}
	if len(t.Origins) == 0 {
		return s.add(t.Host, t.Port, t.Service, t.TLS, t.Exposure, originRef{src: s.sourceCode("", "")})
	}
	isNew := false
	for i, o := range t.Origins {
		r := originRef{src: s.sourceCode(o.File, o.Format), line: int32(o.Line), path: o.Path, resource: o.Resource}
		if s.add(t.Host, t.Port, t.Service, t.TLS, t.Exposure, r) && i == 0 {
			isNew = true
		}
	}
	return isNew
}

// add merges one endpoint with one origin; the sink calls it directly, so
// that no scanner.Target is built per endpoint.
func (s *Set) add(host string, port int, service string, tls bool, exposure string, r originRef) bool {
	svc := s.serviceCode(service)
	h := maphash.String(s.seed, host) ^ (uint64(port)<<8 | uint64(svc))
	h *= 0x9E3779B97F4A7C15
	if s.collide {
		h = 1
	}
	head, ok := s.index[h]
	if ok {
		for i := head; i >= 0; i = s.entries[i].next {
			e := &s.entries[i]
			if e.host != host || e.port != uint16(port) || e.service != svc {
				continue
			}
			e.tls = e.tls || tls
			if e.exposure == 0 {
				e.exposure = exposureCode[exposure]
			}
			s.addOrigin(i, r)
			return false
		}
	} else {
		head = -1
	}
	s.index[h] = int32(len(s.entries))
	s.entries = append(s.entries, setEntry{host: host, port: uint16(port), service: svc, tls: tls, exposure: exposureCode[exposure],
		src: r.src, line: r.line, path: r.path, resource: r.resource, next: head})
	return true
}

func (s *Set) addOrigin(i int32, r originRef) {
	if sameOrigin(s.entries[i].firstOrigin(), r) {
		return
	}
	more := s.more[i]
	for _, x := range more {
		if sameOrigin(x, r) {
			return
		}
	}
	if 1+len(more) >= MaxOrigins {
		s.dropped++
		return
	}
	s.more[i] = append(more, r)
}

func sameOrigin(a, b originRef) bool {
	if a.src != b.src || a.resource != b.resource {
		return false
	}
	return b.resource != "" || (a.line == b.line && a.path == b.path)
}

// Emit adds t; its signature fits Read's emit, to merge several files.
func (s *Set) Emit(t scanner.Target) error {
	s.Add(t)
	return nil
}

// Len is the number of unique targets.
func (s *Set) Len() int { return len(s.entries) }

// DroppedOrigins counts origins left out because a target had MaxOrigins.
func (s *Set) DroppedOrigins() int { return s.dropped }

// Each calls fn with every unique target in the order first added, and
// stops at the first error.
func (s *Set) Each(fn func(scanner.Target) error) error {
	for i := range s.entries {
		if err := fn(s.target(int32(i))); err != nil {
			return err
		}
	}
	return nil
}

// Targets returns the unique targets in the order first added.
func (s *Set) Targets() []scanner.Target {
	out := make([]scanner.Target, 0, len(s.entries))
	for i := range s.entries {
		out = append(out, s.target(int32(i)))
	}
	return out
}

func (s *Set) target(i int32) scanner.Target {
	e := &s.entries[i]
	t := scanner.Target{Host: e.host, Port: int(e.port), Service: s.services[e.service], TLS: e.tls, Exposure: exposureName[e.exposure]}
	more := s.more[i]
	t.Origins = make([]scanner.Origin, 0, 1+len(more))
	for _, r := range append([]originRef{e.firstOrigin()}, more...) {
		src := s.sources[r.src]
		t.Origins = append(t.Origins, scanner.Origin{File: src.file, Format: src.format, Line: int(r.line), Path: r.path, Resource: r.resource})
	}
	return t
}
