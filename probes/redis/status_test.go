package redis

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"maps"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
	"github.com/spillcheck/spillcheck/scanner/scantest"
)

func TestProbeAuthRequired(t *testing.T) {
	srv := startRedis(t, "--requirepass", "not-sent-by-the-probe")
	res, rec, err := runProbe(t, srv.target(), scanner.Limits{}, 3*time.Second)
	if err != nil || res.Status != scanner.StatusAuthRequired || res.Auth != "AUTH" || res.Product != "redis" {
		t.Fatalf("status %s auth %q err %v", res.Status, res.Auth, err)
	}
	if len(res.Containers) != 0 || res.Facts != nil {
		t.Fatalf("auth-required result has containers or facts: %+v", res)
	}
	if len(res.Notes) != 0 || res.Error != "" {
		t.Errorf("notes %q error %q", res.Notes, res.Error)
	}
	assertFirstWriteOnly(t, rec)
}

// TestProbeLimits: --max-keys 10 lets db 0's 62 keys be listed (up to
// 100) but only ten keys be sampled: typeSample each for the largest
// patterns (no name is ranked here), msg:<int> (20), presence:<phone>
// (10), then two of session:<hex> (10); the nine other patterns are
// counted as not sampled. --max-dbs 1 keeps db 0, the larger db.
func TestProbeLimits(t *testing.T) {
	srv := startRedis(t)
	srv.seed(t, messagingKeyspace())
	res, rec, err := runProbe(t, srv.target(), scanner.Limits{MaxKeys: 10, MaxDBs: 1, MaxFields: 2}, 3*time.Second)
	if err != nil || res.Status != scanner.StatusOpen {
		t.Fatalf("status %s err %v", res.Status, err)
	}
	want := map[string]int{"key-patterns-over-max-keys": 9, "keys-in-patterns-not-sampled": 22,
		"dbs-over-max-dbs": 1, "keys-in-skipped-dbs": 31}
	for k, v := range want {
		if res.Skipped[k] != v {
			t.Errorf("skipped %s = %d, want %d (%v)", k, res.Skipped[k], v, res.Skipped)
		}
	}
	if res.Skipped["keys-not-listed"] != 0 || res.Facts["key_patterns_seen"] != "12" || res.Facts["key_patterns_sampled"] != "3" {
		t.Errorf("skipped %v facts %v", res.Skipped, res.Facts)
	}
	if got := names(res.Containers); got != "db0/msg:<int>(20) db0/presence:<phone>(10) db0/session:<hex>(10)" {
		t.Errorf("containers %s", got)
	}
	for _, c := range res.Containers {
		if len(c.Fields) > 2 {
			t.Errorf("container %s/%s has %d fields", c.Database, c.Name, len(c.Fields))
		}
	}
	written, _ := rec.bytes()
	sampled := map[string]bool{}
	for _, c := range sentCommands(t, written) {
		if c[0] == "TYPE" || c[0] == "HRANDFIELD" {
			sampled[c[1]] = true
		}
	}
	if len(sampled) != 10 {
		t.Errorf("sampled %d keys, want 10", len(sampled))
	}
}

// TestProbeMonitor is the second check of what the probe sends: MONITOR on
// the server lists the commands it executed for the probe.
func TestProbeMonitor(t *testing.T) {
	srv := startRedis(t)
	srv.seed(t, messagingKeyspace())
	mon, err := net.Dial("tcp", srv.addr())
	if err != nil {
		t.Fatal(err)
	}
	defer mon.Close()
	mon.Write(appendCommand(nil, []string{"MONITOR"}))
	rd := newRespReader(mon, 1<<20)
	if r, err := rd.next(); err != nil || r.str != "OK" {
		t.Fatalf("MONITOR: %v %q", err, r.str)
	}
	if res, _, err := runProbe(t, srv.target(), scanner.Limits{}, 3*time.Second); err != nil || res.Status != scanner.StatusOpen {
		t.Fatalf("probe: %s %v", res.Status, err)
	}
	srv.seed(t, [][]string{{"ECHO", "monitor-end"}})
	seen := map[string]int{}
	mon.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		r, err := rd.next()
		if err != nil {
			t.Fatalf("reading MONITOR: %v", err)
		}
		_, quoted, _ := strings.Cut(r.str, `] "`)
		name, _, _ := strings.Cut(quoted, `"`)
		name = strings.ToUpper(name)
		if name == "ECHO" {
			break
		}
		seen[name]++
	}
	for name := range seen {
		if !slices.Contains([]string{"INFO", "SELECT", "SCAN", "TYPE", "HRANDFIELD"}, name) {
			t.Errorf("MONITOR saw %s from the probe", name)
		}
	}
	// One INFO; one SCAN per db; a TYPE per pattern and three more for
	// each of six patterns of more than one key that are not hashes (32);
	// HRANDFIELD on every key of the hash patterns, at most
	// keysPerPattern each (16+3+1+1); SELECT 1 to list db 1, then one per
	// sampling round.
	if want := map[string]int{"INFO": 1, "SCAN": 2, "TYPE": 32, "HRANDFIELD": 21, "SELECT": 3}; !maps.Equal(seen, want) {
		t.Errorf("MONITOR counts %v, want %v", seen, want)
	}
}

// TestProbeTLS runs redis-server with TLS only and a self-signed
// certificate: a plaintext target is retried over TLS, a rediss target
// starts with it, and both record the handshake.
func TestProbeTLS(t *testing.T) {
	dir := t.TempDir()
	cert, key := selfSigned(t, dir)
	port := scantest.FreePort(t)
	srv := runRedis(t, port, "--port", "0", "--tls-port", strconv.Itoa(port),
		"--tls-cert-file", cert, "--tls-key-file", key, "--tls-auth-clients", "no")
	for _, useTLS := range []bool{false, true} {
		tg := srv.target()
		tg.TLS = useTLS
		res, _, err := runProbe(t, tg, scanner.Limits{}, 3*time.Second)
		if err != nil || res.Status != scanner.StatusOpen {
			t.Fatalf("TLS=%v: status %s err %v", useTLS, res.Status, err)
		}
		if res.TLS == nil || !res.TLS.SelfSigned || !strings.Contains(res.TLS.Subject, "spillcheck-test") ||
			!strings.HasPrefix(res.TLS.Version, "TLS 1.") {
			t.Fatalf("TLS=%v: tls facts %+v", useTLS, res.TLS)
		}
		retried := slices.ContainsFunc(res.Notes, func(n string) bool { return strings.Contains(n, "over TLS") })
		if retried == useTLS {
			t.Errorf("TLS=%v: notes %q", useTLS, res.Notes)
		}
	}
}

// TestProbeTLSTargetOnPlainServer: a rediss target whose server speaks
// plaintext fails the handshake and is retried without TLS.
func TestProbeTLSTargetOnPlainServer(t *testing.T) {
	tg := startRedis(t).target()
	tg.TLS = true
	res, _, err := runProbe(t, tg, scanner.Limits{}, time.Second)
	if err != nil || res.Status != scanner.StatusOpen || res.TLS != nil {
		t.Fatalf("status %s err %v tls %+v", res.Status, err, res.TLS)
	}
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "plaintext") {
		t.Errorf("notes %q", res.Notes)
	}
}

func selfSigned(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "spillcheck-test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		BasicConstraintsValid: true, IsCA: true,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	write := func(name, typ string, b []byte) {
		if err := os.WriteFile(name, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(certFile, "CERTIFICATE", der)
	write(keyFile, "EC PRIVATE KEY", kder)
	return certFile, keyFile
}
