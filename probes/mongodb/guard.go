package mongodb

import (
	"encoding/binary"
	"fmt"
	"net"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
	"github.com/spillcheck/spillcheck/scanner/wire"
)

// guardConn sits between the probe's client (wireConn, then opConn) and the
// connection from env.DialContext, after TLS. Every outgoing wire message is
// decoded and checked against allowedCommands before any byte of it reaches
// the socket; every incoming message header is checked against the reply
// size cap before the client allocates for it.
type guardConn struct {
	net.Conn
	maxReply int64
	// replyTimeout, when set, bounds each whole reply from its first read:
	// the connection bounds each read by the timeout, which a server
	// sending a byte at a time would never reach.
	replyTimeout time.Duration

	out  []byte // incomplete outgoing message
	hdr  []byte // incomplete incoming length prefix
	left int64  // bytes left of the current incoming message
	err  error  // sticky refusal

	// first holds the bytes of the connection's first read, up to
	// firstBytes, for naming what answered when it is not MongoDB
	// (foreign); unread is the part of it not yet passed on.
	first, unread []byte
}

// firstBytes bounds guardConn.first.
const firstBytes = 256

func newGuardConn(c net.Conn, maxReply int64) *guardConn {
	return &guardConn{Conn: c, maxReply: maxReply}
}

// Write buffers p until it holds whole messages, checks each and forwards
// the allowed ones, all the whole messages of one call in one write (a
// flight of pipelined requests is one write on the socket). A refused
// message is never sent, nor any other message of the same call, and the
// connection refuses everything after it.
func (g *guardConn) Write(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	g.out = append(g.out, p...)
	ok := 0 // bytes of g.out checked and allowed
	for len(g.out)-ok >= 4 {
		n := int64(binary.LittleEndian.Uint32(g.out[ok:]))
		if n < 16 || n > maxRequestBytes {
			g.err = fmt.Errorf("%w: outgoing message of %d bytes", errNotAllowed, n)
			break
		}
		if int64(len(g.out)-ok) < n {
			break
		}
		if err := checkRequest(g.out[ok : ok+int(n)]); err != nil {
			g.err = err
			break
		}
		ok += int(n)
	}
	if g.err != nil {
		return 0, g.err
	}
	if ok > 0 {
		if _, err := g.Conn.Write(g.out[:ok]); err != nil {
			return 0, err
		}
		g.out = g.out[ok:]
	}
	if len(g.out) == 0 {
		g.out = nil
	}
	return len(p), nil
}

// Read passes bytes through while tracking message boundaries, and fails
// as soon as a header declares a reply shorter than a header or larger than
// the cap: a non-MongoDB server's first bytes almost always do. The
// connection's first bytes are named by wire.Identify first: a server
// that speaks another protocol (a banner, a TLS record, a RESP or HTTP
// answer to the hello) ends the read with a *scanner.ForeignError.
func (g *guardConn) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	if g.replyTimeout > 0 && g.left == 0 && len(g.hdr) == 0 {
		g.Conn.SetReadDeadline(time.Now().Add(g.replyTimeout))
	}
	if g.first == nil {
		// The first read goes into first, whatever p's size, so that
		// Identify sees a whole banner or first line.
		buf := make([]byte, firstBytes)
		k, err := g.Conn.Read(buf)
		if k == 0 {
			return 0, err
		}
		g.first, g.unread = buf[:k], buf[:k]
		if f := g.foreign(); f != nil {
			g.err = f
			return 0, f
		}
	}
	var n int
	var err error
	if len(g.unread) > 0 {
		n = copy(p, g.unread)
		g.unread = g.unread[n:]
	} else {
		n, err = g.Conn.Read(p)
	}
	for i := 0; i < n; {
		if g.left > 0 {
			take := min(g.left, int64(n-i))
			g.left -= take
			i += int(take)
			continue
		}
		take := min(4-len(g.hdr), n-i)
		g.hdr = append(g.hdr, p[i:i+take]...)
		i += take
		if len(g.hdr) < 4 {
			continue
		}
		size := int64(binary.LittleEndian.Uint32(g.hdr))
		g.hdr = g.hdr[:0]
		switch {
		case size < 16:
			g.err = scanner.ProtocolError("reply header declares %d bytes, less than a header: not MongoDB", size)
		case size > g.maxReply:
			g.err = fmt.Errorf("%w: reply header declares %d bytes, over the %d-byte cap (not MongoDB, or a reply too large to read)",
				scanner.ErrResponseLimit, size, g.maxReply)
		}
		if g.err != nil {
			return 0, g.err
		}
		g.left = size - 4
	}
	return n, err
}

// foreign returns a *scanner.ForeignError when the first bytes the server
// sent are those of a protocol other than MongoDB's, nil when they are
// MongoDB's or not recognized.
func (g *guardConn) foreign() error {
	m := wire.Identify(g.first)
	if !m.Known() || m.Protocol == wire.MongoDB {
		return nil
	}
	return scanner.Foreign(m, "MongoDB")
}
