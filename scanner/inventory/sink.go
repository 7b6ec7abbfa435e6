package inventory

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/spillcheck/spillcheck/scanner"
)

// endpoint is one address a parser found, with what the export says of it.
type endpoint struct {
	host     string
	port     int    // 0: the export does not say
	service  string // scanner service name, "" when unknown
	tls      bool
	exposure string // hint from the field it came from; addresses override it
	anyHost  bool   // the field may hold names even if its name says IP (CSV)
	line     int
	path     string
	resource string
}

// sink receives endpoints from a parser, labels, filters and de-duplicates
// them, and counts what happened in stats.
type sink struct {
	ctx     context.Context
	file    string
	format  string
	opts    Options
	set     *Set
	src     uint16 // the set's code for this file and format
	stats   Stats
	unknown int // dropped by a private/public filter for unknown exposure
	srvLeft int // mongodb+srv:// names with no Options.SRV to take them
}

// srv hands a mongodb+srv:// entry to Options.SRV with its origin.
func (s *sink) srv(e scanner.Entry, line int, path string) {
	if s.opts.SRV == nil {
		s.srvLeft++
		return
	}
	e.Target.Origins = []scanner.Origin{{File: s.file, Format: s.format, Line: line, Path: path}}
	s.opts.SRV(e)
}

// MaxProblems bounds the problems a Read keeps in Stats.Problems; Stats.Bad
// counts them all.
const MaxProblems = 20

// problemAt records a bad value or line at its place: "FILE:LINE: msg (at
// PATH)", or "FILE: msg (at PATH)" where the format has no lines.
func (s *sink) problemAt(line int, path, msg string) {
	s.stats.Bad++
	if len(s.stats.Problems) >= MaxProblems {
		return
	}
	place := s.file
	if place == "-" {
		place = "stdin"
	}
	if line > 0 {
		place += ":" + strconv.Itoa(line)
	}
	if path != "" {
		msg += " (at " + path + ")"
	}
	s.stats.Problems = append(s.stats.Problems, place+": "+msg)
}

func newSink(ctx context.Context, file, format string, opts Options) *sink {
	s := &sink{ctx: ctx, file: file, format: format, opts: opts, set: NewSet(), stats: Stats{Format: format}}
	s.src = s.set.sourceCode(file, format)
	return s
}

// record counts one record read and reports a cancelled context, so that
// parsers stop promptly.
func (s *sink) record() error {
	s.stats.Records++
	if s.stats.Records&1023 == 0 {
		return s.ctx.Err()
	}
	return nil
}

// add labels one endpoint and keeps it if the address filter does.
func (s *sink) add(e endpoint) {
	host, addr := normalizeHost(e.host)
	if !addr.IsValid() && !e.anyHost && ipField(e.path) {
		host = "" // a field that must hold an address holds something else
	}
	if host == "" {
		if e.host != "" {
			s.problemAt(e.line, e.path, "not a host: "+scanner.Clip(e.host))
		}
		return
	}
	if e.port < 0 || e.port > 65535 {
		s.problemAt(e.line, e.path, "not a port number, for host "+scanner.Clip(e.host))
		return
	}
	s.stats.Found++
	exposure := e.exposure
	if addr.IsValid() {
		exposure = addrExposure(addr)
	} else if exposure == "" {
		exposure = nameExposure(host)
	}
	if !s.opts.Address.keeps(exposure) {
		s.stats.Filtered++
		if exposure == "" {
			s.unknown++
		}
		return
	}
	s.set.add(host, e.port, e.service, e.tls, exposure, originRef{src: s.src, line: int32(e.line), path: e.path, resource: e.resource})
}

// ipField reports whether the last element of a path names a field that
// holds IP addresses only (PrivateIpAddress, natIP, clusterIPs[0],
// public_ipv4, private_ip), so that a name there is a broken value, not a
// host.
func ipField(path string) bool {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		path = path[i+1:]
	}
	if i := strings.IndexByte(path, '['); i >= 0 {
		path = path[:i]
	}
	f := strings.ToLower(strings.ReplaceAll(path, "_", ""))
	return strings.HasSuffix(f, "ip") || strings.HasSuffix(f, "ips") ||
		strings.Contains(f, "ipaddress") || strings.Contains(f, "ipv4") || strings.Contains(f, "ipv6")
}

// finish adds the warnings an operator should see.
func (s *sink) finish() {
	switch {
	case s.stats.Found == 0 && s.stats.Skipped > 0:
		s.stats.warnf("%s parsed as %s but held no store endpoints (%d records read, %d endpoints of other services skipped)",
			s.file, s.format, s.stats.Records, s.stats.Skipped)
	case s.stats.Found == 0:
		s.stats.warnf("%s parsed as %s but held no addresses (%d records read)", s.file, s.format, s.stats.Records)
	}
	if s.srvLeft > 0 {
		s.stats.warnf("%d mongodb+srv:// URLs were not resolved (their SRV records name hosts not listed here)", s.srvLeft)
	}
	if d := s.set.DroppedOrigins(); d > 0 {
		s.stats.warnf("%d repeated origins left out (a target keeps at most %d)", d, MaxOrigins)
	}
	if s.stats.Filtered > 0 {
		s.stats.warnf("--address %s left out %d endpoints (%d of unknown exposure)", s.opts.Address, s.stats.Filtered, s.unknown)
	}
}

// wrap turns a parser's error into a *ParseError naming file, format and
// place. Context errors pass through unchanged.
func (s *sink) wrap(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	pe := &ParseError{File: s.file, Format: s.format, Offset: -1, Err: err}
	var pl *placeError
	if errors.As(err, &pl) {
		pe.Line, pe.Offset, pe.Path, pe.Err = pl.line, pl.offset, pl.path, pl.err
	}
	return pe
}
