package bench

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/internal/ferrettest"
	"github.com/spillcheck/spillcheck/scanner"
	"github.com/spillcheck/spillcheck/scanner/scantest"
	"github.com/spillcheck/spillcheck/scanner/wire"
)

// pairTimeout is the per-read timeout of the protocol-pair runs: a cell
// that waits it out is a timeout, every other cell ends on an answer.
const pairTimeout = 2 * time.Second

// outcome is what one probe made of one peer: the status and, for a
// protocol-error, the protocol it named ("" when it named none), or the
// product for an open store.
type outcome struct {
	status scanner.Status
	named  wire.Protocol
	// product is the product of an open result, or the service an
	// identified target went to.
	product string
}

func (o outcome) String() string {
	switch {
	case o.status == scanner.StatusProtocolError && o.named != "":
		return fmt.Sprintf("%s: %s", o.status, o.named)
	case o.product != "":
		return fmt.Sprintf("%s: %s", o.status, o.product)
	}
	return string(o.status)
}

// TestProtocolPairs runs each probe, and the identification of a port
// without a default service, against a real or faithful server of every
// protocol it may meet: real redis-server, real FerretDB, the real
// OpenSearch node on 127.0.0.1:9200 (SPILLCHECK_OPENSEARCH_URL), an HTTPS
// listener (Go's crypto/tls), SSH, SMTP and MySQL peers that send the
// first bytes those servers send, and a listener that never answers. Each
// pair must end as the table says: the right store open, or a
// protocol-error naming the protocol that answered, or (silence, and the
// pairs where a server hangs up on a foreign request without a byte) an
// honest protocol-error or timeout. The table with each pair's time is
// logged (go test -v -run TestProtocolPairs ./bench/).
func TestProtocolPairs(t *testing.T) {
	if testing.Short() {
		t.Skip("starts servers and waits out timeouts")
	}
	peers := protocolPeers(t)
	open := func(p string) outcome { return outcome{status: scanner.StatusOpen, product: p} }
	named := func(p wire.Protocol) outcome { return outcome{status: scanner.StatusProtocolError, named: p} }
	unnamed := outcome{status: scanner.StatusProtocolError}
	timeout := outcome{status: scanner.StatusTimeout}
	// want[probe][peer]; "identify" is a target with no scheme on a port
	// without a default service.
	want := map[string]map[string]outcome{
		scanner.Redis: {
			"redis-server": open("redis"), "FerretDB": unnamed, "OpenSearch": named(wire.HTTP),
			"HTTPS": named(wire.HTTP), "SSH": named(wire.SSH), "SMTP": named(wire.SMTP),
			"MySQL": named(wire.MySQL), "silent": timeout,
		},
		scanner.MongoDB: {
			"redis-server": named(wire.RESP), "FerretDB": open("ferretdb"), "OpenSearch": named(wire.HTTP),
			"HTTPS": named(wire.HTTP), "SSH": named(wire.SSH), "SMTP": named(wire.SMTP),
			"MySQL": named(wire.MySQL), "silent": timeout,
		},
		scanner.Elasticsearch: {
			"redis-server": named(wire.RESP), "FerretDB": unnamed, "OpenSearch": open("opensearch"),
			"HTTPS": unnamed, "SSH": named(wire.SSH), "SMTP": named(wire.SMTP),
			"MySQL": named(wire.MySQL), "silent": timeout,
		},
		"identify": {
			"redis-server": open("redis"), "FerretDB": open("ferretdb"), "OpenSearch": open("opensearch"),
			"HTTPS": unnamed, "SSH": named(wire.SSH), "SMTP": named(wire.SMTP),
			"MySQL": named(wire.MySQL), "silent": timeout,
		},
	}
	probes := []string{scanner.Redis, scanner.MongoDB, scanner.Elasticsearch, "identify"}
	var table strings.Builder
	table.WriteString("| probe \\ server | " + strings.Join(peerNames, " | ") + " |\n|---|" + strings.Repeat("---|", len(peerNames)) + "\n")
	for _, probe := range probes {
		table.WriteString("| " + probe + " |")
		for _, peer := range peerNames {
			tgt := target(t, peers[peer], probe)
			if probe == "identify" {
				tgt.Service, tgt.Identified = "", true
			}
			st := scan(t, scanConfig{Dialer: scanner.DialerConfig{Timeout: pairTimeout}, Concurrency: 1,
				TargetTimeout: 20 * time.Second}, []scanner.Target{tgt})
			res := st.Results[0]
			got := outcome{status: res.Status, named: wire.Protocol(res.Facts["protocol"])}
			if res.Status == scanner.StatusOpen {
				got.product = res.Product
			}
			w := want[probe][peer]
			if got != w {
				t.Errorf("%s probe on %s: %s (%s), want %s", probe, peer, got, res.Error, w)
			}
			if probe == "identify" && res.Status == scanner.StatusOpen && !res.Target.Identified {
				t.Errorf("identify on %s: result not marked identified", peer)
			}
			text := got.String()
			if got.status == scanner.StatusProtocolError && got.named == "" {
				text += " (" + shortReason(res.Error) + ")"
			}
			fmt.Fprintf(&table, " %s, %s |", text, time.Duration(res.Duration).Round(100*time.Microsecond))
		}
		table.WriteString("\n")
	}
	t.Logf("protocol pairs at --timeout %v (status: protocol named or product; time):\n%s", pairTimeout, table.String())
}

// shortReason is the end of an error message, where probes say why.
func shortReason(msg string) string {
	if i := strings.LastIndex(msg, ": "); i >= 0 && len(msg)-i > 12 {
		msg = msg[i+2:]
	}
	if len(msg) > 60 {
		msg = msg[:60] + "…"
	}
	return msg
}

// peerNames orders the table's columns.
var peerNames = []string{"redis-server", "FerretDB", "OpenSearch", "HTTPS", "SSH", "SMTP", "MySQL", "silent"}

// protocolPeers starts (or finds) one server of each protocol and returns
// their addresses by name.
func protocolPeers(t *testing.T) map[string]string {
	t.Helper()
	os := openSearchAddr(t)
	fdb, err := ferrettest.Start(ferrettest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fdb.Stop() })
	seedChat(t, fdb.Addr)
	redisAddr := scantest.StartRedis(t)
	seedRedis(t, redisAddr, 8)
	https := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "not a search cluster", http.StatusNotFound)
	}))
	t.Cleanup(https.Close)
	return map[string]string{
		"redis-server": redisAddr,
		"FerretDB":     fdb.Addr,
		"OpenSearch":   os,
		"HTTPS":        https.Listener.Addr().String(),
		// The first bytes these servers send on connect: OpenSSH 9.6,
		// Postfix, MySQL 8.0's handshake v10 packet.
		"SSH":    speakFirst(t, "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n"),
		"SMTP":   speakFirst(t, "220 mx.example.org ESMTP Postfix (Ubuntu)\r\n"),
		"MySQL":  speakFirst(t, "J\x00\x00\x00\x0a8.0.36\x00\x08\x00\x00\x00abcdefgh\x00\xff\xff\xff\x02\x00\xff\xdf\x15\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00ijklmnopqrst\x00caching_sha2_password\x00"),
		"silent": speakFirst(t, ""),
	}
}

// openSearchAddr is the real OpenSearch node the test beds run
// (SPILLCHECK_OPENSEARCH_URL, default http://127.0.0.1:9200).
func openSearchAddr(t *testing.T) string {
	raw := os.Getenv("SPILLCHECK_OPENSEARCH_URL")
	if raw == "" {
		raw = "http://127.0.0.1:9200"
	}
	addr := strings.TrimPrefix(strings.TrimPrefix(raw, "http://"), "https://")
	addr = strings.TrimSuffix(addr, "/")
	if !scantest.Reachable(addr) {
		scantest.Missing(t, "no OpenSearch at %s (scripts/setup-opensearch.sh)", addr)
	}
	return addr
}

// speakFirst listens on a free loopback port and, to every connection,
// writes first (if any) at once and then reads until the client hangs up,
// never answering what it reads: a server that speaks first, or a silent
// one.
func speakFirst(t *testing.T, first string) string {
	return scantest.Serve(t, func(c net.Conn) {
		if first != "" {
			c.Write([]byte(first))
		}
		c.SetReadDeadline(time.Now().Add(30 * time.Second))
		io.Copy(io.Discard, c)
	})
}
