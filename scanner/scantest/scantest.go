// Package scantest holds helpers for tests that need a real server.
package scantest

import (
	"net"
	"os"
	"os/exec"
	"testing"
	"time"
)

// InCI reports whether the tests run in CI (CI=true), where a missing server
// is a failure, not a reason to skip.
func InCI() bool { return os.Getenv("CI") == "true" }

// Missing stops the test because a server or tool it needs is not there: a
// skip on a developer's machine, a failure in CI.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if InCI() {
		t.Fatalf("CI=true and a test server is missing: "+format, args...)
	}
	t.Skipf("test server missing: "+format, args...)
}

// Reachable reports whether a TCP listener answers at addr within a second.
func Reachable(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// RequireAddr returns the address in the environment variable env (or def
// when it is unset), or calls Missing when nothing listens there.
func RequireAddr(t testing.TB, env, def string) string {
	t.Helper()
	addr := os.Getenv(env)
	if addr == "" {
		addr = def
	}
	if !Reachable(addr) {
		Missing(t, "nothing listens at %s (set %s, or run the setup script)", addr, env)
	}
	return addr
}

// RequireBinary returns the path of a program, or calls Missing.
func RequireBinary(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(t, "%s is not installed", name)
	}
	return p
}

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Serve accepts connections on a free loopback port until the test ends,
// runs handle on each in its own goroutine and closes the connection when
// handle returns. It returns the listener's address, "127.0.0.1:PORT".
func Serve(t testing.TB, handle func(net.Conn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				handle(c)
			}()
		}
	}()
	return l.Addr().String()
}

// Drip writes msg to c one byte at a time with a pause after each, as a
// hostile server does that keeps every read within its timeout and the
// whole reply from ever ending in time. It stops when the peer has gone.
func Drip(c net.Conn, msg []byte, pause time.Duration) {
	for _, b := range msg {
		if _, err := c.Write([]byte{b}); err != nil {
			return
		}
		time.Sleep(pause)
	}
}
