package inventory

import "github.com/spillcheck/spillcheck/scanner"

// Set de-duplicates targets by service, host and port. A target added twice
// keeps one entry whose origins are the union of both (an origin that repeats
// the file, format and resource of one already kept is dropped, so that one
// instance seen through three fields is one origin). TLS is kept if any
// source asked for it; the first known exposure wins.
//
// Memory grows with the number of unique targets. The zero value is not
// ready: use NewSet.
type Set struct {
	index   map[setKey]int32
	targets []scanner.Target
}

type setKey struct {
	host    string
	port    int32
	service string
}

// NewSet returns an empty set.
func NewSet() *Set { return &Set{index: map[setKey]int32{}} }

// Add merges t into the set and reports whether it was new.
func (s *Set) Add(t scanner.Target) bool {
	k := setKey{host: t.Host, port: int32(t.Port), service: t.Service}
	if i, ok := s.index[k]; ok {
		old := &s.targets[i]
		old.TLS = old.TLS || t.TLS
		if old.Exposure == "" {
			old.Exposure = t.Exposure
		}
		for _, o := range t.Origins {
			if !hasOrigin(old.Origins, o) {
				old.Origins = append(old.Origins, o)
			}
		}
		return false
	}
	s.index[k] = int32(len(s.targets))
	s.targets = append(s.targets, t)
	return true
}

// Emit adds t; its signature fits Read's emit, to merge several files.
func (s *Set) Emit(t scanner.Target) error {
	s.Add(t)
	return nil
}

// Len is the number of unique targets.
func (s *Set) Len() int { return len(s.targets) }

// Targets returns the unique targets in the order first added. The slice is
// the set's own; do not change it while adding.
func (s *Set) Targets() []scanner.Target { return s.targets }

func hasOrigin(list []scanner.Origin, o scanner.Origin) bool {
	for _, x := range list {
		if x.File != o.File || x.Format != o.Format || x.Resource != o.Resource {
			continue
		}
		if o.Resource != "" || (x.Line == o.Line && x.Path == o.Path) {
			return true
		}
	}
	return false
}
