package scanner

import (
	"net/netip"
	"strings"
	"testing"
)

func TestScopeFile(t *testing.T) {
	s, err := ReadScopeFile(strings.NewReader("# lab\n127.0.0.0/24, 198.18.0.1\n\n[::1]  # loopback v6\n"), "scope.txt")
	if err != nil {
		t.Fatal(err)
	}
	for addr, want := range map[string]bool{"127.0.0.9": true, "127.0.1.1": false, "198.18.0.1": true, "198.18.0.2": false, "::1": true, "::ffff:127.0.0.5": true} {
		if got := s.Allows(netip.MustParseAddr(addr)); got != want {
			t.Errorf("Allows(%s) = %v, want %v", addr, got, want)
		}
	}
	if !s.AllowsPrefix(netip.MustParsePrefix("127.0.0.128/25")) || s.AllowsPrefix(netip.MustParsePrefix("127.0.0.0/23")) {
		t.Error("AllowsPrefix")
	}
	_, err = ReadScopeFile(strings.NewReader("127.0.0.1\nnot/a/cidr\n"), "scope.txt")
	if err == nil || !strings.HasPrefix(err.Error(), "scope.txt:2: ") {
		t.Errorf("bad line: %v", err)
	}
	m := MergeScopes(nil, s, &Scope{})
	if !m.Allows(netip.MustParseAddr("127.0.0.1")) || m.Allows(netip.MustParseAddr("10.1.1.1")) {
		t.Error("MergeScopes")
	}
	var empty *Scope
	if !empty.Empty() || !empty.Allows(netip.MustParseAddr("192.0.2.1")) {
		t.Error("a nil scope allows what is listed")
	}
}
