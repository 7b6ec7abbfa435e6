package redis

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
	"github.com/spillcheck/spillcheck/scanner/scantest"
)

// hostile serves each connection with handle on a loopback port.
func hostile(t *testing.T, handle func(net.Conn)) scanner.Target {
	t.Helper()
	return loopbackTarget(t, scantest.Serve(t, handle))
}

func loopbackTarget(t *testing.T, addr string) scanner.Target {
	t.Helper()
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	return scanner.Target{Host: host, IP: netip.MustParseAddr(host), Port: p, Service: scanner.Redis}
}

func httpTarget(t *testing.T, srv *httptest.Server) scanner.Target {
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return loopbackTarget(t, u.Host)
}

// quiet starts an HTTP(S) server that does not log failed handshakes.
func quiet(h http.Handler, useTLS bool) *httptest.Server {
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	if useTLS {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	return srv
}

// endless writes chunk until the client goes away.
func endless(prefix, chunk string) func(net.Conn) {
	return func(c net.Conn) {
		c.Write([]byte(prefix))
		b := []byte(strings.Repeat(chunk, 4096))
		for {
			if _, err := c.Write(b); err != nil {
				return
			}
		}
	}
}

func stall(greeting string) func(net.Conn) {
	return func(c net.Conn) {
		c.Write([]byte(greeting))
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		c.Read(make([]byte, 1<<16))
		time.Sleep(3 * time.Second)
	}
}

// TestProbeNotRedis runs the probe against things that are not Redis: each
// gets a clear status and error within the timeout.
func TestProbeNotRedis(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("hi")) })
	const timeout = 500 * time.Millisecond
	tests := []struct {
		name    string
		target  scanner.Target
		status  scanner.Status
		errText string
		tls     bool
	}{
		{"http", httpTarget(t, quiet(ok, false)), scanner.StatusProtocolError, "HTTP (HTTP/1.1 400 Bad Request) answered, not Redis", false},
		{"https", httpTarget(t, quiet(ok, true)), scanner.StatusProtocolError, "over TLS: not the expected protocol: HTTP (HTTP/1.1 400", true},
		{"endless bulk", hostile(t, endless("$999999999999\r\n", "A")), scanner.StatusProtocolError, "exceeded", false},
		{"endless bulk under the length cap", hostile(t, endless("$8000000\r\n", "A")), scanner.StatusProtocolError, "exceeded", false},
		{"endless line", hostile(t, endless("+", "A")), scanner.StatusProtocolError, "exceeded", false},
		{"endless array", hostile(t, endless("*1\r\n", "*1\r\n")), scanner.StatusProtocolError, "nested", false},
		{"silent", hostile(t, stall("")), scanner.StatusTimeout, "timeout", false},
		{"stall mid-reply", hostile(t, stall("$100\r\nredis_version:")), scanner.StatusTimeout, "timeout", false},
		{"greeting then stall", hostile(t, stall("+Welcome\r\n")), scanner.StatusProtocolError, "not a bulk string", false},
		{"smtp banner", hostile(t, stall("220 mail.example ESMTP\r\n")), scanner.StatusProtocolError, "SMTP (220 mail.example ESMTP) answered, not Redis", false},
		{"ssh banner", hostile(t, stall("SSH-2.0-OpenSSH_9.6\r\n")), scanner.StatusProtocolError, "SSH (SSH-2.0-OpenSSH_9.6) answered", false},
		{"mysql greeting", hostile(t, stall("J\x00\x00\x00\x0a8.0.36\x00\x08\x00\x00\x00")), scanner.StatusProtocolError, "MySQL (8.0.36) answered", false},
		{"binary", hostile(t, stall("\x00\x01\x02\x03")), scanner.StatusProtocolError, "not RESP", false},
		{"close at once", hostile(t, func(net.Conn) {}), scanner.StatusProtocolError, "without replying to INFO", false},
		{"resp without info", hostile(t, stall("-ERR unknown command 'INFO'\r\n")), scanner.StatusProtocolError, "refused INFO", false},
		{"info without version", hostile(t, stall("$9\r\nfoo:bar\r\n\r\n")), scanner.StatusProtocolError, "redis_version", false},
		// A RESP3 push (a pub/sub message: a value) is named, never quoted;
		// of other bytes that are not RESP, only the first line is quoted.
		{"resp3 push", hostile(t, stall(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$13\r\nCANARY-VALUE1\r\n")), scanner.StatusProtocolError, "RESP3 push frame", false},
		{"resp3 map", hostile(t, stall("%1\r\n+k\r\n+CANARY-VALUE2\r\n")), scanner.StatusProtocolError, "RESP3 map frame", false},
		{"junk line then a value", hostile(t, stall("?x\r\nCANARY-VALUE3\r\n")), scanner.StatusProtocolError, `not RESP: "?x"`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			res, _, err := runProbe(t, tt.target, scanner.Limits{MaxResponseBytes: 1 << 20}, timeout)
			took := time.Since(start)
			if res.Status != tt.status || err == nil || !strings.Contains(err.Error(), tt.errText) {
				t.Fatalf("status %s err %v; want %s with %q", res.Status, err, tt.status, tt.errText)
			}
			if strings.Contains(err.Error(), "CANARY") {
				t.Errorf("the error quotes a value the server sent: %v", err)
			}
			if took > 3*timeout {
				t.Errorf("took %v, timeout %v", took, timeout)
			}
			if (res.TLS != nil) != tt.tls {
				t.Errorf("tls %+v, want tls=%v", res.TLS, tt.tls)
			}
			if len(res.Containers) != 0 || res.Product != "" {
				t.Errorf("result claims a store: %+v", res)
			}
		})
	}
}

// TestProbeCancel shows that cancelling the scan stops a probe blocked on a
// silent server at once, not after the read timeout.
func TestProbeCancel(t *testing.T) {
	target := hostile(t, stall(""))
	d, err := scanner.NewDialer(scanner.DialerConfig{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err = New().Probe(ctx, target, d.Env(ctx, target, scanner.Limits{}))
	if !errors.Is(err, context.Canceled) || time.Since(start) > 2*time.Second {
		t.Fatalf("err %v after %v", err, time.Since(start))
	}
}

// TestProbeNeverFollowsRedirects: -ASK and -MOVED to the SCAN of db 0 point
// at a listener on another loopback address; nothing connects to it and the
// target is partially open.
func TestProbeNeverFollowsRedirects(t *testing.T) {
	other, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("127.0.0.2 is not available: %v", err)
	}
	defer other.Close()
	var dialed atomic.Int32
	go func() {
		for {
			c, err := other.Accept()
			if err != nil {
				return
			}
			dialed.Add(1)
			c.Close()
		}
	}()
	for _, redirect := range []string{"-ASK 3999 ", "-MOVED 3999 "} {
		f := &fakeRedis{}
		target := f.start(t, func(cmd []string) string {
			if cmd[0] == "INFO" {
				return infoReply(cmd, "redis_version:7.2.4\r\nredis_mode:cluster", "db0:keys=3")
			}
			return redirect + other.Addr().String() + "\r\n"
		})
		res, _, err := runProbe(t, target, scanner.Limits{}, time.Second)
		if err != nil || res.Status != scanner.StatusPartial || f.conns.Load() != 1 {
			t.Errorf("%s: status %s err %v, %d connections", redirect, res.Status, err, f.conns.Load())
		}
	}
	if n := dialed.Load(); n != 0 {
		t.Errorf("the probe connected to the redirect's host %d times", n)
	}
}

// TestProbeDripFedReply: a server that sends its INFO reply a byte at a
// time, each byte within the read timeout, is cut off after a few
// timeouts, not held until the target's budget runs out.
func TestProbeDripFedReply(t *testing.T) {
	const timeout = 100 * time.Millisecond
	target := hostile(t, func(c net.Conn) {
		c.Read(make([]byte, 4096))
		body := "# Server\r\nredis_version:7.2.4\r\n" + strings.Repeat("x", 500)
		scantest.Drip(c, []byte(fmt.Sprintf("$%d\r\n%s\r\n", len(body), body)), timeout/4)
	})
	d, err := scanner.NewDialer(scanner.DialerConfig{Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	res, err := New().Probe(ctx, target, d.Env(ctx, target, scanner.Limits{}))
	if took := time.Since(start); took > 15*timeout {
		t.Errorf("took %v with a timeout of %v", took, timeout)
	}
	if res.Status != scanner.StatusTimeout {
		t.Errorf("status %s err %v", res.Status, err)
	}
}
