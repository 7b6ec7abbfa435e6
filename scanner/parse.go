package scanner

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Entry is one parsed input line before planning: a host or a range, with an
// optional port and service. Port 0 and Service "" mean "not given"; the
// planner fills them from the probes' default ports.
type Entry struct {
	Target Target
	// Prefix is set for a CIDR line; Target.Host is then empty.
	Prefix netip.Prefix
	// SRV is set for a mongodb+srv:// URL: the name whose SRV record
	// (_mongodb._tcp.SRV) lists the hosts. Target.Host is then empty, and the
	// planner looks the record up only when told to (Planner.ResolveSRV).
	SRV string
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
// mongodb, mongodb+srv, redis, rediss). Credentials in a URL are dropped,
// never echoed. A mongodb:// URL that lists several hosts is an error here:
// ParseEntries returns one entry per host. Comments and blank lines are the
// caller's business. Errors quote at most MaxEcho bytes of the input.
func ParseEntry(s string) (Entry, error) {
	es, err := ParseEntries(s)
	if err != nil {
		return Entry{}, err
	}
	if len(es) != 1 {
		return Entry{}, fmt.Errorf("%w: the URL lists %d hosts; read it with ParseEntries", ErrBadTarget, len(es))
	}
	return es[0], nil
}

// ParseEntries parses one input line as ParseEntry does, except that a
// mongodb:// URL listing several hosts (mongodb://h1,h2:27018,h3/db) gives
// one entry per host, in order: the operator listed each of them, so each is
// a target (this is not replica-set discovery).
func ParseEntries(s string) ([]Entry, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("%w: empty", ErrBadTarget)
	}
	if strings.Contains(s, "://") {
		return parseURL(s)
	}
	if strings.ContainsAny(s, " \t,;") {
		return nil, fmt.Errorf("%w: %s has spaces or separators; give one target per line", ErrBadTarget, Clip(s))
	}
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("%w: %s is not a CIDR range: %v", ErrBadTarget, Clip(s), prefixReason(err))
		}
		e := Entry{Prefix: p.Masked()}
		if e.Prefix != p {
			e.Warning = fmt.Sprintf("%s has host bits set; scanning %s (%s)", p, e.Prefix, RangeText(e.Prefix))
		}
		return []Entry{e}, nil
	}
	host, port, err := splitHostPort(s)
	if err != nil {
		return nil, err
	}
	return []Entry{{Target: Target{Host: host, Port: port}}}, nil
}

// RangeText spells out a prefix as its first and last address, as nmap's
// -sL and masscan's --echo do: "10.0.68.0-10.0.71.255, 1,024 addresses".
func RangeText(p netip.Prefix) string {
	bits := p.Addr().BitLen() - p.Bits()
	n := "more than 2^63"
	if bits < 63 {
		n = commas(uint64(1) << bits)
	}
	word := "addresses"
	if bits == 0 {
		word = "address"
	}
	return fmt.Sprintf("%s-%s, %s %s", p.Addr(), lastAddr(p), n, word)
}

func commas(n uint64) string {
	s := strconv.FormatUint(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// MaxEcho bounds how much of a bad input line an error repeats: at most
// MaxEcho characters between the quotes.
const MaxEcho = 80

// Clip quotes s for an error message, cut (on a rune boundary) so that the
// quoted text holds at most MaxEcho characters, with s's full length when
// cut: a 1 MB cell or a binary line never floods the terminal.
func Clip(s string) string {
	q := strconv.Quote(s)
	if len(q) <= MaxEcho+2 {
		return q
	}
	cut := min(len(s), MaxEcho)
	for {
		for cut > 0 && cut < len(s) && !utf8.RuneStart(s[cut]) {
			cut--
		}
		if q = strconv.Quote(s[:cut]); len(q) <= MaxEcho+2 || cut == 0 {
			break
		}
		cut--
	}
	return fmt.Sprintf("%s... (%d bytes)", q, len(s))
}

// prefixReason keeps the reason of a netip.ParsePrefix error, which quotes
// the whole input, and drops the input (Clip shows it).
func prefixReason(err error) string {
	m := err.Error()
	if i := strings.LastIndex(m, "): "); i >= 0 {
		m = m[i+3:]
	}
	if i := strings.Index(m, ": \""); i >= 0 {
		m = m[:i] // bad bits after slash: "..." quotes the input again
	}
	if len(m) > MaxEcho {
		return "malformed prefix"
	}
	return m
}

// splitHostPort accepts host, host:port, [v6], [v6]:port and a bare v6.
func splitHostPort(s string) (string, int, error) {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.String(), 0, nil
	}
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		a, err := netip.ParseAddr(s[1 : len(s)-1])
		if err != nil {
			return "", 0, fmt.Errorf("%w: %s is not an IPv6 address", ErrBadTarget, Clip(s))
		}
		return a.String(), 0, nil
	}
	host, ps, err := net.SplitHostPort(s)
	if err != nil {
		if strings.Count(s, ":") == 0 {
			return checkHost(s, 0)
		}
		var ae *net.AddrError
		if errors.As(err, &ae) {
			err = errors.New(ae.Err) // without the address, which Clip shows
		}
		return "", 0, fmt.Errorf("%w: %s: %v", ErrBadTarget, Clip(s), err)
	}
	port, err := parsePort(ps)
	if err != nil {
		return "", 0, fmt.Errorf("%w: %s: %v", ErrBadTarget, Clip(s), err)
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return a.String(), port, nil
	}
	return checkHost(host, port)
}

func parsePort(s string) (int, error) {
	p, err := strconv.Atoi(s)
	if err != nil || p < 1 || p > 65535 {
		return 0, fmt.Errorf("port %s is not a number from 1 to 65535", Clip(s))
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
			return "", 0, fmt.Errorf("%w: %s is not a host name", ErrBadTarget, Clip(h))
		}
		for _, r := range label {
			ok := r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
			if !ok {
				return "", 0, fmt.Errorf("%w: %s is not a host name (character %q)", ErrBadTarget, Clip(h), r)
			}
		}
	}
	return strings.ToLower(strings.TrimSuffix(h, ".")), port, nil
}

func parseURL(s string) ([]Entry, error) {
	scheme := strings.ToLower(s[:strings.Index(s, "://")])
	if scheme == "mongodb+srv" || scheme == "mongodb" {
		return parseMongoURL(s, scheme)
	}
	sc, ok := schemes[scheme]
	if !ok {
		return nil, fmt.Errorf("%w: unknown scheme %s (want http, https, mongodb, mongodb+srv, redis or rediss)", ErrBadTarget, Clip(scheme))
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrBadTarget, redactURLError(err))
	}
	e := Entry{Target: Target{Service: sc.service, TLS: sc.tls}}
	if u.User != nil {
		e.Warning = credentialsWarning
	}
	if strings.Contains(u.Host, ",") {
		return nil, fmt.Errorf("%w: a %s URL names one host; give one target per line", ErrBadTarget, scheme)
	}
	host, port, err := splitHostPort(u.Host)
	if err != nil {
		return nil, err
	}
	e.Target.Host, e.Target.Port = host, port
	if e.Target.Port == 0 && scheme == "https" {
		e.Target.Port = 443
	}
	return []Entry{e}, nil
}

const credentialsWarning = "credentials in the URL were ignored: spillcheck never sends credentials"

// parseMongoURL reads a MongoDB connection string by hand: url.Parse refuses
// the host lists that mongodb:// allows. mongodb://[user:pass@]h1[:p1][,h2[:p2]...][/db][?opts]
// gives one entry per host; mongodb+srv://[user:pass@]name[/db][?opts] gives
// one entry whose SRV field is the name. tls=true/ssl=true asks for TLS
// (mongodb+srv implies it unless tls=false).
func parseMongoURL(s, scheme string) ([]Entry, error) {
	rest := s[len(scheme)+3:]
	authority, query := rest, ""
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		authority = rest[:i]
		if j := strings.IndexByte(rest, '?'); j >= 0 {
			query = rest[j+1:]
		}
	}
	warning := ""
	if i := strings.LastIndexByte(authority, '@'); i >= 0 {
		authority, warning = authority[i+1:], credentialsWarning
	}
	tls := scheme == "mongodb+srv"
	opts, err := url.ParseQuery(query)
	if err != nil {
		return nil, fmt.Errorf("%w: malformed %s options", ErrBadTarget, scheme)
	}
	for _, k := range []string{"tls", "ssl"} {
		switch strings.ToLower(opts.Get(k)) {
		case "true":
			tls = true
		case "false":
			tls = false
		}
	}
	if authority == "" {
		return nil, fmt.Errorf("%w: %s URL without a host", ErrBadTarget, scheme)
	}
	if strings.Contains(strings.ToLower(authority), "%2f") || strings.HasPrefix(authority, "/") {
		return nil, fmt.Errorf("%w: %s URL names a Unix socket, not a network address", ErrBadTarget, scheme)
	}
	if scheme == "mongodb+srv" {
		if strings.ContainsAny(authority, ",:") {
			return nil, fmt.Errorf("%w: a mongodb+srv URL names one host without a port", ErrBadTarget)
		}
		name, _, err := checkHost(authority, 0)
		if err != nil {
			return nil, err
		}
		return []Entry{{SRV: name, Target: Target{Service: MongoDB, TLS: tls}, Warning: warning}}, nil
	}
	var out []Entry
	for _, h := range strings.Split(authority, ",") {
		host, port, err := splitHostPort(h)
		if err != nil {
			return nil, err
		}
		out = append(out, Entry{Target: Target{Host: host, Port: port, Service: MongoDB, TLS: tls}, Warning: warning})
	}
	return out, nil
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
