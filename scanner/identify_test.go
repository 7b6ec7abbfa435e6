package scanner

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/scanner/scantest"
	"github.com/spillcheck/spillcheck/scanner/wire"
)

// speaker is a fakeProbe with an opening: req, answered recognizably by
// the protocols in by.
type speaker struct {
	fakeProbe
	proto wire.Protocol
	req   string
	by    []wire.Protocol
}

func (s *speaker) Protocol() wire.Protocol { return s.proto }
func (s *speaker) Opening(Target) ([]byte, []wire.Protocol) {
	return []byte(s.req), s.by
}

// peer serves each connection with fn, recording what it was sent.
type peer struct {
	addr string
	mu   sync.Mutex
	got  []string // bytes received per connection
}

func startPeer(t *testing.T, tlsConf *tls.Config, fn func(c net.Conn, first []byte)) *peer {
	t.Helper()
	p := &peer{}
	p.addr = scantest.Serve(t, func(c net.Conn) {
		if tlsConf != nil {
			c = tls.Server(c, tlsConf)
			defer c.Close()
		}
		c.SetDeadline(time.Now().Add(3 * time.Second))
		buf := make([]byte, 4096)
		n, _ := c.Read(buf)
		got := string(buf[:n])
		if n > 0 && buf[0] == 0x16 {
			got = "TLS ClientHello"
		}
		p.mu.Lock()
		p.got = append(p.got, got)
		p.mu.Unlock()
		fn(c, buf[:n])
	})
	return p
}

// received is what each connection got, sorted (connections race), once
// n connections have recorded or after two seconds: a handler records when
// the client has closed, which can be after the client returned.
func (p *peer) received(n int) []string {
	for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		p.mu.Lock()
		out := append([]string(nil), p.got...)
		p.mu.Unlock()
		if len(out) >= n || time.Now().After(deadline) {
			slices.Sort(out)
			return out
		}
	}
}

func TestIdentifyUnknownPort(t *testing.T) {
	cert := httptest.NewTLSServer(nil)
	defer cert.Close()
	tlsConf := &tls.Config{Certificates: cert.TLS.Certificates}
	// "alpha" speaks RESP-like "+ALPHA" and its opening is answered by
	// both fake protocols, so it goes first; "beta" answers "BETA:".
	alphaAnswer := func(c net.Conn, first []byte) {
		if bytes.HasPrefix(first, []byte("ALPHA?")) {
			c.Write([]byte("+ALPHA\r\n"))
		}
	}
	tests := []struct {
		name    string
		tls     *tls.Config
		serve   func(c net.Conn, first []byte)
		banner  string // written on connect, before reading
		service string
		proto   wire.Protocol
		useTLS  bool
		status  Status
		sent    []string // what the peer received, per connection
	}{
		{name: "ssh banner, nothing sent", banner: "SSH-2.0-OpenSSH_9.6\r\n", proto: wire.SSH,
			status: StatusProtocolError, sent: []string{""}},
		{name: "alpha answers the first opening", serve: alphaAnswer, service: "alpha", proto: wire.RESP,
			status: StatusOpen, sent: []string{"", "ALPHA?"}},
		{name: "http answers the first opening", serve: func(c net.Conn, _ []byte) { c.Write([]byte("HTTP/1.1 400 Bad Request\r\n\r\n")) },
			service: "beta", proto: wire.HTTP, status: StatusOpen, sent: []string{"", "ALPHA?"}},
		{name: "tls-only alpha", tls: tlsConf, serve: alphaAnswer, service: "alpha", proto: wire.RESP, useTLS: true,
			status: StatusOpen},
		{name: "closes everything", serve: func(net.Conn, []byte) {}, status: StatusProtocolError,
			sent: []string{"", "ALPHA?", "BETA?", "TLS ClientHello"}},
		{name: "silent", serve: func(c net.Conn, _ []byte) { io.Copy(io.Discard, c) }, status: StatusTimeout,
			sent: []string{"", "ALPHA?"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			serve := tc.serve
			if tc.banner != "" {
				serve = nil
			}
			p := startBannerPeer(t, tc.tls, tc.banner, serve)
			alpha := &speaker{fakeProbe: fakeProbe{name: "alpha"}, proto: wire.RESP, req: "ALPHA?",
				by: []wire.Protocol{wire.RESP, wire.HTTP}}
			beta := &speaker{fakeProbe: fakeProbe{name: "beta"}, proto: wire.HTTP, req: "BETA?",
				by: []wire.Protocol{wire.HTTP}}
			var probed Target
			for _, s := range []*speaker{alpha, beta} {
				s.fn = func(_ context.Context, t Target, _ *Env) (Result, error) {
					probed = t
					return Result{Status: StatusOpen, Product: t.Service}, nil
				}
			}
			reg, err := NewRegistry(alpha, beta)
			if err != nil {
				t.Fatal(err)
			}
			d, _ := NewDialer(DialerConfig{Timeout: 400 * time.Millisecond})
			r := &Runner{Registry: reg, Dialer: d, Concurrency: 1, TargetTimeout: 5 * time.Second}
			ap := netip.MustParseAddrPort(p.addr)
			target := Target{Host: "127.0.0.1", IP: ap.Addr(), Port: int(ap.Port()), Identified: true}
			res := r.probe(context.Background(), Job{Target: target})
			if res.Status != tc.status {
				t.Fatalf("status %s (%s), want %s", res.Status, res.Error, tc.status)
			}
			if res.Target.Service != tc.service || probed.Service != tc.service || probed.TLS != tc.useTLS || !res.Target.Identified {
				t.Errorf("result service %q, probed %+v; want %q, tls %v", res.Target.Service, probed, tc.service, tc.useTLS)
			}
			if res.Target.Key() != "any://"+p.addr {
				t.Errorf("key %s", res.Target.Key())
			}
			if tc.service == "" && tc.status == StatusProtocolError && tc.proto != "" && res.Facts["protocol"] != string(tc.proto) {
				t.Errorf("facts %v, want protocol %s", res.Facts, tc.proto)
			}
			if tc.service != "" && (len(res.Notes) == 0 || !strings.Contains(res.Notes[0], tc.proto.String())) {
				t.Errorf("notes %q do not name %s", res.Notes, tc.proto)
			}
			if tc.sent != nil {
				if got := p.received(len(tc.sent)); strings.Join(got, "|") != strings.Join(tc.sent, "|") {
					t.Errorf("peer received %q per connection, want %q", got, tc.sent)
				}
			}
		})
	}
}

// startBannerPeer is startPeer, writing banner on connect first when set.
func startBannerPeer(t *testing.T, conf *tls.Config, banner string, serve func(net.Conn, []byte)) *peer {
	if banner == "" {
		return startPeer(t, conf, serve)
	}
	p := &peer{}
	p.addr = scantest.Serve(t, func(c net.Conn) {
		c.Write([]byte(banner))
		c.SetDeadline(time.Now().Add(time.Second))
		b, _ := io.ReadAll(c)
		p.mu.Lock()
		p.got = append(p.got, string(b))
		p.mu.Unlock()
	})
	return p
}

// TestIdentifyNeedsSpeakers: without an opening there is nothing to send.
func TestIdentifyNeedsSpeakers(t *testing.T) {
	l := listen(t)
	d, _ := NewDialer(DialerConfig{Timeout: time.Second})
	target := l.target("")
	target.Identified = true
	_, err := identify(context.Background(), d.Env(context.Background(), target, Limits{}), testRegistry(t), nil)
	if err == nil || errors.Is(err, ErrProtocol) {
		t.Fatalf("err %v", err)
	}
}
