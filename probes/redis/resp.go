package redis

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/spillcheck/spillcheck/scanner"
)

// reply is one RESP2 reply. Only the kinds RESP2 defines are accepted; the
// probe never asks for RESP3.
type reply struct {
	kind  byte // '+' simple string, '-' error, ':' integer, '$' bulk, '*' array
	str   string
	null  bool
	elems []reply
}

func (r reply) isError() bool { return r.kind == '-' }

// Bounds on one reply. maxLine bounds a status, error or length line;
// maxDepth bounds nested arrays (the probe's commands nest at most two deep).
const (
	maxLine    = 64 << 10
	readBuf    = 4 << 10
	maxDepth   = 4
	preallocMx = 1024
	// maxKept bounds the array elements one reply keeps, at any depth: the
	// probe asks for at most fieldsPerKey names a key, and a reply of a
	// million one-byte names (7 MiB on the wire) would otherwise cost some
	// 50 MiB as replies. Elements past it are read and dropped.
	maxKept = 1024
)

var crlf = []byte("\r\n")

// resp3Types names the RESP3 type bytes that RESP2 does not have.
var resp3Types = map[byte]string{
	'>': "push", '%': "map", '~': "set", '|': "attribute", '_': "null", ',': "double",
	'#': "boolean", '(': "big number", '=': "verbatim string", '!': "blob error",
}

// respReader reads RESP2 replies, each bounded by limit bytes.
type respReader struct {
	br    *bufio.Reader
	limit int64
	used  int64
	// scratch holds a key name too long for the read buffer (scanPage).
	scratch []byte
	// kept counts the array elements the current reply keeps (maxKept).
	kept int
}

func newRespReader(r io.Reader, limit int64) *respReader {
	return &respReader{br: bufio.NewReaderSize(r, readBuf), limit: limit}
}

// next reads one whole reply.
func (r *respReader) next() (reply, error) {
	r.used, r.kept = 0, 0
	b, err := r.br.Peek(1)
	if err != nil {
		return reply{}, err
	}
	switch b[0] {
	case '+', '-', ':', '$', '*':
		return r.read(0)
	case 0x15, 0x16: // TLS alert or handshake record
		return reply{}, errTLSRecord
	}
	if name, ok := resp3Types[b[0]]; ok {
		// A RESP3 frame (a push carries a pub/sub message, a value) is
		// named, never quoted: a RESP2 client never asks for one.
		return reply{}, scanner.ProtocolError("a RESP3 %s frame (%q) answered a RESP2 client", name, b[0])
	}
	b, _ = r.br.Peek(min(r.br.Buffered(), 64))
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i+1] // the first line only: what follows may be a value
	}
	return reply{}, notRESP(b)
}

// discard reads one whole reply, bounded as next is, and drops it.
func (r *respReader) discard() error {
	_, err := r.next()
	return err
}

// spend counts n more bytes of the current reply against the limit; it
// never overflows, whatever length a server announces.
func (r *respReader) spend(n int64) error {
	if n < 0 || n > r.limit-r.used {
		return fmt.Errorf("%w: a reply exceeded %d bytes", scanner.ErrResponseLimit, r.limit)
	}
	r.used += n
	return nil
}

func (r *respReader) line() ([]byte, error) {
	b, err := r.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		long := append([]byte(nil), b...)
		for errors.Is(err, bufio.ErrBufferFull) && len(long) <= maxLine {
			b, err = r.br.ReadSlice('\n')
			long = append(long, b...)
		}
		if len(long) > maxLine {
			return nil, fmt.Errorf("%w: a reply line exceeded %d bytes", scanner.ErrResponseLimit, maxLine)
		}
		b = long
	}
	if err != nil {
		return nil, err
	}
	if err := r.spend(int64(len(b))); err != nil {
		return nil, err
	}
	if len(b) < 2 || b[len(b)-2] != '\r' {
		return nil, notRESP(b)
	}
	return b[:len(b)-2], nil
}

func (r *respReader) read(depth int) (reply, error) {
	b, err := r.line()
	if err != nil {
		return reply{}, err
	}
	if len(b) == 0 {
		return reply{}, notRESP(b)
	}
	rp := reply{kind: b[0]}
	switch b[0] {
	case '+', '-':
		rp.str = simpleString(b[1:])
		return rp, nil
	case ':':
		if _, err := strconv.ParseInt(string(b[1:]), 10, 64); err != nil {
			return reply{}, notRESP(b)
		}
		rp.str = string(b[1:])
		return rp, nil
	case '$':
		n, err := length(b)
		if err != nil || n < 0 {
			rp.null = true
			return rp, err
		}
		if err := r.spend(n); err != nil {
			return reply{}, err
		}
		if err := r.spend(2); err != nil {
			return reply{}, err
		}
		rp.str, err = r.bulk(n)
		return rp, err
	case '*':
		n, err := length(b)
		if err != nil || n < 0 {
			rp.null = true
			return rp, err
		}
		if depth >= maxDepth {
			return reply{}, scanner.ProtocolError("RESP arrays nested deeper than %d", maxDepth)
		}
		// Each element takes at least 3 bytes on the wire.
		if n > (r.limit-r.used)/3 {
			return reply{}, r.spend(r.limit + 1)
		}
		rp.elems = make([]reply, 0, min(n, preallocMx))
		for range n {
			// An element's place is taken before its own elements are
			// read, so that an array is kept before what it holds.
			keep := r.kept < maxKept
			if keep {
				r.kept++
			}
			e, err := r.read(depth + 1)
			if err != nil {
				return reply{}, err
			}
			if keep {
				rp.elems = append(rp.elems, e)
			}
		}
		return rp, nil
	}
	return reply{}, notRESP(b)
}

// bulk reads n bytes and the CRLF after them. Large bulks grow as bytes
// arrive, so a server announcing a huge length gets no large allocation.
func (r *respReader) bulk(n int64) (string, error) {
	if n+2 <= readBuf {
		// Short bulks (key and field names) are copied once, straight from
		// the read buffer into the string.
		b, err := r.br.Peek(int(n + 2))
		if err != nil {
			return "", unexpected(err)
		}
		if !bytes.Equal(b[n:], crlf) {
			return "", scanner.ProtocolError("bulk string not followed by CRLF")
		}
		s := string(b[:n])
		_, err = r.br.Discard(int(n + 2))
		return s, err
	}
	var b []byte
	if n <= maxLine {
		b = make([]byte, n+2)
		if _, err := io.ReadFull(r.br, b); err != nil {
			return "", unexpected(err)
		}
	} else {
		var buf bytes.Buffer
		if _, err := io.CopyN(&buf, r.br, n+2); err != nil {
			return "", unexpected(err)
		}
		b = buf.Bytes()
	}
	if !bytes.Equal(b[n:], crlf) {
		return "", scanner.ProtocolError("bulk string not followed by CRLF")
	}
	return string(b[:n]), nil
}

// simpleString converts a status line to a string, without allocating for
// the ones the probe reads most: OK and TYPE's answers.
func simpleString(b []byte) string {
	for _, s := range commonStatus {
		if string(b) == s {
			return s
		}
	}
	return string(b)
}

var commonStatus = [...]string{"OK", "string", "hash", "list", "set", "zset", "stream", "none", "ReJSON-RL"}

func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// length parses the count of a '$' or '*' line; -1 is RESP's null.
func length(b []byte) (int64, error) {
	n, err := strconv.ParseInt(string(b[1:]), 10, 64)
	if err != nil || n < -1 {
		return 0, notRESP(b)
	}
	return n, nil
}

// notRESP names what answered instead of Redis, quoting at most 40 bytes of
// the server's first line.
func notRESP(b []byte) error {
	if bytes.HasPrefix(b, []byte("HTTP/")) {
		return scanner.ProtocolError("an HTTP server answered, not Redis")
	}
	if len(b) > 40 {
		b = b[:40]
	}
	return scanner.ProtocolError("reply is not RESP: %q", bytes.TrimRight(b, "\r\n"))
}

// appendCommand encodes args as a RESP array of bulk strings, the only form
// the probe writes.
func appendCommand(dst []byte, args []string) []byte {
	dst = append(dst, '*')
	dst = strconv.AppendInt(dst, int64(len(args)), 10)
	dst = append(dst, crlf...)
	for _, a := range args {
		dst = append(dst, '$')
		dst = strconv.AppendInt(dst, int64(len(a)), 10)
		dst = append(dst, crlf...)
		dst = append(dst, a...)
		dst = append(dst, crlf...)
	}
	return dst
}

// scanPage reads one SCAN reply, [cursor, [key, ...]], and hands each key
// name to each as it is decoded, without building a reply: the bytes are
// valid only during the call, so a page costs the memory of one key name,
// not of the page. The reply is bounded by the reader's limit, as next's
// are. An error reply (a refused SCAN) is returned as refusal, with no
// error; any other shape is a protocol error.
func (r *respReader) scanPage(each func(key []byte)) (cursor, refusal string, err error) {
	r.used = 0
	b, err := r.br.Peek(1)
	if err != nil {
		return "", "", err
	}
	if b[0] == '-' {
		line, err := r.line()
		if err != nil {
			return "", "", err
		}
		return "", simpleString(line[1:]), nil
	}
	if n, err := r.arrayHeader(); err != nil || n != 2 {
		return "", "", notScanReply(err)
	}
	cur, err := r.read(1)
	if err != nil || cur.kind != '$' || cur.null || !isUint(cur.str) {
		return "", "", notScanReply(err)
	}
	n, err := r.arrayHeader()
	if err != nil || n < 0 {
		return "", "", notScanReply(err)
	}
	for range n {
		if err := r.bulkTo(each); err != nil {
			return "", "", err
		}
	}
	return cur.str, "", nil
}

func notScanReply(err error) error {
	if err != nil && !errors.Is(err, scanner.ErrProtocol) {
		return err
	}
	return scanner.ProtocolError("SCAN reply is not [cursor, keys]")
}

// arrayHeader reads a "*<n>" line; a null array is -1.
func (r *respReader) arrayHeader() (int64, error) {
	b, err := r.line()
	if err != nil {
		return 0, err
	}
	if len(b) == 0 || b[0] != '*' {
		return 0, notRESP(b)
	}
	n, err := length(b)
	if err != nil {
		return 0, err
	}
	// Each element takes at least 3 bytes on the wire.
	if n > (r.limit-r.used)/3 {
		return 0, r.spend(r.limit + 1)
	}
	return n, nil
}

// bulkTo reads one bulk string and hands its bytes to each; a null bulk is
// skipped. Short bulks are handed straight from the read buffer; longer
// ones (key names over 4 KiB) through a scratch buffer the reader keeps,
// within the reply's limit.
func (r *respReader) bulkTo(each func([]byte)) error {
	b, err := r.line()
	if err != nil {
		return err
	}
	if len(b) == 0 || b[0] != '$' {
		return scanner.ProtocolError("SCAN key is not a bulk string")
	}
	n, err := length(b)
	if err != nil || n < 0 {
		return err
	}
	if err := r.spend(n + 2); err != nil {
		return err
	}
	var s []byte
	if n+2 <= readBuf {
		if s, err = r.br.Peek(int(n + 2)); err != nil {
			return unexpected(err)
		}
	} else {
		if int64(cap(r.scratch)) < n+2 {
			r.scratch = make([]byte, n+2)
		}
		s = r.scratch[:n+2]
		if _, err := io.ReadFull(r.br, s); err != nil {
			return unexpected(err)
		}
	}
	if !bytes.Equal(s[n:], crlf) {
		return scanner.ProtocolError("bulk string not followed by CRLF")
	}
	each(s[:n])
	if n+2 <= readBuf {
		_, err = r.br.Discard(int(n + 2))
	} else if cap(r.scratch) > maxLine {
		r.scratch = nil // a pooled reader keeps no large buffer
	}
	return err
}
