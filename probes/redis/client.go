package redis

import (
	"bufio"
	"context"
	"net"
	"sync"
	"time"
)

// client speaks RESP2 over one connection. Every command goes through
// queue, which refuses anything off the allowlist before a byte is written;
// flush writes the queued commands in one batch (a pipeline).
type client struct {
	conn net.Conn
	rd   *respReader
	out  []byte
	stop func() bool
	// skip counts replies already asked for that nobody will read: read
	// drops them first, so the replies after them stay in order.
	skip int
	// names redacts listed key names; its memo outlives the target, with
	// the pooled client (it holds redact.Name's answers, nothing else).
	names keyPatterns
	// ctx is the probe's; replyTimeout, when set, bounds each whole reply
	// (the connection bounds each read by the timeout, which a server
	// sending a byte at a time would never reach).
	ctx          context.Context
	replyTimeout time.Duration
}

// clients keeps the read and write buffers of closed clients for the next
// target. Replies never point into the read buffer: every string is copied.
var clients = sync.Pool{New: func() any {
	return &client{rd: &respReader{br: bufio.NewReaderSize(nil, readBuf)}}
}}

// maxPooledOut is the largest write buffer a closed client keeps.
const maxPooledOut = 64 << 10

// newClient wraps conn. Cancelling ctx unblocks any read or write at once,
// instead of after the connection's per-read timeout.
func newClient(ctx context.Context, conn net.Conn, limit int64) *client {
	c := clients.Get().(*client)
	c.conn, c.skip, c.out, c.ctx, c.replyTimeout = conn, 0, c.out[:0], ctx, 0
	c.rd.br.Reset(conn)
	c.rd.limit, c.rd.used = limit, 0
	c.stop = context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	return c
}

// close closes the connection, dropping any unread replies, and returns the
// client to the pool: it must not be used after.
func (c *client) close() {
	c.stop()
	c.conn.Close()
	c.rd.br.Reset(nil)
	c.conn, c.stop, c.ctx = nil, nil, nil
	if cap(c.out) > maxPooledOut {
		c.out = nil
	}
	clients.Put(c)
}

// queue adds one allowlisted command to the next batch.
func (c *client) queue(args ...string) error {
	if err := checkAllowed(args); err != nil {
		return err
	}
	c.out = appendCommand(c.out, args)
	return nil
}

// flush writes the batch.
func (c *client) flush() error {
	if len(c.out) == 0 {
		return nil
	}
	_, err := c.conn.Write(c.out)
	c.out = c.out[:0]
	return err
}

// read returns the reply to the oldest unanswered command, after dropping
// the replies counted in skip (each still bounded by the reader's limit).
func (c *client) read() (reply, error) {
	if err := c.drain(); err != nil {
		return reply{}, err
	}
	return c.rd.next()
}

// drain drops the replies counted in skip, each within its own deadline,
// and arms the deadline of the reply after them.
func (c *client) drain() error {
	for ; c.skip > 0; c.skip-- {
		if err := c.arm(); err != nil {
			return err
		}
		if err := c.rd.discard(); err != nil {
			return err
		}
	}
	return c.arm()
}

// arm starts the deadline of the next reply. It sets the connection's read
// deadline, so it checks ctx after: a cancellation whose deadline it
// overwrote is still seen.
func (c *client) arm() error {
	if c.replyTimeout > 0 {
		c.conn.SetReadDeadline(time.Now().Add(c.replyTimeout))
	}
	return c.ctx.Err()
}

// do sends one command and reads its reply.
func (c *client) do(args ...string) (reply, error) {
	if err := c.queue(args...); err != nil {
		return reply{}, err
	}
	if err := c.flush(); err != nil {
		return reply{}, err
	}
	return c.read()
}

// maxBatchBytes bounds one pipelined write, whatever the batch size.
const maxBatchBytes = 128 << 10

// scanPage reads the next reply as a SCAN page (respReader.scanPage),
// after dropping the replies counted in skip.
func (c *client) scanPage(each func(key []byte)) (cursor, refusal string, err error) {
	if err := c.drain(); err != nil {
		return "", "", err
	}
	return c.rd.scanPage(each)
}
