package mongodb

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/internal/ferrettest"
	"github.com/spillcheck/spillcheck/scanner"
)

// TestTLSOnlyServer runs FerretDB with a TLS listener only: the probe's
// plaintext hello is dropped, it retries over TLS and records the
// self-signed certificate.
func TestTLSOnlyServer(t *testing.T) {
	cert, key := selfSigned(t)
	s, err := ferrettest.Start(ferrettest.Options{TLSCertFile: cert, TLSKeyFile: key})
	if err != nil {
		t.Fatalf("FerretDB: %v", err)
	}
	t.Cleanup(func() { s.Stop() })
	res, _, err := runProbe(t, s.Addr, 2*time.Second, scanner.Limits{})
	if err != nil {
		t.Fatalf("probe: %v", err)
	}
	if res.Status != scanner.StatusOpen || res.Product != "ferretdb" || res.Facts["empty"] != "true" {
		t.Errorf("status %q product %q facts %v", res.Status, res.Product, res.Facts)
	}
	if res.TLS == nil || !res.TLS.SelfSigned || res.TLS.Subject != "CN=spillcheck-test" || res.TLS.Version == "" {
		t.Errorf("tls = %+v", res.TLS)
	}
	if !slices.ContainsFunc(res.Notes, func(n string) bool { return strings.Contains(n, "answered over TLS") }) {
		t.Errorf("notes %q", res.Notes)
	}
}

func selfSigned(t *testing.T) (certFile, keyFile string) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "spillcheck-test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}
