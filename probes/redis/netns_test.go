package redis

import (
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
	"github.com/spillcheck/spillcheck/scanner/scantest"
)

// TestProbeProtectedMode runs redis-server with its defaults (protected
// mode on, no password, all addresses) in a network namespace this test
// creates, and probes it over a veth pair from a 198.18.0.0/15 address, so
// that the server sees a non-loopback client.
func TestProbeProtectedMode(t *testing.T) {
	bin := scantest.RequireBinary(t, "redis-server")
	ns := netns(t)
	cmd := exec.Command("ip", "netns", "exec", ns.name, bin, "--port", "6379", "--save", "",
		"--appendonly", "no", "--dir", t.TempDir())
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	srv := &redisServer{host: ns.inside.String(), port: 6379}
	waitListening(t, srv.addr(), &log)

	res, rec, err := runProbe(t, srv.target(), scanner.Limits{}, 3*time.Second)
	if err != nil || res.Status != scanner.StatusProtected {
		t.Fatalf("status %s err %v, want protected", res.Status, err)
	}
	_, read := rec.bytes()
	if !bytes.HasPrefix(read, []byte("-DENIED")) {
		t.Errorf("read %q", read)
	}
}

type namespace struct {
	name   string
	inside netip.Addr
}

// netns creates a namespace joined to this one by a veth pair with a /30
// from 198.19.0.0/16 picked by process id, so parallel test binaries do not
// collide, and removes it when the test ends. Without the rights to do so
// the test is skipped, except in CI.
func netns(t *testing.T) namespace {
	t.Helper()
	if _, err := exec.LookPath("ip"); err != nil {
		scantest.Missing(t, "the ip command (iproute2) is not installed")
	}
	id := os.Getpid() % 16000
	name := fmt.Sprintf("spc-redis-%d", id)
	host, peer := fmt.Sprintf("spcrh%d", id), fmt.Sprintf("spcrn%d", id)
	base := netip.AddrFrom4([4]byte{198, 19, byte(id / 64), byte(id % 64 * 4)})
	hostAddr, inside := base.Next(), base.Next().Next()
	run := func(args ...string) error {
		out, err := exec.Command("ip", args...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("ip %v: %v: %s", args, err, out)
		}
		return nil
	}
	run("link", "del", host) // left over from a killed run, if any
	run("netns", "del", name)
	if err := run("netns", "add", name); err != nil {
		scantest.Missing(t, "network namespaces are not available: %v", err)
	}
	t.Cleanup(func() {
		run("link", "del", host)
		run("netns", "del", name)
	})
	for _, args := range [][]string{
		{"link", "add", host, "type", "veth", "peer", "name", peer},
		{"link", "set", peer, "netns", name},
		{"addr", "add", hostAddr.String() + "/30", "dev", host},
		{"link", "set", host, "up"},
		{"netns", "exec", name, "ip", "addr", "add", inside.String() + "/30", "dev", peer},
		{"netns", "exec", name, "ip", "link", "set", peer, "up"},
		{"netns", "exec", name, "ip", "link", "set", "lo", "up"},
	} {
		if err := run(args...); err != nil {
			scantest.Missing(t, "cannot set up the test namespace: %v", err)
		}
	}
	return namespace{name: name, inside: inside}
}

// waitListening waits up to 10 seconds for a TCP listener at addr, and fails
// the test with the server's log if none comes.
func waitListening(t testing.TB, addr string, log *bytes.Buffer) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if scantest.Reachable(addr) {
			return
		}
	}
	t.Fatalf("redis-server at %s did not start: %s", addr, log)
}
