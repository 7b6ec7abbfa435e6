package scanner

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"
)

func certificate(t *testing.T, isCA bool, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "search.spillcheck.test"},
		NotBefore:    time.Now().Add(-time.Hour), NotAfter: time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC),
		IsCA: isCA, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
	}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return c, key
}

func TestTLSFactsSelfSigned(t *testing.T) {
	leafNoCA, _ := certificate(t, false, nil, nil)
	leafCA, _ := certificate(t, true, nil, nil)
	ca, caKey := certificate(t, true, nil, nil)
	ca.Subject = pkix.Name{CommonName: "Spillcheck Test CA"}
	caSigned, _ := certificate(t, false, ca, caKey)
	for name, tt := range map[string]struct {
		cert *x509.Certificate
		want bool
	}{"self-signed without CA flag": {leafNoCA, true}, "self-signed CA": {leafCA, true}, "signed by a CA": {caSigned, false}} {
		info := TLSFacts(tls.ConnectionState{Version: tls.VersionTLS13, PeerCertificates: []*x509.Certificate{tt.cert}})
		if info.SelfSigned != tt.want || info.Version != "TLS 1.3" || info.Subject != "CN=search.spillcheck.test" ||
			!info.NotAfter.Equal(time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("%s: %+v", name, info)
		}
	}
}
