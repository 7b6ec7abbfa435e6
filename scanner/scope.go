package scanner

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/netip"
	"strings"
)

// Scope is the set of addresses the operator allows. An empty scope allows
// what the input lists; a non-empty one refuses everything outside it, before
// any connection.
type Scope struct {
	prefixes []netip.Prefix
	names    []string // host names, resolved by Resolve
}

// ParseScope reads comma- or newline-separated CIDRs, addresses and host
// names.
func ParseScope(items ...string) (*Scope, error) {
	s := &Scope{}
	for _, it := range items {
		for _, f := range strings.FieldsFunc(it, func(r rune) bool { return r == ',' || r == '\n' || r == ' ' || r == '\t' }) {
			if err := s.add(f); err != nil {
				return nil, err
			}
		}
	}
	return s, nil
}

// ReadScopeFile reads a scope file: one CIDR, address or name per line, '#'
// comments.
func ReadScopeFile(r io.Reader, file string) (*Scope, error) {
	s := &Scope{}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		for _, f := range strings.FieldsFunc(uncomment(sc.Text()), func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
			if err := s.add(f); err != nil {
				return nil, &LineError{File: file, Line: line, Err: err}
			}
		}
	}
	return s, sc.Err()
}

func (s *Scope) add(f string) error {
	if p, err := netip.ParsePrefix(f); err == nil {
		s.prefixes = append(s.prefixes, p.Masked())
		return nil
	}
	if a, err := netip.ParseAddr(strings.Trim(f, "[]")); err == nil {
		s.prefixes = append(s.prefixes, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		return nil
	}
	h, _, err := checkHost(f, 0)
	if err != nil {
		return fmt.Errorf("scope entry %q is not a CIDR, address or host name", f)
	}
	s.names = append(s.names, h)
	return nil
}

// Empty reports whether the scope has no entries (everything listed is in
// scope).
func (s *Scope) Empty() bool { return s == nil || len(s.prefixes) == 0 && len(s.names) == 0 }

// Resolve turns the scope's host names into addresses, once, before the scan.
func (s *Scope) Resolve(ctx context.Context, r Resolver) error {
	for _, n := range s.names {
		addrs, err := r.LookupNetIP(ctx, "ip", n)
		if err != nil {
			return fmt.Errorf("resolving scope host %s: %w", n, err)
		}
		for _, a := range addrs {
			a = a.Unmap()
			s.prefixes = append(s.prefixes, netip.PrefixFrom(a, a.BitLen()))
		}
	}
	s.names = nil
	return nil
}

// Allows reports whether addr is inside the scope.
func (s *Scope) Allows(addr netip.Addr) bool {
	if s.Empty() {
		return true
	}
	addr = addr.Unmap()
	for _, p := range s.prefixes {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// AllowsPrefix reports whether every address of p is inside the scope.
func (s *Scope) AllowsPrefix(p netip.Prefix) bool {
	if s.Empty() {
		return true
	}
	for _, q := range s.prefixes {
		if q.Bits() <= p.Bits() && q.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

// Resolver looks up host names; net.DefaultResolver is one.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// MergeScopes returns a scope allowing what any of the given scopes allows.
func MergeScopes(scopes ...*Scope) *Scope {
	out := &Scope{}
	for _, s := range scopes {
		if s == nil {
			continue
		}
		out.prefixes = append(out.prefixes, s.prefixes...)
		out.names = append(out.names, s.names...)
	}
	return out
}
