package mongodb

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"

	"go.mongodb.org/mongo-driver/mongo/address"
	"go.mongodb.org/mongo-driver/mongo/description"
	"go.mongodb.org/mongo-driver/mongo/readpref"
	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
	"go.mongodb.org/mongo-driver/x/mongo/driver"
	"go.mongodb.org/mongo-driver/x/mongo/driver/operation"
	"go.mongodb.org/mongo-driver/x/mongo/driver/wiremessage"

	"github.com/spillcheck/spillcheck/scanner"
)

// opConn runs commands through the official driver's operation layer on
// the handshake connection, for wire version 6 and later: no topology, no
// heartbeat, no pool, no second handshake, no session and no endSessions.
// The driver builds each OP_MSG (the command, "$db" and, unless the server
// is a standalone, $readPreference primaryPreferred) and reads the reply;
// the guardConn underneath still checks every outgoing message.
//
// It implements driver.Connection for driver.SingleConnectionDeployment.
type opConn struct {
	conn  net.Conn // a guardConn
	desc  description.Server
	reqID int32 // request ID of the message last written
}

var _ driver.Connection = (*opConn)(nil)

// newOpConn wraps the handshake connection c, described by what the
// handshake learned.
func newOpConn(c net.Conn, addr string, info serverInfo) *opConn {
	return &opConn{conn: c, desc: description.Server{
		Addr:        address.Address(addr),
		Kind:        serverKind(info),
		WireVersion: &description.VersionRange{Min: int32(info.minWire), Max: int32(info.maxWire)},
		SetName:     info.setName,
	}}
}

// serverKind maps the handshake's role to the driver's server kind, which
// decides whether it sends a read preference (never to a standalone).
func serverKind(info serverInfo) description.ServerKind {
	switch info.role {
	case "standalone":
		return description.Standalone
	case "mongos":
		return description.Mongos
	case "primary":
		return description.RSPrimary
	case "secondary":
		return description.RSSecondary
	case "arbiter":
		return description.RSArbiter
	}
	return description.RSMember
}

// run sends cmd to db and returns the reply, a *cmdError for a server's
// refusal, the connection's own error (a timeout, the size cap, a refusal
// by the guard) unwrapped from the driver's, or a protocol error for a
// reply the driver could not decode.
func (c *opConn) run(ctx context.Context, db string, cmd bsoncore.Document) (bsoncore.Document, error) {
	op := operation.NewCommand(cmd).
		Database(db).
		Deployment(driver.SingleConnectionDeployment{C: c}).
		ReadPreference(readpref.PrimaryPreferred())
	err := op.Execute(ctx)
	if err == nil {
		return op.Result(), nil
	}
	var de driver.Error
	var wce driver.WriteCommandError
	switch {
	case errors.As(err, &de) && de.NetworkError():
		if de.Wrapped != nil {
			err = de.Wrapped
		}
		return nil, fmt.Errorf("%s: %w", commandOf(cmd), err)
	case errors.As(err, &de) && len(de.Raw) > 0:
		// The server answered ok other than 1: the same *cmdError
		// wireConn makes of the reply.
		if e := replyError(bsoncore.Document(de.Raw)); e != nil {
			return nil, e
		}
		return nil, &cmdError{Code: de.Code, Name: de.Name, Msg: shorten(de.Message, maxServerMsg)}
	case errors.As(err, &wce):
		return nil, scanner.ProtocolError("%s reply carries write errors", commandOf(cmd))
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return nil, fmt.Errorf("%s: %w", commandOf(cmd), err)
	}
	return nil, scanner.ProtocolError("%s reply: %v", commandOf(cmd), err)
}

// WriteWireMessage writes one whole message through the guard. Like
// ReadWireMessage it only checks ctx: the connection from env.DialContext
// already bounds every read and write by the timeout and ctx's deadline.
func (c *opConn) WriteWireMessage(ctx context.Context, wm []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(wm) < 16 {
		return fmt.Errorf("%w: message of %d bytes", errNotAllowed, len(wm))
	}
	c.reqID = int32(binary.LittleEndian.Uint32(wm[4:]))
	_, err := c.conn.Write(wm)
	return err
}

// ReadWireMessage reads one whole reply, capped by the guard, and accepts
// only an uncompressed OP_MSG that answers the message last written.
func (c *opConn) ReadWireMessage(ctx context.Context) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	msg, err := readMessage(c.conn)
	if err != nil {
		return nil, err
	}
	_, _, respTo, op, _, ok := wiremessage.ReadHeader(msg)
	switch {
	case !ok:
		return nil, scanner.ProtocolError("truncated reply header")
	case respTo != c.reqID:
		return nil, scanner.ProtocolError("reply answers request %d, not %d", respTo, c.reqID)
	case op != wiremessage.OpMsg:
		return nil, scanner.ProtocolError("reply with opcode %v to an OP_MSG", op)
	}
	return msg, nil
}

func (c *opConn) Description() description.Server { return c.desc }

// Close does nothing: the driver closes the connection after every
// operation, and the probe closes it once, at the end, with close.
func (c *opConn) Close() error { return nil }

func (c *opConn) close() { c.conn.Close() }

func (c *opConn) ID() string                 { return "spillcheck" }
func (c *opConn) ServerConnectionID() *int64 { return nil }
func (c *opConn) DriverConnectionID() uint64 { return 0 }
func (c *opConn) Address() address.Address   { return c.desc.Addr }
func (c *opConn) Stale() bool                { return false }
func (c *opConn) OIDCTokenGenID() uint64     { return 0 }
func (c *opConn) SetOIDCTokenGenID(uint64)   {}
