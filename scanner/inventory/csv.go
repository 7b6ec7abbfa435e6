package inventory

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/spillcheck/spillcheck/scanner"
)

var (
	csvPortCell    = regexp.MustCompile(`^(port|ports|tcpport|serviceport|portnumber|dbport|listenport)$`)
	csvServiceCell = regexp.MustCompile(`^(service|servicename|servicetype|product|engine|dbtype|databasetype|technology|application|software)$`)
	csvProtoCell   = regexp.MustCompile(`^(protocol|proto|transport)$`)
)

// csvColumns are the columns of a CMDB export that readCSV uses.
type csvColumns struct {
	hosts    []int
	exposure []string // per host column: from its header ("private ip", "public ip")
	port     int      // -1: none
	service  int      // -1: none
	proto    int      // -1: none; rows whose protocol is not TCP are skipped
}

// findColumns picks columns by header name: every host or address column,
// the first port column and the first service column.
func findColumns(header []string, stats *Stats) (csvColumns, error) {
	c := csvColumns{port: -1, service: -1, proto: -1}
	stats.Columns = map[string][]string{}
	for i, h := range header {
		k := headerKey(h)
		switch {
		case csvHostCell.MatchString(k):
			c.hosts = append(c.hosts, i)
			exp := ""
			if strings.HasPrefix(k, "private") {
				exp = Private
			} else if strings.HasPrefix(k, "public") {
				exp = Public
			}
			c.exposure = append(c.exposure, exp)
			stats.Columns["host"] = append(stats.Columns["host"], strings.TrimSpace(h))
		case csvPortCell.MatchString(k) && c.port < 0:
			c.port = i
			stats.Columns["port"] = []string{strings.TrimSpace(h)}
		case csvServiceCell.MatchString(k) && c.service < 0:
			c.service = i
			stats.Columns["service"] = []string{strings.TrimSpace(h)}
		case csvProtoCell.MatchString(k) && c.proto < 0:
			c.proto = i
			stats.Columns["protocol"] = []string{strings.TrimSpace(h)}
		}
	}
	if len(c.hosts) == 0 {
		return c, errors.New("no host or address column in the header (want a column named ip, address, host, hostname, fqdn, endpoint, ...)")
	}
	return c, nil
}

// readCSV reads a CMDB export: a header row, then one row per host. Host
// cells may be "host:port" or URLs; port cells may list several ports
// separated by spaces, commas, semicolons or slashes.
func readCSV(ctx context.Context, r *bufio.Reader, s *sink) error {
	var header string
	lr := scanner.NewListReader(r, s.opts.maxLine())
	skipped := 0
	for header == "" || strings.HasPrefix(header, "#") {
		line, err := lr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return atLine(lr.Line, err) // a header too long to read is no header
		}
		header = strings.TrimSpace(strings.TrimPrefix(string(line), "\ufeff"))
		skipped = lr.Line
	}
	delim := csvDelimiter(header)
	if delim == 0 {
		delim = ','
	}
	hr := csv.NewReader(strings.NewReader(header))
	hr.Comma, hr.LazyQuotes = delim, true
	head, err := hr.Read()
	if err != nil {
		return atLine(skipped, err)
	}
	cols, err := findColumns(head, &s.stats)
	if err != nil {
		return atLine(skipped, err)
	}
	cr := csv.NewReader(&lineFeed{lr: scanner.NewListReader(r, s.opts.maxLine()), s: s, skipped: skipped}) // the rest of the buffered input
	cr.Comma, cr.LazyQuotes, cr.FieldsPerRecord, cr.ReuseRecord = delim, true, -1, true
	cr.Comment = '#'
	noHost, last := 0, skipped
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return atLine(pe.Line+skipped, pe.Err)
			}
			return atLine(last+1, err)
		}
		line, _ := cr.FieldPos(0)
		line += skipped
		last = line
		if err := s.record(); err != nil {
			return err
		}
		if !csvRow(s, &cols, head, rec, line) {
			noHost++
		}
	}
	if noHost > 0 {
		s.stats.warnf("%d rows had no host in columns %s", noHost, strings.Join(s.stats.Columns["host"], ", "))
	}
	return nil
}

// csvRow adds the endpoints of one row and reports whether it had a host.
// A host cell may list several hosts separated by commas, semicolons or
// spaces; an address may carry a prefix length (IPAM exports).
func csvRow(s *sink, c *csvColumns, head, rec []string, line int) bool {
	cell := func(i int) string {
		if i >= 0 && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	if p := strings.ToLower(cell(c.proto)); p != "" && p != "tcp" {
		s.stats.Skipped++
		return true
	}
	ports := splitPorts(cell(c.port))
	if slices.Contains(ports, -1) {
		s.problemAt(line, strings.TrimSpace(head[c.port]), "not a port: "+scanner.Clip(cell(c.port)))
		ports = slices.DeleteFunc(ports, func(p int) bool { return p < 0 })
		if len(ports) == 0 {
			return true
		}
	}
	hint := serviceFromName(cell(c.service))
	found := false
	for n, col := range c.hosts {
		if v := cell(col); strings.Contains(strings.ToLower(v), "mongodb") && strings.Contains(v, "://") {
			found = true
			csvMongoURL(s, v, line, strings.TrimSpace(head[col]), c.exposure[n])
			continue
		}
		for _, v := range strings.FieldsFunc(cell(col), func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' }) {
			found = true
			host, port, svc, tls := hostValue(v)
			list := ports
			if port > 0 {
				list = []int{port}
			} else if len(list) == 0 {
				list = []int{0}
			}
			for _, p := range list {
				service := firstNonEmpty(svc, hint, wellKnown(p))
				s.add(endpoint{host: host, port: p, service: service, tls: tls, exposure: c.exposure[n], line: line, path: strings.TrimSpace(head[col]), anyHost: true})
			}
		}
	}
	return found
}

// splitPorts reads "6379", "6379, 6380" or "9200/9300"; bad numbers become
// -1, which the sink counts as not a port.
func splitPorts(v string) []int {
	var out []int
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' || r == '/' || r == ' ' || r == '|' }) {
		n, err := strconv.Atoi(f)
		if err != nil {
			n = -1
		}
		out = append(out, n)
	}
	return out
}

// hostValue reads a host cell: a bare host, host:port, [v6]:port or a URL
// whose scheme names a store (redis, rediss, mongodb, mongodb+srv) or TLS
// (https, rediss).
func hostValue(v string) (host string, port int, service string, tls bool) {
	if i := strings.Index(v, "://"); i > 0 {
		if u, err := url.Parse(v); err == nil && u.Host != "" {
			scheme := strings.ToLower(u.Scheme)
			service = serviceFromName(scheme)
			tls = scheme == "https" || scheme == "rediss"
			port, _ = strconv.Atoi(u.Port())
			return u.Hostname(), port, service, tls
		}
	}
	if h, p, err := net.SplitHostPort(v); err == nil {
		if n, err := strconv.Atoi(p); err == nil {
			return h, n, "", false
		}
	}
	if pfx, err := netip.ParsePrefix(v); err == nil && (pfx.IsSingleIP() || pfx.Addr() != pfx.Masked().Addr()) {
		return pfx.Addr().String(), 0, "", false // an address with its prefix length; a network stays a bad host
	}
	return v, 0, "", false
}

// csvMongoURL reads a MongoDB connection string in a cell: each host of a
// mongodb:// host list is a target; a mongodb+srv:// name goes to
// Options.SRV (the planner resolves it only with --resolve-srv) or, without
// one, is counted in a warning.
func csvMongoURL(s *sink, v string, line int, col, exposure string) {
	es, err := scanner.ParseEntries(v)
	if err != nil {
		s.problemAt(line, col, "not a MongoDB connection string: "+strings.TrimPrefix(err.Error(), scanner.ErrBadTarget.Error()+": "))
		return
	}
	for _, e := range es {
		if e.SRV != "" {
			s.srv(e, line, col)
			continue
		}
		s.add(endpoint{host: e.Target.Host, port: e.Target.Port, service: e.Target.Service, tls: e.Target.TLS,
			exposure: exposure, line: line, path: col, anyHost: true})
	}
}
