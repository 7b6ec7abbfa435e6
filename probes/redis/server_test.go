package redis

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
	"github.com/spillcheck/spillcheck/scanner/scantest"
)

// redisServer is a redis-server the test started on a free loopback port.
type redisServer struct {
	host string
	port int
	pid  int
}

// startRedis runs redis-server on a free loopback port with no persistence,
// plus extra arguments, and stops it when the test ends.
func startRedis(t testing.TB, extra ...string) *redisServer {
	t.Helper()
	port := scantest.FreePort(t)
	return runRedis(t, port, append([]string{"--port", strconv.Itoa(port)}, extra...)...)
}

// runRedis starts redis-server listening on 127.0.0.1:port as args say.
func runRedis(t testing.TB, port int, args ...string) *redisServer {
	t.Helper()
	s := scantest.RunRedis(t, port, args...)
	return &redisServer{host: "127.0.0.1", port: s.Port, pid: s.Pid}
}

func (s *redisServer) addr() string { return net.JoinHostPort(s.host, strconv.Itoa(s.port)) }

func (s *redisServer) target() scanner.Target {
	return scanner.Target{Host: s.host, IP: netip.MustParseAddr(s.host), Port: s.port, Service: scanner.Redis}
}

// seed sends commands to the server on a connection of the test's own,
// pipelined, and fails on any error reply. It bypasses the allowlist: the
// test writes, the probe never does.
func (s *redisServer) seed(t testing.TB, cmds [][]string) {
	t.Helper()
	c, err := net.Dial("tcp", s.addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var out []byte
	for _, cmd := range cmds {
		out = appendCommand(out, cmd)
	}
	if _, err := c.Write(out); err != nil {
		t.Fatal(err)
	}
	rd := newRespReader(c, 1<<20)
	for _, cmd := range cmds {
		r, err := rd.next()
		if err != nil || r.isError() {
			t.Fatalf("seeding %q: %v %s", cmd[0], err, r.str)
		}
	}
}

// recorder keeps every byte the probe wrote to and read from its sockets,
// below TLS and below the scanner's own connection wrapper.
type recorder struct {
	mu            sync.Mutex
	written, read bytes.Buffer
	writes        int // Write calls: one per round trip
}

func (r *recorder) wrap(_ scanner.Target, c net.Conn) net.Conn { return &recConn{Conn: c, rec: r} }

func (r *recorder) bytes() (written, read []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return bytes.Clone(r.written.Bytes()), bytes.Clone(r.read.Bytes())
}

type recConn struct {
	net.Conn
	rec *recorder
}

func (c *recConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.rec.mu.Lock()
	c.rec.written.Write(p[:n])
	c.rec.writes++
	c.rec.mu.Unlock()
	return n, err
}

func (c *recConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.rec.mu.Lock()
	c.rec.read.Write(p[:n])
	c.rec.mu.Unlock()
	return n, err
}

// sentCommands parses the bytes a probe wrote as RESP commands.
func sentCommands(t testing.TB, written []byte) [][]string {
	t.Helper()
	rd := newRespReader(bytes.NewReader(written), 1<<30)
	var cmds [][]string
	for {
		r, err := rd.next()
		if errors.Is(err, io.EOF) {
			return cmds
		}
		if err != nil {
			t.Fatalf("probe wrote bytes that are not RESP: %v", err)
		}
		if r.kind != '*' || len(r.elems) == 0 {
			t.Fatalf("probe wrote a %q reply, not a command array", r.kind)
		}
		cmd := make([]string, len(r.elems))
		for i, e := range r.elems {
			if e.kind != '$' {
				t.Fatalf("probe wrote a command with a %q element", e.kind)
			}
			cmd[i] = e.str
		}
		cmds = append(cmds, cmd)
	}
}

// runProbe probes t with a recording dialer.
func runProbe(t testing.TB, target scanner.Target, lim scanner.Limits, timeout time.Duration) (scanner.Result, *recorder, error) {
	t.Helper()
	rec := &recorder{}
	d, err := scanner.NewDialer(scanner.DialerConfig{Timeout: timeout, WrapConn: rec.wrap})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*timeout+2*time.Second)
	defer cancel()
	res, err := New().Probe(ctx, target, d.Env(ctx, target, lim))
	return res, rec, err
}

func (r *recorder) writeCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.writes
}

func sprintCmd(cmd []string) string { return fmt.Sprintf("%q", cmd) }

// firstWrite is what every connection gets first, in one write, with the
// default max-keys.
var firstWrite = [][]string{{"INFO", "server", "replication", "keyspace"}, {"SCAN", "0", "COUNT", "1000"}}

// assertFirstWriteOnly checks that the probe wrote firstWrite, in one
// write, and nothing else.
func assertFirstWriteOnly(t *testing.T, rec *recorder) {
	t.Helper()
	written, _ := rec.bytes()
	cmds := sentCommands(t, written)
	if rec.writeCount() != 1 || fmt.Sprint(cmds) != fmt.Sprint(firstWrite) {
		t.Errorf("sent %q in %d writes, want %q in one", cmds, rec.writeCount(), firstWrite)
	}
}
