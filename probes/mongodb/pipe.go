package mongodb

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"slices"
	"sync"

	"go.mongodb.org/mongo-driver/x/mongo/driver/wiremessage"

	"github.com/spillcheck/spillcheck/scanner"
)

// pipe lets several operations share the one connection with requests in
// flight together. Requests go out in flights: a flight's messages are
// gathered in a fixed order and written at once, in one Write through the
// guardConn (which still checks every message). Replies are read by one
// reader at a time, in order: each must answer the oldest request not yet
// answered (MongoDB and FerretDB answer the messages of one connection in
// order), and is handed to the operation that sent it. A reply to a
// request never sent, or out of order, is a protocol error that ends the
// pipe: every operation in flight and after gets it. Replies held for
// another operation are at most a flight's, each capped by the guard at
// Limits.MaxResponseBytes and counted in the target's byte budget.
type pipe struct {
	conn net.Conn // a guardConn

	rmu sync.Mutex // one reader on the socket at a time

	mu      sync.Mutex
	pending []int32          // request IDs written and not yet answered, oldest first
	replies map[int32][]byte // replies read for an operation not yet asking
	err     error            // sticky: the pipe is unusable
}

func newPipe(c net.Conn) *pipe { return &pipe{conn: c, replies: map[int32][]byte{}} }

func (p *pipe) fail(err error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err == nil {
		p.err = err
	}
	return p.err
}

// write sends the messages of one flight, whose request IDs are ids, in
// one Write.
func (p *pipe) write(msgs [][]byte, ids []int32) error {
	p.mu.Lock()
	if p.err != nil {
		p.mu.Unlock()
		return p.err
	}
	// Pending before the write: the first reply may come back at once.
	p.pending = append(p.pending, ids...)
	p.mu.Unlock()
	b := msgs[0]
	if len(msgs) > 1 {
		b = bytes.Join(msgs, nil)
	}
	if _, err := p.conn.Write(b); err != nil {
		return p.fail(err)
	}
	return nil
}

// read returns the reply to request id: one already read for it, or the
// next ones off the socket until it comes.
func (p *pipe) read(ctx context.Context, id int32) ([]byte, error) {
	p.rmu.Lock()
	defer p.rmu.Unlock()
	for {
		p.mu.Lock()
		msg, ok := p.replies[id]
		delete(p.replies, id)
		err := p.err
		p.mu.Unlock()
		switch {
		case ok:
			return msg, nil
		case err != nil:
			return nil, err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		msg, err = readMessage(p.conn)
		if err != nil {
			return nil, p.fail(err)
		}
		mine, err := p.deliver(id, msg)
		if err != nil {
			return nil, p.fail(err)
		}
		if mine != nil {
			return mine, nil
		}
	}
}

// deliver checks that msg answers the oldest pending request and returns
// it when that is id, the caller's, or files it for its operation.
func (p *pipe) deliver(id int32, msg []byte) ([]byte, error) {
	_, _, respTo, op, _, ok := wiremessage.ReadHeader(msg)
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case !ok:
		return nil, scanner.ProtocolError("truncated reply header")
	case len(p.pending) == 0:
		return nil, scanner.ProtocolError("reply answers request %d, but no request is waiting", respTo)
	case respTo != p.pending[0] && slices.Contains(p.pending, respTo):
		return nil, scanner.ProtocolError("reply to request %d came before the reply to %d: out of order", respTo, p.pending[0])
	case respTo != p.pending[0]:
		return nil, scanner.ProtocolError("reply answers request %d, not %d", respTo, p.pending[0])
	case op != wiremessage.OpMsg:
		return nil, scanner.ProtocolError("reply with opcode %v to an OP_MSG", op)
	}
	p.pending = p.pending[1:]
	if respTo == id {
		return msg, nil
	}
	p.replies[respTo] = msg
	return nil, nil
}

// flight gathers the messages of up to maxInFlight operations, one slot
// each, and writes them together once every slot has its message or has
// given up, so that the order on the wire is the slots' order, never the
// goroutines'.
type flight struct {
	p        *pipe
	mu       sync.Mutex
	msgs     [][]byte
	ids      []int32
	done     []bool
	left     int
	err      error         // the write's error, read after flushed
	flushed  chan struct{} // closed once the flight was written, or nothing was
	nonempty bool
}

// maxInFlight caps the requests one flight sends before reading a reply.
const maxInFlight = 16

func newFlight(p *pipe, n int) *flight {
	return &flight{p: p, msgs: make([][]byte, n), ids: make([]int32, n), done: make([]bool, n), left: n, flushed: make(chan struct{})}
}

// put files slot's message (a copy: the driver reuses its buffer once the
// operation returns) and returns its request ID.
func (f *flight) put(slot int, wm []byte) (int32, error) {
	if len(wm) < 16 {
		return 0, fmt.Errorf("%w: message of %d bytes", errNotAllowed, len(wm))
	}
	id := int32(binary.LittleEndian.Uint32(wm[4:]))
	f.mu.Lock()
	if f.done[slot] {
		f.mu.Unlock()
		return 0, fmt.Errorf("%w: a second message from one operation", errNotAllowed)
	}
	if len(f.msgs) == 1 {
		f.msgs[slot] = wm // written before put returns
	} else {
		f.msgs[slot] = bytes.Clone(wm)
	}
	f.ids[slot] = id
	f.nonempty = true
	f.resolve(slot)
	return id, nil
}

// skip gives up slot, if it has not sent: its operation failed first.
func (f *flight) skip(slot int) {
	f.mu.Lock()
	if f.done[slot] {
		f.mu.Unlock()
		return
	}
	f.resolve(slot)
}

// resolve marks slot done, called with f.mu held, which it releases; the
// last slot writes the flight.
func (f *flight) resolve(slot int) {
	f.done[slot] = true
	f.left--
	last := f.left == 0
	f.mu.Unlock()
	if !last {
		return
	}
	if f.nonempty {
		var msgs [][]byte
		var ids []int32
		for i, m := range f.msgs {
			if m != nil {
				msgs, ids = append(msgs, m), append(ids, f.ids[i])
			}
		}
		f.err = f.p.write(msgs, ids)
	}
	close(f.flushed)
}

// wait blocks until the flight is written.
func (f *flight) wait(ctx context.Context) error {
	select {
	case <-f.flushed:
		return f.err
	case <-ctx.Done():
		return ctx.Err()
	}
}
