package elasticsearch

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
)

// maxRedirects bounds same-host redirects; a redirect to any other host is
// refused outright.
const maxRedirects = 3

// transport performs esapi requests against one target over one scheme. It
// implements esapi.Transport. Every request is checked against allowlist
// before it is sent, dials only env.DialContext, never follows a redirect to
// another host, and caps each response body at env.Limits.MaxResponseBytes,
// or, for the catalog listings, at env.Limits.MaxTargetBytes (the session
// stops reading a listing earlier, at its share of the budget).
type transport struct {
	scheme   string
	addr     string // host:port that is dialled, the target's address
	host     string // Host header, the name the operator wrote
	limit    int64
	listing  int64         // the cap of a listing's body
	deadline time.Duration // one request, including its body
	client   *http.Client

	mu    sync.Mutex
	tls   *tls.ConnectionState // the first TLS session seen
	first net.Conn             // dialled already, for the first request
}

// newTransport returns a transport to t over scheme. conn, when not nil, is
// a connection to t from env.DialContext that the first request uses; later
// ones dial through env.DialContext.
func newTransport(t scanner.Target, env *scanner.Env, scheme string, conn net.Conn) *transport {
	host := t.Host
	if host == "" {
		host = t.IP.String()
	}
	sni := ""
	if net.ParseIP(host) == nil {
		sni = host
	}
	tr := &transport{
		scheme:   scheme,
		addr:     t.Addr(),
		host:     net.JoinHostPort(host, strconv.Itoa(t.Port)),
		limit:    env.Limits.MaxResponseBytes,
		listing:  env.Limits.MaxTargetBytes,
		deadline: env.ReplyDeadline(),
		first:    conn,
	}
	tr.client = &http.Client{
		Transport: &http.Transport{
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				if c := tr.takeFirst(); c != nil && addr == tr.addr {
					return c, nil
				} else if c != nil {
					c.Close()
				}
				return env.DialContext(ctx, network, addr)
			},
			TLSClientConfig:        scanner.InsecureTLS(sni),
			TLSHandshakeTimeout:    env.Timeout,
			ResponseHeaderTimeout:  env.Timeout,
			MaxIdleConnsPerHost:    1,
			MaxConnsPerHost:        1,
			MaxResponseHeaderBytes: 64 << 10,
			DisableCompression:     true, // bytes on the wire stay as counted
			Proxy:                  nil,  // never through a proxy
		},
		CheckRedirect: tr.checkRedirect,
	}
	return tr
}

// checkRedirect allows only same-host redirects to allowlisted requests.
func (t *transport) checkRedirect(req *http.Request, via []*http.Request) error {
	if req.URL.Host != t.addr {
		return scanner.ProtocolError("redirect to another host (%s) refused", req.URL.Host)
	}
	if len(via) >= maxRedirects {
		return scanner.ProtocolError("more than %d redirects", maxRedirects)
	}
	req.Header.Del("Authorization")
	if err := checkRequest(req); err != nil {
		return scanner.ProtocolError("redirect refused: %v", err)
	}
	return nil
}

// Perform sends one allowlisted request and returns the response with its
// body capped. The caller closes the body.
func (t *transport) Perform(req *http.Request) (*http.Response, error) {
	req.URL.Scheme = t.scheme
	req.URL.Host = t.addr
	req.Host = t.host
	if err := checkRequest(req); err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "spillcheck")
	ctx, cancel := context.WithTimeout(req.Context(), t.deadline)
	resp, err := t.client.Do(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	if resp.TLS != nil {
		t.mu.Lock()
		if t.tls == nil {
			t.tls = resp.TLS
		}
		t.mu.Unlock()
	}
	if err := unaskedFor(req, resp); err != nil {
		resp.Body.Close()
		cancel()
		return nil, err
	}
	limit := t.limit
	if isListing(req.Method, req.URL.Path) {
		// A listing longer than the budget is read as far as it goes.
		limit = t.listing
	} else if resp.ContentLength > limit {
		resp.Body.Close()
		cancel()
		return nil, fmt.Errorf("%w: %s answered %d bytes, the cap is %d", scanner.ErrResponseLimit, req.URL.Path, resp.ContentLength, limit)
	}
	resp.Body = &cappedBody{r: resp.Body, left: limit, limit: limit, path: req.URL.Path, cancel: cancel}
	return resp, nil
}

// unaskedFor refuses an answer the probe never asks for: a protocol
// switch (its body would be the upgraded stream) or a compressed body
// (compression is never offered, and a body is capped as it arrives, so a
// decompressed one would escape the cap).
func unaskedFor(req *http.Request, resp *http.Response) error {
	if resp.StatusCode == http.StatusSwitchingProtocols {
		return scanner.ProtocolError("%s answered 101 Switching Protocols (to %q), an upgrade the probe never asks for", req.URL.Path, scanner.Shorten(resp.Header.Get("Upgrade"), scanner.MaxFactLen))
	}
	if ce := resp.Header.Get("Content-Encoding"); ce != "" && !strings.EqualFold(ce, "identity") {
		return scanner.ProtocolError("%s answered with Content-Encoding %q, which the probe never asks for", req.URL.Path, scanner.Shorten(ce, scanner.MaxFactLen))
	}
	return nil
}

// tlsState is the TLS session of the first response, nil over plain HTTP.
func (t *transport) tlsState() *tls.ConnectionState {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.tls
}

// takeFirst returns the connection dialled before the transport existed,
// once.
func (t *transport) takeFirst() net.Conn {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := t.first
	t.first = nil
	return c
}

func (t *transport) close() {
	if c := t.takeFirst(); c != nil {
		c.Close()
	}
	t.client.CloseIdleConnections()
}

// cappedBody fails with ErrResponseLimit once more than limit bytes arrive.
type cappedBody struct {
	r      io.ReadCloser
	left   int64
	limit  int64
	path   string
	cancel context.CancelFunc
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, b.err()
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return n, b.err()
	}
	return n, err
}

func (b *cappedBody) err() error {
	return fmt.Errorf("%w: %s answered more than %d bytes", scanner.ErrResponseLimit, b.path, b.limit)
}

func (b *cappedBody) Close() error {
	err := b.r.Close()
	b.cancel()
	return err
}

// readBody reads a capped body and closes it. A deadline hit while reading
// is reported as a timeout.
func readBody(body io.ReadCloser) ([]byte, error) {
	defer body.Close()
	b, err := io.ReadAll(body)
	if errors.Is(err, context.DeadlineExceeded) {
		return b, fmt.Errorf("reading the response: %w", err)
	}
	return b, err
}
