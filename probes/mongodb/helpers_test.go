package mongodb

import (
	"bytes"
	"context"
	"encoding/binary"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
	"go.mongodb.org/mongo-driver/x/mongo/driver/wiremessage"

	"github.com/spillcheck/spillcheck/scanner"
)

// recorder keeps every byte each connection of a probe sent and received,
// as seen on the socket (below TLS).
type recorder struct {
	mu    sync.Mutex
	conns []*recConn
}

type recConn struct {
	net.Conn
	mu         sync.Mutex
	sent, recv bytes.Buffer
	flights    []int // wire messages in each Write: one write per round trip
}

func (c *recConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	c.recv.Write(p[:n])
	c.mu.Unlock()
	return n, err
}

func (c *recConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.mu.Lock()
	c.sent.Write(p[:n])
	msgs := 0
	for b := p[:n]; len(b) >= 4 && int(binary.LittleEndian.Uint32(b)) <= len(b); msgs++ {
		b = b[max(4, binary.LittleEndian.Uint32(b)):]
	}
	c.flights = append(c.flights, msgs)
	c.mu.Unlock()
	return n, err
}

func (r *recorder) wrap(_ scanner.Target, c net.Conn) net.Conn {
	rc := &recConn{Conn: c}
	r.mu.Lock()
	r.conns = append(r.conns, rc)
	r.mu.Unlock()
	return rc
}

// received returns all bytes received on all connections.
func (r *recorder) received() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b []byte
	for _, c := range r.conns {
		c.mu.Lock()
		b = append(b, c.recv.Bytes()...)
		c.mu.Unlock()
	}
	return b
}

// sentMessages splits each connection's sent bytes into wire messages.
func (r *recorder) sentMessages(t *testing.T) [][]byte {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	var msgs [][]byte
	for _, c := range r.conns {
		c.mu.Lock()
		b := bytes.Clone(c.sent.Bytes())
		c.mu.Unlock()
		for len(b) > 0 {
			if len(b) < 4 {
				t.Fatalf("trailing %d bytes sent", len(b))
			}
			n := int(binary.LittleEndian.Uint32(b))
			if n < 16 || n > len(b) {
				t.Fatalf("sent a message of declared length %d with %d bytes left", n, len(b))
			}
			msgs = append(msgs, b[:n])
			b = b[n:]
		}
	}
	return msgs
}

// target builds a target for a loopback host:port.
func target(t testing.TB, addr string) scanner.Target {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := strconv.Atoi(port)
	return scanner.Target{Host: host, IP: netip.MustParseAddr(host), Port: p, Service: scanner.MongoDB}
}

// runProbe probes addr with the given limits, recording the connections.
func runProbe(t testing.TB, addr string, timeout time.Duration, limits scanner.Limits) (scanner.Result, *recorder, error) {
	t.Helper()
	rec := &recorder{}
	d, err := scanner.NewDialer(scanner.DialerConfig{Timeout: timeout, WrapConn: rec.wrap})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*timeout)
	defer cancel()
	tg := target(t, addr)
	res, err := New().Probe(ctx, tg, d.Env(ctx, tg, limits))
	return res, rec, err
}

// buildOpMsg returns an OP_MSG whose body is cmd with "$db" and a
// primaryPreferred read preference appended, as the driver sends it to a
// replica-set member.
func buildOpMsg(reqID int32, db string, cmd bsoncore.Document) []byte {
	idx, b := wiremessage.AppendHeaderStart(nil, reqID, 0, wiremessage.OpMsg)
	b = wiremessage.AppendMsgFlags(b, 0)
	b = wiremessage.AppendMsgSectionType(b, wiremessage.SingleDocument)
	di, b := bsoncore.AppendDocumentStart(b)
	elems, _ := cmd.Elements()
	for _, e := range elems {
		b = append(b, e...)
	}
	b = bsoncore.AppendStringElement(b, "$db", db)
	b = bsoncore.AppendDocumentElement(b, "$readPreference", primaryPreferred)
	b, _ = bsoncore.AppendDocumentEnd(b, di)
	return bsoncore.UpdateLength(b, idx, int32(len(b[idx:])))
}

var primaryPreferred = bsoncore.NewDocumentBuilder().AppendString("mode", "primaryPreferred").Build()
