package scantest

import (
	"bytes"
	"net"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// RedisServer is a redis-server that a test started on the loopback
// interface; it stops when the test ends.
type RedisServer struct {
	Addr string // 127.0.0.1:port
	Port int
	Pid  int // for tests that read the server's own CPU time
}

// StartRedis runs redis-server on a free loopback port until the test
// ends, with no persistence and the extra args given, and returns its
// address once it listens. Without redis-server it is Missing (a failure
// in CI).
func StartRedis(tb testing.TB, args ...string) string {
	tb.Helper()
	port := FreePort(tb)
	return RunRedis(tb, port, append([]string{"--port", strconv.Itoa(port)}, args...)...).Addr
}

// RunRedis runs redis-server bound to 127.0.0.1 with no persistence, its
// working directory in the test's temporary directory, and args, which
// must make it listen on port (plain or TLS). It returns once
// 127.0.0.1:port accepts connections; if it never does, the test fails
// with the server's own log.
func RunRedis(tb testing.TB, port int, args ...string) RedisServer {
	tb.Helper()
	bin := RequireBinary(tb, "redis-server")
	args = append([]string{"--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--protected-mode", "no", "--dir", tb.TempDir(), "--loglevel", "warning"}, args...)
	cmd := exec.Command(bin, args...)
	var log bytes.Buffer // written by cmd's copier goroutine until Wait
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	tb.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	s := RedisServer{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), Port: port, Pid: cmd.Process.Pid}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		select {
		case <-exited:
			tb.Fatalf("redis-server %v exited before listening on %s: %s", args, s.Addr, log.String())
		default:
		}
		if Reachable(s.Addr) {
			return s
		}
	}
	tb.Fatalf("redis-server did not listen on %s within 10s", s.Addr)
	return s
}
