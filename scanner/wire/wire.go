// Package wire names the protocol a server speaks from the first bytes it
// sends on a connection: its banner, when it speaks first, or its answer to
// a probe's first request. It is what fingerprinting tools (nmap's service
// detection, fingerprintx, zgrab2's banner module) do with their first
// read, reduced to the protocols a store scan meets: the three it scans
// (HTTP, RESP, the MongoDB wire protocol), TLS, and the services that often
// sit on a port an inventory mislabels (SSH, SMTP, FTP, POP3, IMAP, MySQL,
// PostgreSQL, any other line of text).
//
// Identify reads nothing from the network and never keeps what it is
// given: a Match carries the protocol and a short printable excerpt of the
// first line (a banner, a status line, a version), never more than
// MaxDetail bytes.
package wire

import (
	"bytes"
	"encoding/binary"
	"strings"
)

// Protocol names a wire protocol. The zero value is Unknown.
type Protocol string

// The protocols Identify tells apart.
const (
	Unknown    Protocol = ""
	HTTP       Protocol = "http"
	RESP       Protocol = "resp" // Redis and its forks
	MongoDB    Protocol = "mongodb"
	TLS        Protocol = "tls"
	SSH        Protocol = "ssh"
	SMTP       Protocol = "smtp"
	FTP        Protocol = "ftp"
	POP3       Protocol = "pop3"
	IMAP       Protocol = "imap"
	MySQL      Protocol = "mysql"
	PostgreSQL Protocol = "postgresql"
	Banner     Protocol = "banner" // a line of text none of the above
)

var protocolNames = map[Protocol]string{
	Unknown: "an unknown protocol", HTTP: "HTTP", RESP: "RESP (Redis)", MongoDB: "the MongoDB wire protocol",
	TLS: "TLS", SSH: "SSH", SMTP: "SMTP", FTP: "FTP", POP3: "POP3", IMAP: "IMAP", MySQL: "MySQL",
	PostgreSQL: "PostgreSQL", Banner: "a text banner",
}

// String is the protocol's name for messages: "RESP (Redis)", "SSH".
func (p Protocol) String() string {
	if n, ok := protocolNames[p]; ok {
		return n
	}
	return string(p)
}

// MaxDetail bounds Match.Detail.
const MaxDetail = 64

// Match is what Identify recognized.
type Match struct {
	Protocol Protocol
	// Detail is a short printable excerpt that shows why: the banner's or
	// status line's first line, a version, a record type. Bytes that are
	// not printable ASCII are replaced with '.'.
	Detail string
}

// String reads "SSH (SSH-2.0-OpenSSH_9.6)", for messages.
func (m Match) String() string {
	if m.Detail == "" {
		return m.Protocol.String()
	}
	return m.Protocol.String() + " (" + m.Detail + ")"
}

// Known reports whether Identify named a protocol.
func (m Match) Known() bool { return m.Protocol != Unknown }

// maxLook bounds the bytes Identify reads of its input.
const maxLook = 512

// Identify names the protocol of b, the first bytes a server sent. A
// prefix is enough for most protocols (four bytes of "SSH-", a TLS record
// header, a MongoDB message header); when b is too short or matches
// nothing, the Match is Unknown with a hex excerpt as its Detail. Only the
// first 512 bytes are looked at.
func Identify(b []byte) Match {
	if len(b) > maxLook {
		b = b[:maxLook]
	}
	if len(b) == 0 {
		return Match{}
	}
	for _, rec := range recognizers {
		if m, ok := rec(b); ok {
			return m
		}
	}
	return Match{Detail: hexDetail(b)}
}

// recognizers run in order: binary framings first (they would pass for
// text only by accident), then text protocols, most specific first.
var recognizers = []func([]byte) (Match, bool){
	tlsRecord, mongoMessage, mysqlPacket, postgresMessage, http2Frame,
	sshBanner, httpResponse, respReply, imapGreeting, pop3Greeting, codeBanner, textBanner,
}

func tlsRecord(b []byte) (Match, bool) {
	// ContentType 20..23, then version 3.x with x at most 4.
	if b[0] < 0x14 || b[0] > 0x17 || len(b) < 2 || b[1] != 0x03 || (len(b) >= 3 && b[2] > 0x04) {
		return Match{}, false
	}
	detail := map[byte]string{0x14: "change cipher spec", 0x15: "alert", 0x16: "handshake record", 0x17: "application data"}[b[0]]
	return Match{TLS, detail}, true
}

// MongoDB opcodes a server answers with.
const (
	opReply      = 1
	opCompressed = 2012
	opMsg        = 2013
	maxMongoMsg  = 48 << 20 // the server's own message size limit
)

func mongoMessage(b []byte) (Match, bool) {
	if len(b) < 16 {
		return Match{}, false
	}
	n := binary.LittleEndian.Uint32(b)
	if n < 16 || n > maxMongoMsg {
		return Match{}, false
	}
	switch binary.LittleEndian.Uint32(b[12:]) {
	case opReply:
		return Match{MongoDB, "OP_REPLY"}, true
	case opMsg:
		return Match{MongoDB, "OP_MSG"}, true
	case opCompressed:
		return Match{MongoDB, "OP_COMPRESSED"}, true
	}
	return Match{}, false
}

// mysqlPacket recognizes a MySQL or MariaDB server's first packet: a 3-byte
// length, sequence 0, then protocol version 10 (or 9) and a NUL-terminated
// version string, or an error packet (0xff) such as "Host ... is not
// allowed to connect".
func mysqlPacket(b []byte) (Match, bool) {
	if len(b) < 6 || b[3] != 0 {
		return Match{}, false
	}
	n := int(b[0]) | int(b[1])<<8 | int(b[2])<<16
	if n < 2 || n > 1<<16 {
		return Match{}, false
	}
	switch b[4] {
	case 0x0a, 0x09:
		v := b[5:]
		end := bytes.IndexByte(v, 0)
		if end < 1 || !printable(v[:end]) || !startsDigit(v) {
			return Match{}, false
		}
		return Match{MySQL, excerpt(v[:end])}, true
	case 0xff:
		// 0xff, a 2-byte error code, then the message.
		end := min(len(b), 4+n)
		if end < 7+4 || !printable(b[7:end]) {
			return Match{}, false
		}
		return Match{MySQL, "error: " + excerpt(b[7:end])}, true
	}
	return Match{}, false
}

// postgresMessage recognizes a PostgreSQL server's answer to a startup
// packet it did not like: an ErrorResponse ('E', a big-endian length, then
// fields starting with the severity 'S') or an authentication request.
func postgresMessage(b []byte) (Match, bool) {
	if len(b) < 9 {
		return Match{}, false
	}
	n := binary.BigEndian.Uint32(b[1:])
	switch {
	case b[0] == 'E' && n >= 8 && n < 1<<16 && b[5] == 'S':
		msg := b[5:]
		if i := bytes.Index(msg, []byte{0, 'M'}); i >= 0 {
			msg = msg[i+2:]
		}
		if end := bytes.IndexByte(msg, 0); end >= 0 {
			msg = msg[:end]
		}
		return Match{PostgreSQL, "error: " + excerpt(msg)}, true
	case b[0] == 'R' && n >= 8 && n <= 64 && binary.BigEndian.Uint32(b[5:]) <= 12:
		return Match{PostgreSQL, "authentication request"}, true
	}
	return Match{}, false
}

// http2Frame recognizes the SETTINGS or GOAWAY frame an HTTP/2 server
// (prior knowledge, h2c) sends first: a 24-bit length, the type, flags, and
// stream 0.
func http2Frame(b []byte) (Match, bool) {
	if len(b) < 9 || (b[3] != 0x04 && b[3] != 0x07) || binary.BigEndian.Uint32(b[5:])&0x7fffffff != 0 {
		return Match{}, false
	}
	n := int(b[0])<<16 | int(b[1])<<8 | int(b[2])
	if n > 1<<14 || (b[3] == 0x04 && n%6 != 0) {
		return Match{}, false
	}
	return Match{HTTP, "HTTP/2 frames"}, true
}

func sshBanner(b []byte) (Match, bool) {
	if !bytes.HasPrefix(b, []byte("SSH-")) {
		return Match{}, false
	}
	return Match{SSH, excerpt(firstLine(b))}, true
}

// mongoOverHTTP is what mongod answers an HTTP request on its native port.
var mongoOverHTTP = []byte("trying to access MongoDB over HTTP")

func httpResponse(b []byte) (Match, bool) {
	if !bytes.HasPrefix(b, []byte("HTTP/")) {
		return Match{}, false
	}
	if bytes.Contains(b, mongoOverHTTP) {
		return Match{MongoDB, "its answer to HTTP: " + excerpt(mongoOverHTTP)}, true
	}
	d := excerpt(firstLine(b))
	if s := header(b, "server"); s != "" {
		d = excerpt([]byte(d + ", server " + s))
	}
	return Match{HTTP, d}, true
}

// header returns the value of the first header named name (lower case)
// among b's complete lines, "" if none.
func header(b []byte, name string) string {
	for line := range bytes.SplitSeq(b, []byte("\n")) {
		k, v, ok := bytes.Cut(bytes.TrimRight(line, "\r"), []byte(":"))
		if ok && strings.EqualFold(string(k), name) {
			return string(bytes.TrimSpace(v))
		}
	}
	return ""
}

// respReply recognizes a RESP2 reply: an error ("-ERR ...", "-NOAUTH ..."),
// a simple string without spaces ("+PONG"), an integer, or the header of a
// bulk string or array ("$1234\r\n", "*2\r\n"). POP3's "+OK greeting" is
// left to pop3Greeting.
func respReply(b []byte) (Match, bool) {
	line := firstLine(b)
	if len(line) < 2 || !printable(line) {
		return Match{}, false
	}
	rest := line[1:]
	switch line[0] {
	case '-':
		code, _, _ := bytes.Cut(rest, []byte(" "))
		if !upperWord(code) {
			return Match{}, false
		}
	case '+':
		if bytes.ContainsAny(rest, " \t") {
			return Match{}, false
		}
	case ':', '$', '*':
		if !digits(bytes.TrimPrefix(rest, []byte("-"))) || !bytes.Contains(b, []byte("\r\n")) {
			return Match{}, false
		}
	default:
		return Match{}, false
	}
	return Match{RESP, excerpt(line)}, true
}

func imapGreeting(b []byte) (Match, bool) {
	for _, p := range []string{"* OK", "* PREAUTH", "* BYE"} {
		if bytes.HasPrefix(b, []byte(p)) {
			return Match{IMAP, excerpt(firstLine(b))}, true
		}
	}
	return Match{}, false
}

func pop3Greeting(b []byte) (Match, bool) {
	if bytes.HasPrefix(b, []byte("+OK")) && printable(firstLine(b)) {
		return Match{POP3, excerpt(firstLine(b))}, true
	}
	return Match{}, false
}

// codeBanner recognizes the "220 host ESMTP ..." or "220 FTP server ready"
// lines of SMTP and FTP: a three-digit reply code, then a space or a dash.
// The words of the line tell the two apart; a line that names neither is a
// generic banner.
func codeBanner(b []byte) (Match, bool) {
	line := firstLine(b)
	if len(line) < 4 || !digits(line[:3]) || (line[3] != ' ' && line[3] != '-') || !printable(line) {
		return Match{}, false
	}
	up := strings.ToUpper(string(line))
	switch {
	case strings.Contains(up, "FTP"):
		return Match{FTP, excerpt(line)}, true
	case strings.Contains(up, "SMTP") || strings.Contains(up, "MAIL") || strings.Contains(up, "POSTFIX") ||
		strings.Contains(up, "EXIM") || strings.Contains(up, "SENDMAIL"):
		return Match{SMTP, excerpt(line)}, true
	}
	return Match{Banner, excerpt(line)}, true
}

// textBanner takes any first line of at least three printable bytes.
func textBanner(b []byte) (Match, bool) {
	line := firstLine(b)
	if len(bytes.TrimSpace(line)) < 3 || !printable(line) {
		return Match{}, false
	}
	return Match{Banner, excerpt(line)}, true
}

// firstLine is b up to its first CR or LF.
func firstLine(b []byte) []byte {
	if i := bytes.IndexAny(b, "\r\n"); i >= 0 {
		return b[:i]
	}
	return b
}

func printable(b []byte) bool {
	for _, c := range b {
		if (c < 0x20 && c != '\t') || c > 0x7e {
			return false
		}
	}
	return true
}

func digits(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func startsDigit(b []byte) bool { return len(b) > 0 && b[0] >= '0' && b[0] <= '9' }

func upperWord(b []byte) bool {
	if len(b) < 2 {
		return false
	}
	for _, c := range b {
		if (c < 'A' || c > 'Z') && c != '_' {
			return false
		}
	}
	return true
}

// excerpt is b made printable and cut to MaxDetail bytes.
func excerpt(b []byte) string {
	if len(b) > MaxDetail {
		b = b[:MaxDetail]
	}
	out := make([]byte, len(b))
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			c = '.'
		}
		out[i] = c
	}
	return strings.TrimSpace(string(out))
}

const hexDigits = "0123456789abcdef"

// hexDetail names unrecognized bytes by their first eight, in hex.
func hexDetail(b []byte) string {
	b = b[:min(len(b), 8)]
	out := make([]byte, 0, len("first bytes ")+2*len(b))
	out = append(out, "first bytes "...)
	for _, c := range b {
		out = append(out, hexDigits[c>>4], hexDigits[c&15])
	}
	return string(out)
}
