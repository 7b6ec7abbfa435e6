package scanner

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spillcheck/spillcheck/scanner/wire"
)

// BannerWait is how long identification listens, before sending anything,
// for a server that speaks first (SSH, SMTP, FTP, POP3, IMAP, MySQL), at
// most the scan's --timeout. None of the stores scanned speaks first, so a
// banner names a service that is not one of them without a byte sent to it.
const BannerWait = 250 * time.Millisecond

// opening is one probe's first request, as Speaker gives it.
type opening struct {
	service  string
	protocol wire.Protocol
	req      []byte
	answers  int // protocols whose answer to req wire.Identify recognizes
}

// openings lists the Speaker openings of services for t, the one that
// draws a recognizable answer from the most protocols first.
func (r *Registry) openings(t Target, services []string) []opening {
	var out []opening
	for _, svc := range r.names {
		if services != nil && !slices.Contains(services, svc) {
			continue
		}
		sp, ok := r.probes[svc].(Speaker)
		if !ok {
			continue
		}
		req, by := sp.Opening(t)
		if len(req) > 0 {
			out = append(out, opening{service: svc, protocol: sp.Protocol(), req: req, answers: len(by)})
		}
	}
	slices.SortStableFunc(out, func(a, b opening) int { return b.answers - a.answers })
	return out
}

// identified is what identification found out about a target.
type identified struct {
	seen    wire.Match
	service string // the registered service that speaks seen.Protocol, if any
	tls     bool   // seen inside a TLS session
	how     string // what drew the answer, for the note
}

// identify names the protocol on a port that has neither a scheme nor a
// default service, with the cheapest exchange that tells the candidate
// services apart, and the next only when one was inconclusive:
//
//  1. connect and listen for BannerWait: a server that speaks first is
//     named from its banner, and nothing is sent to it;
//  2. send the opening that most protocols answer recognizably (the
//     MongoDB probe's hello, which Redis, HTTP and MongoDB servers all
//     answer at once) and name the first answer;
//  3. when the server closed the connection without a byte, or answered
//     with a TLS record, complete a TLS handshake (certificates are not
//     verified) and send the same opening inside it;
//  4. when that too was closed without a byte, send the other openings,
//     each on a new plaintext connection.
//
// Silence (a read that times out) ends it: a server that stays silent to
// a request every HTTP, Redis and MongoDB server answers is none of them.
// Every connection goes through env.DialContext: the scope, the rates and
// the byte budget hold.
func identify(ctx context.Context, env *Env, reg *Registry, services []string) (identified, error) {
	t := env.Target()
	ops := reg.openings(t, services)
	if len(ops) == 0 {
		return identified{}, fmt.Errorf("no probe can name the protocol of %s", t.Addr())
	}
	speaks := map[wire.Protocol]string{}
	for _, o := range ops {
		speaks[o.protocol] = o.service
	}
	found := func(m wire.Match, useTLS bool, how string) identified {
		return identified{seen: m, service: speaks[m.Protocol], tls: useTLS, how: how}
	}
	m, got, err := exchange(ctx, env, false, nil, min(BannerWait, env.Timeout))
	switch {
	case got:
		return found(m, false, "its banner"), nil
	case err != nil && !closedEarly(err):
		return identified{}, err
	}
	// Silent within the banner wait (or closed at once): send the opening.
	first := ops[0]
	how := "its answer to the " + first.service + " probe's first request"
	m, got, err = exchange(ctx, env, false, first.req, 0)
	switch {
	case got && m.Protocol != wire.TLS:
		return found(m, false, how), nil
	case err != nil && !closedEarly(err):
		return identified{}, err
	}
	m, _, err = exchange(ctx, env, true, first.req, 0)
	switch {
	case err == nil:
		return found(m, true, how+" over TLS"), nil
	case !closedEarly(err):
		return identified{}, err
	}
	for _, o := range ops[1:] {
		m, _, err = exchange(ctx, env, false, o.req, 0)
		switch {
		case err == nil:
			return found(m, false, "its answer to the "+o.service+" probe's first request"), nil
		case !closedEarly(err):
			return identified{}, err
		}
	}
	return identified{}, ProtocolError("the server closed the connection without a byte on every opening (%s), plain and over TLS", strings.Join(serviceNames(ops), ", "))
}

func serviceNames(ops []opening) []string {
	out := make([]string, len(ops))
	for i, o := range ops {
		out[i] = o.service
	}
	return out
}

// errClosedEarly is a connection the server closed before sending a byte.
var errClosedEarly = errors.New("closed without a byte")

func closedEarly(err error) bool { return errors.Is(err, errClosedEarly) }

// exchange dials the target (with a TLS handshake when useTLS), writes req
// unless it is nil, and names the first bytes the server sends; got says
// bytes came, and then err is nil. With wait above zero, a read that
// waits longer is not an error (nothing to name yet); otherwise the
// connection's own timeout applies and a silent server is a timeout
// error. A connection closed or reset before the first byte, or a TLS
// handshake the server hung up on, is errClosedEarly. A plaintext answer
// to the TLS handshake is named as the answer.
func exchange(ctx context.Context, env *Env, useTLS bool, req []byte, wait time.Duration) (m wire.Match, got bool, err error) {
	raw, err := env.DialContext(ctx, "tcp", env.Target().Addr())
	if err != nil {
		return wire.Match{}, false, err
	}
	defer raw.Close()
	stop := context.AfterFunc(ctx, func() { raw.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	var c net.Conn = raw
	if useTLS {
		rec := &firstRead{Conn: raw}
		tc := tls.Client(rec, InsecureTLS(sniName(env.Target().Host)))
		if err := tc.HandshakeContext(ctx); err != nil {
			if m := wire.Identify(rec.buf); m.Known() && m.Protocol != wire.TLS {
				return m, true, nil
			}
			if hungUp(err) {
				return wire.Match{}, false, errClosedEarly
			}
			return wire.Match{}, false, fmt.Errorf("TLS handshake: %w", err)
		}
		c = tc
	}
	if req != nil {
		if _, err := c.Write(req); err != nil {
			return wire.Match{}, false, err
		}
	}
	if wait > 0 {
		c.SetReadDeadline(time.Now().Add(wait))
	}
	buf := make([]byte, 512)
	n, err := c.Read(buf)
	switch {
	case n > 0:
		return wire.Identify(buf[:n]), true, nil
	case wait > 0 && errors.Is(err, os.ErrDeadlineExceeded) && ctx.Err() == nil:
		return wire.Match{}, false, nil
	case hungUp(err):
		return wire.Match{}, false, errClosedEarly
	}
	return wire.Match{}, false, err
}

func hungUp(err error) bool {
	var alert tls.AlertError
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.As(err, &alert)
}

// firstRead keeps the first bytes read beneath a TLS client, to name a
// server that answered the handshake in plaintext.
type firstRead struct {
	net.Conn
	buf []byte
}

func (f *firstRead) Read(p []byte) (int, error) {
	n, err := f.Conn.Read(p)
	if len(f.buf) < 512 {
		f.buf = append(f.buf, p[:min(n, 512-len(f.buf))]...)
	}
	return n, err
}

func sniName(host string) string {
	if _, err := netip.ParseAddr(host); err == nil {
		return ""
	}
	return host
}

// probeUnknown identifies the service of a target planned without one and
// runs the matching probe, with TLS when the answer came over TLS, within
// the same time and byte budget. A protocol none of the services speaks is
// a protocol-error naming it.
func (r *Runner) probeUnknown(ctx context.Context, env *Env, j Job) (Result, error) {
	t := j.Target
	start := time.Now()
	id, err := identify(ctx, env, r.Registry, j.Services)
	if err != nil {
		return Result{Target: t}, err
	}
	note := fmt.Sprintf("port %d has no default service: %s named by %s in %v", t.Port, id.seen, id.how,
		time.Since(start).Round(time.Millisecond))
	if id.service == "" {
		want := "a service scanned (" + strings.Join(j.servicesOr(r.Registry), ", ") + ")"
		return Result{Target: t, Notes: []string{note}}, Foreign(id.seen, want)
	}
	t.Service, t.TLS = id.service, t.TLS || id.tls
	pr, _ := r.Registry.Get(t.Service)
	res, err := pr.Probe(ctx, t, env.retarget(t))
	res.Target = t
	res.Notes = append([]string{note}, res.Notes...)
	return res, err
}

// servicesOr is the job's candidate services, or every registered one.
func (j Job) servicesOr(reg *Registry) []string {
	if j.Services != nil {
		return j.Services
	}
	return reg.Names()
}
