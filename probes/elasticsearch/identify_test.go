package elasticsearch

import (
	"errors"
	"io"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
	"github.com/spillcheck/spillcheck/scanner/scantest"
	"github.com/spillcheck/spillcheck/scanner/wire"
)

// TestForeignProtocols: GET / answered in another protocol ends with a
// protocol error naming it, never in a TLS retry (a Redis on 9200 used to
// end in "TLS handshake timeout"), and every request is allowlisted.
func TestForeignProtocols(t *testing.T) {
	for _, tc := range []struct {
		name  string
		addr  func(t *testing.T) string
		proto wire.Protocol
		text  string
		conns int
	}{
		// Redis closes on the Host line without a word; GET / HTTP/1.0
		// on a second connection draws its error.
		{"redis-server", func(t *testing.T) string { return scantest.StartRedis(t) }, wire.RESP, "RESP (Redis) (-ERR wrong number of arguments for 'get' command) answered, not HTTP", 2},
		{"mongod's HTTP note", speaksFirst("HTTP/1.0 200 OK\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 85\r\n\r\nIt looks like you are trying to access MongoDB over HTTP on the native driver port.\r\n"), wire.MongoDB, "the MongoDB wire protocol", 1},
		{"ssh", speaksFirst("SSH-2.0-OpenSSH_9.6\r\n"), wire.SSH, "SSH (SSH-2.0-OpenSSH_9.6) answered, not HTTP", 1},
		{"smtp", speaksFirst("220 mx.example ESMTP Postfix\r\n"), wire.SMTP, "SMTP (220 mx.example ESMTP Postfix)", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ap := netip.MustParseAddrPort(tc.addr(t))
			target := scanner.Target{Host: "127.0.0.1", IP: ap.Addr(), Port: int(ap.Port()), Service: scanner.Elasticsearch}
			res, rec, err := runProbe(t, target, scanner.Limits{}, 2*time.Second)
			var fe *scanner.ForeignError
			if !errors.As(err, &fe) || fe.Seen.Protocol != tc.proto || !strings.Contains(err.Error(), tc.text) {
				t.Fatalf("err %v, want a foreign %s with %q", err, tc.proto, tc.text)
			}
			if len(rec.sent()) > 0 { // a banner may end the exchange before the request is written
				assertAllowlisted(t, rec)
			}
			if scanner.Classify(err) != scanner.StatusProtocolError || res.TLS != nil || rec.connections() != tc.conns {
				t.Errorf("status %s, tls %v, %d connections; want protocol-error, no TLS, %d connections",
					scanner.Classify(err), res.TLS, rec.connections(), tc.conns)
			}
		})
	}
}

// speaksFirst serves text to every connection and then reads until closed.
func speaksFirst(text string) func(t *testing.T) string {
	return func(t *testing.T) string {
		return scantest.Serve(t, func(c net.Conn) {
			c.Write([]byte(text))
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			io.Copy(io.Discard, c)
		})
	}
}
