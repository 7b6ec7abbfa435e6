package wire

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// The first bytes below are what each server sent first, from the sources
// named beside them: captures against the real servers in this repository's
// tests (redis-server 7.0, FerretDB 1.24, OpenSearch 2.19, Go's net/http
// and crypto/tls) or the protocol's specification where no server runs
// here (RFC 4253 for SSH, RFC 5321 for SMTP, RFC 959 for FTP, RFC 1939 for
// POP3, RFC 9051 for IMAP, MySQL's and PostgreSQL's protocol docs, RFC 9113
// for HTTP/2).
func TestIdentify(t *testing.T) {
	mongoReply := append([]byte{0x30, 0, 0, 0, 1, 0, 0, 0, 0x4d, 0x0a, 0, 0, 1, 0, 0, 0}, make([]byte, 32)...)
	opMsg := append([]byte{0x30, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0xdd, 0x07, 0, 0}, make([]byte, 32)...)
	for _, tc := range []struct {
		name   string
		in     string
		want   Protocol
		detail string // a substring of the detail
	}{
		{"redis INFO reply", "$5432\r\n# Server\r\nredis_version:7.0.15\r\n", RESP, "$5432"},
		{"redis to a MongoDB hello", "-ERR unknown command 'M', with args beginning with: \r\n", RESP, "-ERR unknown command"},
		{"redis to GET /", "-ERR wrong number of arguments for 'get' command\r\n", RESP, "'get'"},
		{"redis with a password", "-NOAUTH Authentication required.\r\n", RESP, "NOAUTH"},
		{"redis protected mode", "-DENIED Redis is running in protected mode\r\n", RESP, "DENIED"},
		{"redis PONG", "+PONG\r\n", RESP, "+PONG"},
		{"redis array", "*2\r\n$1\r\n0\r\n", RESP, "*2"},
		{"redis integer", ":12\r\n", RESP, ":12"},
		{"mongodb OP_REPLY", string(mongoReply), MongoDB, "OP_REPLY"},
		{"mongodb OP_MSG", string(opMsg), MongoDB, "OP_MSG"},
		{"mongod's answer to HTTP", "HTTP/1.0 200 OK\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 85\r\n\r\nIt looks like you are trying to access MongoDB over HTTP on the native driver port.\r\n", MongoDB, "over HTTP"},
		{"opensearch 400", "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n", HTTP, "400 Bad Request"},
		{"nginx", "HTTP/1.1 400 Bad Request\r\nServer: nginx/1.24.0\r\n", HTTP, "server nginx/1.24.0"},
		{"http/2 settings", "\x00\x00\x12\x04\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00\x64\x00\x04\x00\x10\x00\x00\x00\x06\x00\x00\x40\x00", HTTP, "HTTP/2"},
		{"tls alert", "\x15\x03\x01\x00\x02\x02\x46", TLS, "alert"},
		{"tls server hello", "\x16\x03\x03\x00\x7a\x02\x00\x00\x76\x03\x03", TLS, "handshake"},
		{"tls header only", "\x15\x03", TLS, "alert"},
		{"ssh", "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n", SSH, "OpenSSH_9.6p1"},
		{"ssh 1.99", "SSH-1.99-Cisco-1.25\r\n", SSH, "Cisco"},
		{"smtp", "220 mail.example.com ESMTP Postfix (Ubuntu)\r\n", SMTP, "ESMTP Postfix"},
		{"smtp multi-line", "220-mx.example.org Exim 4.96 ready\r\n220 go ahead\r\n", SMTP, "Exim"},
		{"ftp", "220 (vsFTPd 3.0.5)\r\n", FTP, "vsFTPd"},
		{"ftp proftpd", "220 ProFTPD Server (Debian) [::ffff:10.0.0.5]\r\n", FTP, "ProFTPD"},
		{"code banner, neither", "220 Welcome\r\n", Banner, "220 Welcome"},
		{"pop3", "+OK Dovecot (Ubuntu) ready.\r\n", POP3, "Dovecot"},
		{"imap", "* OK [CAPABILITY IMAP4rev1 LITERAL+] Dovecot ready.\r\n", IMAP, "Dovecot"},
		{"imap preauth", "* PREAUTH ready\r\n", IMAP, "PREAUTH"},
		{"mysql 8", "J\x00\x00\x00\x0a8.0.36\x00\x08\x00\x00\x00abcdefgh\x00", MySQL, "8.0.36"},
		{"mariadb", "Y\x00\x00\x00\x0a5.5.5-10.11.6-MariaDB-0+deb12u1\x00", MySQL, "MariaDB"},
		{"mysql refuses host", "E\x00\x00\x00\xffj\x04Host '10.0.0.9' is not allowed to connect to this MySQL server", MySQL, "not allowed"},
		{"postgres error", "E\x00\x00\x00\x5cSFATAL\x00VFATAL\x00C0A000\x00Munsupported frontend protocol 19712.2573\x00\x00", PostgreSQL, "unsupported frontend protocol"},
		{"postgres auth", "R\x00\x00\x00\x0c\x00\x00\x00\x0a", PostgreSQL, "authentication"},
		{"memcached-style line", "ERROR\r\n", Banner, "ERROR"},
		{"telnet-ish text", "Welcome to the console\r\n", Banner, "Welcome"},
		{"empty", "", Unknown, ""},
		{"binary", "\x00\x01\x02\x03\x04\xfe", Unknown, "first bytes 0001020304fe"},
		{"two letters", "ok", Unknown, "6f6b"},
		{"short mongo header", "\x30\x00\x00\x00\x01\x00", Unknown, "first bytes"},
		{"mongo header with a bad opcode", "\x30\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x07\x00\x00\x00", Unknown, "first bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := Identify([]byte(tc.in))
			if m.Protocol != tc.want || !strings.Contains(m.Detail, tc.detail) {
				t.Errorf("Identify(%q) = %q %q, want %q with %q", tc.in, m.Protocol, m.Detail, tc.want, tc.detail)
			}
		})
	}
}

func TestMatchString(t *testing.T) {
	for m, want := range map[Match]string{
		{SSH, "SSH-2.0-x"}:  "SSH (SSH-2.0-x)",
		{RESP, ""}:          "RESP (Redis)",
		{Unknown, "first"}:  "an unknown protocol (first)",
		{Protocol("x"), ""}: "x",
	} {
		if got := m.String(); got != want {
			t.Errorf("%#v.String() = %q, want %q", m, got, want)
		}
	}
}

// FuzzIdentify: any bytes give a match whose detail is short, printable and
// valid UTF-8, and never more than the input's own bytes can explain.
func FuzzIdentify(f *testing.F) {
	for _, s := range []string{
		"$12\r\n", "-ERR x\r\n", "HTTP/1.1 200 OK\r\n\r\n", "SSH-2.0-x\r\n", "\x16\x03\x01\x00\x05",
		"220 x ESMTP\r\n", "+OK\r\n", "* OK\r\n", "J\x00\x00\x00\x0a8.0\x00", "E\x00\x00\x00\x08S\x00\x00\x00",
		"\x00\x00\x12\x04\x00\x00\x00\x00\x00", "\x30\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m := Identify(b)
		if len(m.Detail) > MaxDetail+len("error: ")+32 {
			t.Fatalf("detail of %d bytes", len(m.Detail))
		}
		if !utf8.ValidString(m.Detail) || !printable([]byte(m.Detail)) {
			t.Fatalf("detail %q is not printable", m.Detail)
		}
		if len(b) == 0 && m.Known() {
			t.Fatalf("nothing identified as %s", m.Protocol)
		}
		if _, ok := protocolNames[m.Protocol]; !ok {
			t.Fatalf("unnamed protocol %q", m.Protocol)
		}
	})
}
