package scanner

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// Entry is one parsed input line before planning: a host or a range, with an
// optional port and service. Port 0 and Service "" mean "not given"; the
// planner fills them from the probes' default ports.
type Entry struct {
	Target Target
	// Prefix is set for a CIDR line; Target.Host is then empty.
	Prefix netip.Prefix
	// Warning is set when the line parsed but something in it was ignored,
	// such as credentials in a URL (never repeated in the warning).
	Warning string
}

// ErrBadTarget marks a line that is not a target.
var ErrBadTarget = errors.New("bad target")

// schemes maps URL schemes to the service and TLS they imply.
var schemes = map[string]struct {
	service string
	tls     bool
}{
	"http":          {Elasticsearch, false},
	"https":         {Elasticsearch, true},
	"elasticsearch": {Elasticsearch, false},
	"opensearch":    {Elasticsearch, false},
	"mongodb":       {MongoDB, false},
	"redis":         {Redis, false},
	"rediss":        {Redis, true},
}

// ParseEntry parses one target: host, host:port, [v6]:port, a bare IPv6
// address, a CIDR, or a URL whose scheme picks the service (http, https,
// mongodb, redis, rediss). Credentials in a URL are dropped, never echoed.
// Comments and blank lines are the caller's business.
func ParseEntry(s string) (Entry, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Entry{}, fmt.Errorf("%w: empty", ErrBadTarget)
	}
	if strings.Contains(s, "://") {
		return parseURL(s)
	}
	if strings.ContainsAny(s, " \t,;") {
		return Entry{}, fmt.Errorf("%w: %q has spaces or separators; give one target per line", ErrBadTarget, s)
	}
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return Entry{}, fmt.Errorf("%w: %q is not a CIDR range: %v", ErrBadTarget, s, err)
		}
		return Entry{Prefix: p.Masked()}, nil
	}
	host, port, err := splitHostPort(s)
	if err != nil {
		return Entry{}, err
	}
	return Entry{Target: Target{Host: host, Port: port}}, nil
}

// splitHostPort accepts host, host:port, [v6], [v6]:port and a bare v6.
func splitHostPort(s string) (string, int, error) {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.String(), 0, nil
	}
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		a, err := netip.ParseAddr(s[1 : len(s)-1])
		if err != nil {
			return "", 0, fmt.Errorf("%w: %q is not an IPv6 address", ErrBadTarget, s)
		}
		return a.String(), 0, nil
	}
	host, ps, err := net.SplitHostPort(s)
	if err != nil {
		if strings.Count(s, ":") == 0 {
			return checkHost(s, 0)
		}
		return "", 0, fmt.Errorf("%w: %q: %v", ErrBadTarget, s, err)
	}
	port, err := parsePort(ps)
	if err != nil {
		return "", 0, fmt.Errorf("%w: %q: %v", ErrBadTarget, s, err)
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return a.String(), port, nil
	}
	return checkHost(host, port)
}

func parsePort(s string) (int, error) {
	p, err := strconv.Atoi(s)
	if err != nil || p < 1 || p > 65535 {
		return 0, fmt.Errorf("port %q is not a number from 1 to 65535", s)
	}
	return p, nil
}

// checkHost accepts a DNS name: letters, digits, '-', '_' and dots.
func checkHost(h string, port int) (string, int, error) {
	if h == "" || len(h) > 253 {
		return "", 0, fmt.Errorf("%w: empty or over-long host name", ErrBadTarget)
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if label == "" || len(label) > 63 {
			return "", 0, fmt.Errorf("%w: %q is not a host name", ErrBadTarget, h)
		}
		for _, r := range label {
			ok := r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
			if !ok {
				return "", 0, fmt.Errorf("%w: %q is not a host name (character %q)", ErrBadTarget, h, r)
			}
		}
	}
	return strings.ToLower(strings.TrimSuffix(h, ".")), port, nil
}

func parseURL(s string) (Entry, error) {
	scheme := strings.ToLower(s[:strings.Index(s, "://")])
	if scheme == "mongodb+srv" {
		return Entry{}, fmt.Errorf("%w: mongodb+srv:// asks DNS for other hosts; list the hosts themselves as mongodb://host:port", ErrBadTarget)
	}
	sc, ok := schemes[scheme]
	if !ok {
		return Entry{}, fmt.Errorf("%w: unknown scheme %q (want http, https, mongodb, redis or rediss)", ErrBadTarget, scheme)
	}
	u, err := url.Parse(s)
	if err != nil {
		return Entry{}, fmt.Errorf("%w: %s", ErrBadTarget, redactURLError(err))
	}
	e := Entry{Target: Target{Service: sc.service, TLS: sc.tls}}
	if u.User != nil {
		e.Warning = "credentials in the URL were ignored: spillcheck never sends credentials"
	}
	if strings.Contains(u.Host, ",") {
		return Entry{}, fmt.Errorf("%w: %s URL lists several hosts; give one target per line", ErrBadTarget, scheme)
	}
	host, port, err := splitHostPort(u.Host)
	if err != nil {
		return Entry{}, err
	}
	e.Target.Host, e.Target.Port = host, port
	if e.Target.Port == 0 && scheme == "https" {
		e.Target.Port = 443
	}
	return e, nil
}

// redactURLError keeps url.Parse's reason but not the URL, which may hold a
// password.
func redactURLError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return "malformed URL: " + ue.Err.Error()
	}
	return "malformed URL"
}
