package redis

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
)

// New returns the Redis probe. It registers as scanner.Redis on ports 6379
// and 6380.
func New() scanner.Probe { return probe{} }

type probe struct{}

func (probe) Name() string        { return scanner.Redis }
func (probe) DefaultPorts() []int { return []int{6379, 6380} }

// Probe classifies the server at t and, when it answers without
// authentication, samples key patterns and field names as the package doc
// describes. It opens at most two connections (one more only to switch
// between plaintext and TLS) and returns within ctx's deadline.
func (probe) Probe(ctx context.Context, t scanner.Target, env *scanner.Env) (res scanner.Result, err error) {
	res = scanner.Result{Target: t, Started: time.Now()}
	defer func() {
		res.Duration = scanner.Duration(time.Since(res.Started))
		if err != nil && res.Status == "" {
			res.Status = scanner.Classify(err)
		}
	}()
	c, info, err := connect(ctx, t, env, &res)
	if err != nil {
		return res, err
	}
	defer c.conn.Close()
	if info.isError() {
		return res, classifyRefusal(&res, info.str)
	}
	if info.kind != '$' || info.null {
		return res, scanner.ProtocolError("INFO answered with a %q reply, not a bulk string", info.kind)
	}
	server := parseInfo(info.str)
	res.Product, res.Version = product(server)
	if res.Version == "" {
		return res, scanner.ProtocolError("INFO answered without a redis_version")
	}
	res.Status = scanner.StatusOpen
	return res, sampleServer(ctx, c, env.Limits, server, &res)
}

// connect dials t, plaintext unless t.TLS, sends INFO server and reads the
// reply. When the first attempt looks like the other mode (a TLS record or a
// silent close on a plaintext attempt, a plaintext reply to a TLS
// handshake), it retries once in the other mode.
func connect(ctx context.Context, t scanner.Target, env *scanner.Env, res *scanner.Result) (*client, reply, error) {
	c, r, err := attempt(ctx, t, env, t.TLS, res)
	if err == nil || !wrongMode(err, t.TLS) {
		return c, r, err
	}
	c2, r2, err2 := attempt(ctx, t, env, !t.TLS, res)
	if err2 != nil {
		res.TLS = nil
		return nil, reply{}, err
	}
	if t.TLS {
		res.Notes = append(res.Notes, "the TLS handshake failed; the server answered in plaintext")
	} else {
		res.Notes = append(res.Notes, "the plaintext attempt failed; the server answered over TLS")
	}
	return c2, r2, nil
}

func attempt(ctx context.Context, t scanner.Target, env *scanner.Env, useTLS bool, res *scanner.Result) (*client, reply, error) {
	conn, err := env.DialContext(ctx, "tcp", t.Addr())
	if err != nil {
		return nil, reply{}, err
	}
	if useTLS {
		tc := tls.Client(conn, scanner.InsecureTLS(serverName(t.Host)))
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, reply{}, fmt.Errorf("TLS handshake: %w", err)
		}
		res.TLS = scanner.TLSFacts(tc.ConnectionState())
		conn = tc
	}
	c := newClient(conn, env.Limits.MaxResponseBytes)
	r, err := c.do("INFO", "server")
	if err != nil {
		conn.Close()
		return nil, reply{}, err
	}
	return c, r, nil
}

// errTLSRecord is a TLS record where a RESP reply was expected.
var errTLSRecord = fmt.Errorf("%w: the port answered with a TLS record", scanner.ErrTLSRequired)

// wrongMode reports whether err suggests the server speaks the other mode.
func wrongMode(err error, triedTLS bool) bool {
	if triedTLS {
		var rh tls.RecordHeaderError
		return errors.As(err, &rh)
	}
	return errors.Is(err, errTLSRecord) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET)
}

func serverName(host string) string {
	if _, err := netip.ParseAddr(host); err == nil {
		return ""
	}
	return host
}

// classifyRefusal maps an error reply to INFO onto a status.
func classifyRefusal(res *scanner.Result, msg string) error {
	code, _, _ := strings.Cut(msg, " ")
	switch {
	case code == "NOAUTH" || strings.HasPrefix(msg, "ERR operation not permitted"):
		res.Status, res.Auth = scanner.StatusAuthRequired, "AUTH"
		return nil
	case code == "DENIED":
		res.Status = scanner.StatusProtected
		res.Notes = append(res.Notes, "protected mode refused a non-loopback client")
		return nil
	case code == "NOPERM":
		res.Status = scanner.StatusPartial
		res.Notes = append(res.Notes, "commands run without AUTH, but the ACL refused INFO")
		return nil
	case code == "LOADING":
		res.Status = scanner.StatusOpen
		res.Notes = append(res.Notes, "the server is loading its dataset; nothing was sampled")
		return nil
	}
	return scanner.ProtocolError("RESP server refused INFO: %q", truncate(msg, 60))
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// readBack wraps errors met while sampling so that they never quote server
// bytes, which may hold key names.
func sampleErr(err error) error {
	var ne net.Error
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errNotAllowed), errors.Is(err, scanner.ErrResponseLimit),
		errors.Is(err, scanner.ErrBudget), errors.As(err, &ne), errors.Is(err, io.EOF),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, context.Canceled):
		return fmt.Errorf("sampling: %w", err)
	case errors.Is(err, scanner.ErrProtocol):
		return scanner.ProtocolError("malformed reply while sampling")
	}
	return fmt.Errorf("sampling failed (%T)", err)
}

func itoa(n int) string { return strconv.Itoa(n) }
