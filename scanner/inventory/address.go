package inventory

import (
	"fmt"
	"net/netip"
	"strings"
)

// AddressFilter selects targets by exposure, as --address does.
type AddressFilter uint8

// Address filters. AddressBoth, the zero value, keeps every target,
// including those whose exposure is unknown.
const (
	AddressBoth AddressFilter = iota
	AddressPrivate
	AddressPublic
)

// Exposure labels of scanner.Target.Exposure.
const (
	Private = "private"
	Public  = "public"
)

// ParseAddressFilter reads the value of --address: private, public or both.
func ParseAddressFilter(s string) (AddressFilter, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "both", "":
		return AddressBoth, nil
	case "private":
		return AddressPrivate, nil
	case "public":
		return AddressPublic, nil
	}
	return AddressBoth, fmt.Errorf("--address must be private, public or both, got %q", s)
}

func (f AddressFilter) String() string {
	switch f {
	case AddressPrivate:
		return "private"
	case AddressPublic:
		return "public"
	}
	return "both"
}

// keeps reports whether the filter keeps a target of this exposure. A target
// of unknown exposure is kept only by AddressBoth.
func (f AddressFilter) keeps(exposure string) bool {
	switch f {
	case AddressPrivate:
		return exposure == Private
	case AddressPublic:
		return exposure == Public
	}
	return true
}

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// addrExposure classifies an address: RFC 1918, unique-local, loopback,
// link-local and shared (CGNAT) space are private; any other unicast address
// is public.
func addrExposure(a netip.Addr) string {
	a = a.Unmap()
	if a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast() || cgnat.Contains(a) {
		return Private
	}
	return Public
}

// privateSuffixes are name suffixes that only resolve inside a network.
var privateSuffixes = []string{
	".internal", ".local", ".localdomain", ".svc", ".lan", ".intranet", ".corp", ".home.arpa",
}

// nameExposure guesses the exposure of a host name from its suffix, for
// names whose field says nothing; "" when it cannot tell.
func nameExposure(name string) string {
	if name == "localhost" {
		return Private
	}
	for _, s := range privateSuffixes {
		if strings.HasSuffix(name, s) {
			return Private
		}
	}
	return ""
}

// normalizeHost cleans a host from an export: it trims space, brackets and a
// trailing dot, lower-cases names and canonicalises addresses. It returns ""
// for values that are no host: empty, unspecified or multicast addresses,
// and strings with characters no host name has.
func normalizeHost(h string) (host string, addr netip.Addr) {
	h = strings.TrimSpace(h)
	h = strings.TrimPrefix(strings.TrimSuffix(h, "]"), "[")
	if h == "" || len(h) > 253 {
		return "", netip.Addr{}
	}
	if a, err := netip.ParseAddr(h); err == nil {
		a = a.Unmap().WithZone("")
		if a.IsUnspecified() || a.IsMulticast() {
			return "", netip.Addr{}
		}
		return a.String(), a
	}
	h = strings.ToLower(strings.TrimSuffix(h, "."))
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
			return "", netip.Addr{}
		}
	}
	if h == "" || h[0] == '.' || h[0] == '-' || strings.Contains(h, "..") {
		return "", netip.Addr{}
	}
	return h, netip.Addr{}
}
