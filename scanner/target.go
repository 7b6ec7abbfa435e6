package scanner

import (
	"net"
	"net/netip"
	"strconv"
)

// Service names. A probe registers under one of these, and a target names the
// one it is meant for.
const (
	Elasticsearch = "elasticsearch"
	MongoDB       = "mongodb"
	Redis         = "redis"
)

// Origin says where a target came from, so that a finding can be traced to
// the line or cloud resource an operator has to fix.
type Origin struct {
	File     string `json:"file,omitempty"`     // input file, "-" for stdin, "" for arguments
	Format   string `json:"format,omitempty"`   // "list", "aws-ec2", "terraform", ...
	Line     int    `json:"line,omitempty"`     // 1-based line, where the format has lines
	Path     string `json:"path,omitempty"`     // JSON path or element inside the file
	Resource string `json:"resource,omitempty"` // cloud resource id or name
}

// Target is one service endpoint to probe: a host, a port and the service
// expected there. Host is what the operator wrote (a name or an address); IP
// is the address it was resolved to once and checked against the scope. The
// scanner dials IP, never Host, so a name cannot resolve somewhere else later.
type Target struct {
	Host    string     `json:"host"`
	IP      netip.Addr `json:"ip,omitzero"`
	Port    int        `json:"port"`
	Service string     `json:"service"`
	// TLS asks the probe to start with TLS (https://, rediss://, a managed
	// endpoint); probes also detect TLS on their own.
	TLS bool `json:"tls,omitempty"`
	// Identified is set on a target listed with a port that has neither a
	// scheme nor a default service: it is planned with no Service, and the
	// service is named from the port's answer (the result's Service, or
	// "" when no service scanned speaks the protocol seen).
	Identified bool `json:"identified,omitempty"`
	// Exposure is "private" or "public" when the address class is known.
	Exposure string   `json:"exposure,omitempty"`
	Origins  []Origin `json:"origins,omitempty"`
}

// Addr is the host:port the scanner dials: the resolved IP when there is
// one, else Host.
func (t Target) Addr() string {
	h := t.Host
	if t.IP.IsValid() {
		h = t.IP.Unmap().String()
	}
	return net.JoinHostPort(h, strconv.Itoa(t.Port))
}

// Key identifies a target for de-duplication, resume and baselines:
// "service://host:port", or "any://host:port" for an identified target,
// the same before and after its service is known.
func (t Target) Key() string {
	svc := t.Service
	if t.Identified {
		svc = AnyService
	}
	return svc + "://" + net.JoinHostPort(t.Host, strconv.Itoa(t.Port))
}

// AnyService is the service part of an identified target's Key.
const AnyService = "any"

// String is the key, for messages.
func (t Target) String() string { return t.Key() }
