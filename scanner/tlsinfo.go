package scanner

import (
	"bytes"
	"crypto/tls"
)

// TLSFacts summarizes a completed handshake: protocol version, the leaf
// certificate's subject, issuer and expiry, and whether it signed itself.
func TLSFacts(st tls.ConnectionState) *TLSInfo {
	info := &TLSInfo{Version: tls.VersionName(st.Version)}
	if len(st.PeerCertificates) == 0 {
		return info
	}
	leaf := st.PeerCertificates[0]
	info.Subject = leaf.Subject.String()
	info.Issuer = leaf.Issuer.String()
	info.NotAfter = leaf.NotAfter.UTC()
	// CheckSignatureFrom would insist on a CA flag that many self-signed
	// server certificates lack; check the signature with the leaf's own key.
	info.SelfSigned = bytes.Equal(leaf.RawIssuer, leaf.RawSubject) &&
		leaf.CheckSignature(leaf.SignatureAlgorithm, leaf.RawTBSCertificate, leaf.Signature) == nil
	return info
}

// InsecureTLS is the client configuration probes use: scanners must see
// self-signed and expired certificates, so verification is off, and the
// facts are recorded instead. serverName is sent as SNI when it is a name.
func InsecureTLS(serverName string) *tls.Config {
	return &tls.Config{
		InsecureSkipVerify: true, //nolint:gosec // a scanner records certificates instead of trusting them
		ServerName:         serverName,
		MinVersion:         tls.VersionTLS10,
	}
}
