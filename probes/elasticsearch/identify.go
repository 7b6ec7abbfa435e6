package elasticsearch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
	"github.com/spillcheck/spillcheck/scanner/wire"
)

// firstBytes keeps the first bytes read on the probe's first connection,
// so that a server answering GET / in another protocol is named by
// wire.Identify instead of failing as a malformed HTTP response (and
// being retried over TLS): Redis answers "-ERR wrong number of arguments
// for 'get' command", mongod "It looks like you are trying to access
// MongoDB over HTTP", an SSH or SMTP server its banner.
type firstBytes struct {
	net.Conn
	mu  sync.Mutex
	buf []byte
	err error // the first read error after some bytes came
}

// maxFirstBytes bounds what firstBytes keeps.
const maxFirstBytes = 512

func recordFirst(c net.Conn) *firstBytes { return &firstBytes{Conn: c} }

func (f *firstBytes) Read(p []byte) (int, error) {
	n, err := f.Conn.Read(p)
	f.mu.Lock()
	if n > 0 && len(f.buf) < maxFirstBytes {
		f.buf = append(f.buf, p[:min(n, maxFirstBytes-len(f.buf))]...)
	}
	if err != nil && f.err == nil && len(f.buf) > 0 {
		f.err = err
	}
	f.mu.Unlock()
	return n, err
}

// foreign returns a *scanner.ForeignError when the first bytes the server
// sent belong to a protocol other than HTTP. TLS is not foreign: the probe
// retries over HTTPS.
func (f *firstBytes) foreign() error {
	f.mu.Lock()
	m := wire.Identify(f.buf)
	partial := len(f.buf) < len(httpPrefix) && strings.HasPrefix(httpPrefix, string(f.buf))
	buf, err := string(f.buf), f.err
	f.mu.Unlock()
	if partial {
		// The start of a status line that stalled ("HTT"): a slow HTTP
		// server. net/http reports the partial line as a malformed
		// response, hiding the read's timeout, so the timeout is returned
		// here.
		if scanner.Classify(err) == scanner.StatusTimeout {
			return fmt.Errorf("GET /: the status line stalled after %q: %w", buf, err)
		}
		return nil
	}
	switch m.Protocol {
	case wire.HTTP, wire.TLS, wire.Unknown:
		return nil
	}
	return scanner.Foreign(m, "HTTP")
}

const httpPrefix = "HTTP/"

// closedSilently reports whether the plain attempt's connection ended, with
// err, before the server sent a byte.
func (f *firstBytes) closedSilently(err error) bool {
	f.mu.Lock()
	n := len(f.buf)
	f.mu.Unlock()
	return n == 0 && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET))
}

// requestWithoutHost is GET / in HTTP/1.0, which needs no Host header.
const requestWithoutHost = "GET / HTTP/1.0\r\nUser-Agent: spillcheck\r\n\r\n"

// askWithoutHost is the second plain exchange, made only when the first
// GET / was closed without a byte: Redis closes at once on the "Host:"
// line of an HTTP/1.1 request, dropping the error it had queued for the
// request line, but answers GET / HTTP/1.0 with "-ERR wrong number of
// arguments for 'get' command". It returns a *scanner.ForeignError when
// the answer is another protocol's, nil otherwise (a TLS-only server
// closes again, and the probe goes on to HTTPS).
func askWithoutHost(ctx context.Context, t scanner.Target, env *scanner.Env) error {
	req, err := http.NewRequest(http.MethodGet, "http://"+t.Addr()+"/", nil)
	if err != nil || checkRequest(req) != nil {
		return nil
	}
	c, err := env.DialContext(ctx, "tcp", t.Addr())
	if err != nil {
		return nil
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if _, err := c.Write([]byte(requestWithoutHost)); err != nil {
		return nil
	}
	buf := make([]byte, maxFirstBytes)
	n, _ := io.ReadAtLeast(c, buf, 1)
	m := wire.Identify(buf[:n])
	switch m.Protocol {
	case wire.HTTP, wire.TLS, wire.Unknown:
		return nil
	}
	return scanner.Foreign(m, "HTTP")
}

// Protocol is HTTP.
func (probe) Protocol() wire.Protocol { return wire.HTTP }

// Opening is GET / in HTTP/1.0 without a Host header, the form of GET /
// that every HTTP server and Redis answer ("-ERR wrong number of arguments
// for 'get' command"; an HTTP/1.1 request's "Host:" line makes Redis close
// without a word); mongod answers with a note in HTTP, FerretDB closes.
func (probe) Opening(t scanner.Target) ([]byte, []wire.Protocol) {
	req, err := http.NewRequest(http.MethodGet, "http://"+t.Addr()+"/", nil)
	if err != nil || checkRequest(req) != nil {
		return nil, nil
	}
	return []byte(requestWithoutHost), []wire.Protocol{wire.HTTP, wire.RESP}
}
