package mongodb

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"

	"go.mongodb.org/mongo-driver/mongo/address"
	"go.mongodb.org/mongo-driver/mongo/description"
	"go.mongodb.org/mongo-driver/mongo/readpref"
	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
	"go.mongodb.org/mongo-driver/x/mongo/driver"
	"go.mongodb.org/mongo-driver/x/mongo/driver/operation"

	"github.com/spillcheck/spillcheck/scanner"
)

// opConn runs commands through the official driver's operation layer on
// the handshake connection, for wire version 6 and later: no topology, no
// heartbeat, no pool, no second handshake, no session and no endSessions.
// The driver builds each OP_MSG (the command, "$db" and, unless the server
// is a standalone, $readPreference primaryPreferred) and reads the reply;
// the guardConn underneath still checks every outgoing message.
//
// Each operation gets its own opView, a driver.Connection for
// driver.SingleConnectionDeployment, over the one pipe: runBatch sends up
// to maxInFlight commands before reading a reply.
type opConn struct {
	pipe *pipe
	desc description.Server
}

// newOpConn wraps the handshake connection c, described by what the
// handshake learned.
func newOpConn(c net.Conn, addr string, info serverInfo) *opConn {
	return &opConn{pipe: newPipe(c), desc: description.Server{
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
	v := &opView{c: c, f: newFlight(c.pipe, 1)}
	defer v.f.skip(0)
	return c.exec(ctx, v, db, cmd)
}

// runBatch runs calls with up to maxInFlight of them in flight at once:
// each flight's commands go out together, in calls' order, and then their
// replies are read. It fills every call's reply or error.
func (c *opConn) runBatch(ctx context.Context, calls []*call) {
	for len(calls) > 0 {
		n := min(len(calls), maxInFlight)
		f := newFlight(c.pipe, n)
		var wg sync.WaitGroup
		for i, cl := range calls[:n] {
			wg.Go(func() {
				defer f.skip(i)
				// The runner recovers a probe's panics only on its own
				// goroutine: one here would end the whole scan.
				defer func() {
					if p := recover(); p != nil {
						cl.reply, cl.err = nil, fmt.Errorf("%s: internal error: %v", commandOf(cl.cmd), p)
					}
				}()
				cl.reply, cl.err = c.exec(ctx, &opView{c: c, f: f, slot: i}, cl.db, cl.cmd)
			})
		}
		wg.Wait()
		calls = calls[n:]
	}
}

// exec runs one command through the operation layer on view v.
func (c *opConn) exec(ctx context.Context, v *opView, db string, cmd bsoncore.Document) (bsoncore.Document, error) {
	op := operation.NewCommand(cmd).
		Database(db).
		Deployment(driver.SingleConnectionDeployment{C: v}).
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

// opView is one operation's driver.Connection on the pipe: its message
// takes slot in flight f, and its reply is the one answering that message.
type opView struct {
	c     *opConn
	f     *flight
	slot  int
	reqID int32
}

var _ driver.Connection = (*opView)(nil)

// WriteWireMessage files one whole message in the view's flight, which
// writes it through the guard with the rest of the flight. Like
// ReadWireMessage it only checks ctx: the connection from env.DialContext
// already bounds every read and write by the timeout and ctx's deadline.
func (v *opView) WriteWireMessage(ctx context.Context, wm []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	id, err := v.f.put(v.slot, wm)
	if err != nil {
		return err
	}
	v.reqID = id
	return nil
}

// ReadWireMessage waits for the flight to be written and returns the reply
// to the view's message: one whole uncompressed OP_MSG, capped by the
// guard.
func (v *opView) ReadWireMessage(ctx context.Context) ([]byte, error) {
	if err := v.f.wait(ctx); err != nil {
		return nil, err
	}
	return v.c.pipe.read(ctx, v.reqID)
}

func (v *opView) Description() description.Server { return v.c.desc }

// Close does nothing: the driver closes the connection after every
// operation, and the probe closes it once, at the end, with close.
func (v *opView) Close() error { return nil }

func (c *opConn) close() { c.pipe.conn.Close() }

func (v *opView) ID() string                 { return "spillcheck" }
func (v *opView) ServerConnectionID() *int64 { return nil }
func (v *opView) DriverConnectionID() uint64 { return 0 }
func (v *opView) Address() address.Address   { return v.c.desc.Addr }
func (v *opView) Stale() bool                { return false }
func (v *opView) OIDCTokenGenID() uint64     { return 0 }
func (v *opView) SetOIDCTokenGenID(uint64)   {}
