package mongodb

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"

	"github.com/spillcheck/spillcheck/scanner"
	"github.com/spillcheck/spillcheck/scanner/wire"
)

// dialer opens the probe's connection: through env.DialContext (so only
// the target's own address), with TLS when the target needs it, and
// wrapped in a guardConn. It opens a second one only when a plaintext
// hello was hung up on and is retried over TLS.
type dialer struct {
	env    *scanner.Env
	host   string
	useTLS bool

	mu  sync.Mutex
	tls *scanner.TLSInfo // from the first completed handshake
}

// DialContext dials the target.
func (d *dialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := d.env.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	if d.useTLS {
		tc := tls.Client(c, scanner.InsecureTLS(d.host))
		if err := tc.HandshakeContext(ctx); err != nil {
			c.Close()
			return nil, fmt.Errorf("TLS handshake: %w", err)
		}
		d.mu.Lock()
		if d.tls == nil {
			d.tls = scanner.TLSFacts(tc.ConnectionState())
		}
		d.mu.Unlock()
		c = tc
	}
	g := newGuardConn(c, d.env.Limits.MaxResponseBytes)
	g.replyTimeout = d.env.ReplyDeadline()
	return g, nil
}

func (d *dialer) tlsInfo() *scanner.TLSInfo {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.tls
}

// serverInfo is what the handshake learned.
type serverInfo struct {
	helloCmd         string // "hello" or "isMaster", whichever answered
	minWire, maxWire int64
	setName          string
	members          int
	role             string
	// documentDB is the engine version the open-source DocumentDB gateway
	// reports in hello's internal.documentdb_versions.
	documentDB string
}

// handshake connects and sends hello, falling back to isMaster on the same
// connection for servers before 4.4.2. Both go over OP_QUERY, the one
// opcode every MongoDB version answers a handshake on (6.0+ still accept
// OP_QUERY for exactly these two commands; 3.4 and older ignore OP_MSG
// without a reply). A plaintext connection that the server closes at once is
// retried over TLS.
func handshake(ctx context.Context, d *dialer) (*wireConn, serverInfo, error) {
	w, info, err := hello(ctx, d)
	if err == nil || d.useTLS || !(closedEarly(err) || answeredTLS(err)) {
		return w, info, err
	}
	d.useTLS = true
	w, info, tlsErr := hello(ctx, d)
	if tlsErr == nil {
		return w, info, nil
	}
	d.useTLS = false
	var alert tls.AlertError
	if errors.As(tlsErr, &alert) || errors.As(tlsErr, new(tls.RecordHeaderError)) || closedEarly(tlsErr) {
		return nil, info, fmt.Errorf("%w: the server closed the connection on hello (%v), and a TLS handshake failed too (%v)",
			scanner.ErrProtocol, err, tlsErr)
	}
	return nil, info, tlsErr
}

func hello(ctx context.Context, d *dialer) (*wireConn, serverInfo, error) {
	var info serverInfo
	c, err := d.DialContext(ctx, "tcp", d.env.Target().Addr())
	if err != nil {
		return nil, info, err
	}
	w := &wireConn{conn: c, closer: func() { c.Close() }}
	info.helloCmd = "hello"
	doc, err := w.run(ctx, "admin", helloCommand())
	var ce *cmdError
	if errors.As(err, &ce) {
		info.helloCmd = "isMaster"
		doc, err = w.run(ctx, "admin", command("isMaster"))
	}
	if err != nil {
		w.close()
		var fe *scanner.ForeignError
		if g, ok := c.(*guardConn); ok && !errors.As(err, &fe) {
			if foreign := g.foreign(); foreign != nil {
				return nil, info, foreign
			}
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			err = fmt.Errorf("no reply to the handshake within %v (not MongoDB, or a stalled server): %w", d.env.Timeout, err)
		}
		return nil, info, err
	}
	if err := parseHello(doc, &info); err != nil {
		w.close()
		return nil, info, err
	}
	return w, info, nil
}

// parseHello reads the wire versions and the replica-set role. It never
// keeps the member addresses, only how many there are.
func parseHello(doc bsoncore.Document, info *serverInfo) error {
	maxV, hasMax := doc.Lookup("maxWireVersion").AsInt64OK()
	_, hasMaster := doc.Lookup("ismaster").BooleanOK()
	_, hasPrimary := doc.Lookup("isWritablePrimary").BooleanOK()
	if !hasMax && !hasMaster && !hasPrimary {
		return scanner.ProtocolError("the handshake reply has no wire version or role: not MongoDB")
	}
	info.maxWire = maxV
	info.minWire, _ = doc.Lookup("minWireVersion").AsInt64OK()
	info.setName, _ = doc.Lookup("setName").StringValueOK()
	info.setName = shorten(info.setName, scanner.MaxFactLen)
	if hosts, ok := doc.Lookup("hosts").ArrayOK(); ok {
		vals, _ := hosts.Values()
		info.members = len(vals)
	}
	if a, ok := doc.Lookup("internal", "documentdb_versions").ArrayOK(); ok {
		vals, _ := a.Values()
		var vs []string
		for _, v := range vals {
			if s, ok := v.StringValueOK(); ok {
				vs = append(vs, shorten(s, 32))
			}
		}
		info.documentDB = shorten(strings.Join(vs, ","), 128)
	}
	primary := boolField(doc, "isWritablePrimary") || boolField(doc, "ismaster")
	msg, _ := doc.Lookup("msg").StringValueOK()
	switch {
	case msg == "isdbgrid":
		info.role = "mongos"
	case boolField(doc, "arbiterOnly"):
		info.role = "arbiter"
	case boolField(doc, "secondary"):
		info.role = "secondary"
	case info.setName != "" && primary:
		info.role = "primary"
	case info.setName != "":
		info.role = "other"
	case primary:
		info.role = "standalone"
	default:
		info.role = "unknown"
	}
	return nil
}

// facts turns the handshake into result facts.
func (info serverInfo) facts(f map[string]string) {
	f["handshake"] = info.helloCmd
	f["max_wire_version"] = strconv.FormatInt(info.maxWire, 10)
	f["min_wire_version"] = strconv.FormatInt(info.minWire, 10)
	f["role"] = info.role
	f["replica_set"] = strconv.FormatBool(info.setName != "")
	if info.documentDB != "" {
		f["documentdb_versions"] = info.documentDB
	}
	if info.setName != "" {
		f["set_name"] = info.setName
		f["set_members"] = strconv.Itoa(info.members)
	}
}

func boolField(doc bsoncore.Document, key string) bool {
	b, _ := doc.Lookup(key).BooleanOK()
	return b
}

// answeredTLS reports whether the server answered the plaintext hello
// with a TLS record (an alert, as OpenSSL-based servers send).
func answeredTLS(err error) bool {
	var fe *scanner.ForeignError
	return errors.As(err, &fe) && fe.Seen.Protocol == wire.TLS
}

// closedEarly reports whether the server hung up on the first request,
// as a TLS-only server does with plaintext.
func closedEarly(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// command returns {name: 1}.
func command(name string) bsoncore.Document {
	return bsoncore.NewDocumentBuilder().AppendInt32(name, 1).Build()
}
