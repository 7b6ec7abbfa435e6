package redis

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
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
// describes. It opens one connection, and a second only to switch between
// plaintext and TLS, and returns within ctx's deadline.
func (probe) Probe(ctx context.Context, t scanner.Target, env *scanner.Env) (res scanner.Result, err error) {
	res = scanner.Result{Target: t, Started: time.Now()}
	defer func() {
		res.Duration = scanner.Duration(time.Since(res.Started))
		if err != nil && ctx.Err() != nil {
			err = fmt.Errorf("probe stopped: %w", ctx.Err())
		}
		if err != nil && res.Status == "" {
			res.Status = scanner.Classify(err)
		}
	}()
	c, info, err := connect(ctx, t, env, &res)
	if err != nil {
		return res, err
	}
	defer c.close()
	legacy := info.isError() && olderThan7(info.str)
	if legacy {
		if info, err = c.legacyBatch(env.Limits); err != nil {
			return res, explain(err)
		}
	}
	if info.isError() {
		return res, classifyRefusal(&res, info.str)
	}
	if info.kind != '$' || info.null {
		return res, scanner.ProtocolError("INFO answered with a %q reply, not a bulk string", info.kind)
	}
	server := parseInfo(info.str)
	name, ver := product(server)
	if ver == "" {
		return res, scanner.ProtocolError("INFO answered without a redis_version")
	}
	res.Product, res.Version = name, scanner.Shorten(ver, scanner.MaxFactLen)
	res.Status = scanner.StatusOpen
	return res, sampleServer(ctx, c, env, server, legacy, &res)
}

// connect dials t, plaintext unless t.TLS, sends INFO server and reads the
// reply. When the first attempt looks like the other mode (a TLS record or a
// silent close on a plaintext attempt; a plaintext reply, or none, to a TLS
// handshake), it retries once in the other mode.
func connect(ctx context.Context, t scanner.Target, env *scanner.Env, res *scanner.Result) (*client, reply, error) {
	c, r, handshook, err := attempt(ctx, t, env, t.TLS, res)
	if err == nil || ctx.Err() != nil || !wrongMode(err, t.TLS, handshook) {
		return c, r, explain(err)
	}
	c, r, handshook, err2 := attempt(ctx, t, env, !t.TLS, res)
	switch {
	case err2 == nil && t.TLS:
		res.Notes = append(res.Notes, "the TLS handshake failed; the server answered in plaintext")
	case err2 == nil:
		res.Notes = append(res.Notes, "the plaintext attempt failed; the server answered over TLS")
	case handshook:
		// TLS was right, the service behind it is not Redis.
		return nil, reply{}, fmt.Errorf("over TLS: %w", explain(err2))
	default:
		res.TLS = nil
		return nil, reply{}, explain(err)
	}
	return c, r, nil
}

// attempt connects, with TLS when useTLS, and writes the first batch (see
// firstBatch), then reads the reply to INFO server only. The other replies
// stay unread on the returned client; a client that is closed instead drops
// them with the connection. handshook reports a completed TLS handshake.
func attempt(ctx context.Context, t scanner.Target, env *scanner.Env, useTLS bool, res *scanner.Result) (c *client, r reply, handshook bool, err error) {
	conn, err := env.DialContext(ctx, "tcp", t.Addr())
	if err != nil {
		return nil, reply{}, false, err
	}
	if useTLS {
		tc := tls.Client(conn, scanner.InsecureTLS(serverName(t.Host)))
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, reply{}, false, fmt.Errorf("TLS handshake: %w", err)
		}
		res.TLS = scanner.TLSFacts(tc.ConnectionState())
		conn, handshook = tc, true
	}
	c = newClient(ctx, conn, env.Limits.MaxResponseBytes)
	c.replyTimeout = env.ReplyDeadline()
	if err = c.firstBatch(env.Limits); err == nil {
		if err = c.identify(); err == nil {
			r, err = c.read()
		}
	}
	if err != nil {
		c.close()
		return nil, reply{}, handshook, err
	}
	return c, r, handshook, nil
}

// firstBatch writes, in one write, INFO server replication keyspace (one
// command since Redis 7.0) and the first SCAN of db 0 (the db a new
// connection is on), so that an open server with one db costs three round
// trips in all. The replies are read in that order by Probe and
// sampleServer.
func (c *client) firstBatch(lim scanner.Limits) error {
	return c.queueAll(lim, [][]string{firstInfo})
}

// legacyBatch is the first write again for a server older than 7.0, which
// refused the three sections in one INFO: INFO server, INFO replication,
// INFO keyspace and db 0's first SCAN, the first write's SCAN reply
// dropped unread. It returns the reply to INFO server.
func (c *client) legacyBatch(lim scanner.Limits) (reply, error) {
	c.skip++
	if err := c.queueAll(lim, legacyInfos[:]); err != nil {
		return reply{}, err
	}
	return c.read()
}

func (c *client) queueAll(lim scanner.Limits, infos [][]string) error {
	for _, cmd := range infos {
		if err := c.queue(cmd...); err != nil {
			c.out = c.out[:0]
			return err
		}
	}
	if err := c.queue("SCAN", "0", "COUNT", scanCountArg(lim)); err != nil {
		c.out = c.out[:0]
		return err
	}
	return c.flush()
}

var (
	firstInfo   = []string{"INFO", "server", "replication", "keyspace"}
	legacyInfos = [...][]string{{"INFO", "server"}, {"INFO", "replication"}, {"INFO", "keyspace"}}
)

// olderThan7 reports whether msg is how a server before Redis 7.0 refuses
// INFO with more than one section.
func olderThan7(msg string) bool {
	return strings.HasPrefix(msg, "ERR syntax error") || strings.HasPrefix(msg, "ERR wrong number of arguments")
}

// explain names a connection that closed without a whole reply.
func explain(err error) error {
	switch {
	case errors.Is(err, io.EOF):
		return scanner.ProtocolError("the server closed the connection without replying to INFO")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return scanner.ProtocolError("the server closed the connection in the middle of a reply")
	case errors.Is(err, syscall.ECONNRESET):
		return scanner.ProtocolError("the server reset the connection without replying to INFO")
	}
	return err
}

// errTLSRecord is a TLS record where a RESP reply was expected.
var errTLSRecord = fmt.Errorf("%w: the port answered with a TLS record", scanner.ErrTLSRequired)

// wrongMode reports whether err suggests the server speaks the other mode:
// a plaintext INFO answered by a TLS record or a silent close, or a TLS
// handshake answered in plaintext or not at all (plain Redis waits for a
// newline that a ClientHello does not have).
func wrongMode(err error, triedTLS, handshook bool) bool {
	if triedTLS {
		var rh tls.RecordHeaderError
		return !handshook && (errors.As(err, &rh) || errors.Is(err, os.ErrDeadlineExceeded))
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
	note := ""
	switch {
	case code == "NOAUTH" || strings.HasPrefix(msg, "ERR operation not permitted"):
		res.Status, res.Auth = scanner.StatusAuthRequired, "AUTH"
	case code == "DENIED":
		res.Status, note = scanner.StatusProtected, "protected mode refused a non-loopback client"
	case code == "NOPERM":
		res.Status, note = scanner.StatusPartial, "commands run without AUTH, but the ACL refused INFO"
	case code == "LOADING":
		res.Status, note = scanner.StatusOpen, "the server is loading its dataset; nothing was sampled"
	default:
		return scanner.ProtocolError("RESP server refused INFO: %q", scanner.Shorten(msg, 60))
	}
	res.Product = "redis"
	if note != "" {
		res.Notes = append(res.Notes, note)
	}
	return nil
}

// sampleErr wraps errors met while sampling so that they never quote server
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
