package mongodb

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"

	"github.com/spillcheck/spillcheck/scanner"
	"github.com/spillcheck/spillcheck/scanner/scantest"
)

// TestHostileServers checks that what is not MongoDB, or misbehaves, ends
// in a clear error for the target within the time bound.
func TestHostileServers(t *testing.T) {
	const timeout = 400 * time.Millisecond
	garbage := func(c net.Conn) {
		defer c.Close()
		b := make([]byte, 4096)
		rand.Read(b)
		b[0], b[1], b[2], b[3] = 0x20, 0, 0, 0 // a plausible length, then noise
		c.Write(b)
		io.Copy(io.Discard, c)
	}
	stall := func(c net.Conn) {
		defer c.Close()
		io.Copy(io.Discard, c)
	}
	oversized := func(c net.Conn) {
		defer c.Close()
		c.Read(make([]byte, 512))
		c.Write([]byte{0x00, 0x00, 0x00, 0x10, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0}) // 256 MiB declared
		io.Copy(io.Discard, c)
	}
	hangUp := func(c net.Conn) { c.Close() }
	tests := []struct {
		name   string
		addr   func(t *testing.T) string
		status scanner.Status
		msg    string
	}{
		{"garbage", fakeConn(garbage), scanner.StatusProtocolError, "reply answers request"},
		{"closes at once", fakeConn(hangUp), scanner.StatusProtocolError, "closed the connection on hello"},
		{"stall", fakeConn(stall), scanner.StatusTimeout, "no reply to the handshake within 400ms"},
		{"oversized reply", fakeConn(oversized), scanner.StatusProtocolError, "over the 1048576-byte cap"},
		// The hello's length field reads "M\n", so HTTP and Redis servers
		// answer it at once and are named.
		{"http server", httpServer, scanner.StatusProtocolError, "HTTP (HTTP/1.1 400 Bad Request) answered, not MongoDB"},
		{"redis server", func(t *testing.T) string { return scantest.StartRedis(t) }, scanner.StatusProtocolError, "RESP (Redis) (-ERR unknown command 'M'"},
		{"closed port", closedPort, scanner.StatusClosed, "connection refused"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			addr := tc.addr(t)
			start := time.Now()
			res, _, err := runProbe(t, addr, timeout, scanner.Limits{MaxResponseBytes: 1 << 20})
			elapsed := time.Since(start)
			if err == nil {
				t.Fatalf("no error; result %+v", res)
			}
			if got := scanner.Classify(err); res.Status != "" || got != tc.status {
				t.Errorf("status %q, classified %q, want %q: %v", res.Status, got, tc.status, err)
			}
			if res.Product != "" {
				t.Errorf("product %q for a server that did not answer as MongoDB", res.Product)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q lacks %q", err, tc.msg)
			}
			// Two handshake attempts (plaintext, then TLS) at most, each
			// bounded by the read timeout.
			if elapsed > 3*timeout {
				t.Errorf("took %v, over 3×%v", elapsed, timeout)
			}
		})
	}
}

func fakeConn(fn func(net.Conn)) func(t *testing.T) string {
	return func(t *testing.T) string { return startFake(t, "", &fakeServer{conn: fn}).addr() }
}

func httpServer(t *testing.T) string {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	t.Cleanup(s.Close)
	return s.Listener.Addr().String()
}

func closedPort(t *testing.T) string {
	return "127.0.0.1:" + strconv.Itoa(scantest.FreePort(t))
}

// TestHostileHelloFacts: a hello whose setName runs to kilobytes is kept
// as its first 64 bytes, and the member list it names is only counted.
func TestHostileHelloFacts(t *testing.T) {
	base := modernServer(t, "127.0.0.2:27017")
	srv := startFake(t, "", &fakeServer{handle: func(name string, body bsoncore.Document, opMsg bool) bsoncore.Document {
		if name == "hello" {
			return ejson(t, `{"isWritablePrimary": true, "hosts": ["127.0.0.2:27017", "127.0.0.3:27017"], "setName": "`+strings.Repeat("s", 100000)+`",
				"primary": "127.0.0.2:27017", "maxWireVersion": 17, "minWireVersion": 0, "ok": 1}`)
		}
		return base.handle(name, body, opMsg)
	}})
	res, _, err := runProbe(t, srv.addr(), 2*time.Second, scanner.Limits{})
	if err != nil || res.Status != scanner.StatusOpen || res.Facts["set_members"] != "2" {
		t.Fatalf("status %s err %v facts %v", res.Status, err, res.Facts)
	}
	for k, v := range res.Facts {
		if len(v) > 64+len("…") {
			t.Errorf("fact %s of %d bytes", k, len(v))
		}
	}
}

// TestHostileDripFedReply: a hello reply sent a byte at a time, each byte
// within the read timeout, is cut off after a few timeouts, not held until
// the target's budget runs out.
func TestHostileDripFedReply(t *testing.T) {
	const timeout = 100 * time.Millisecond
	srv := startFake(t, "", &fakeServer{conn: func(c net.Conn) {
		defer c.Close()
		c.Read(make([]byte, 4096))
		scantest.Drip(c, append([]byte{0, 1, 0, 0}, make([]byte, 252)...), timeout/4)
	}})
	d, err := scanner.NewDialer(scanner.DialerConfig{Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tg := target(t, srv.addr())
	start := time.Now()
	_, err = New().Probe(ctx, tg, d.Env(ctx, tg, scanner.Limits{}))
	if took := time.Since(start); took > 15*timeout {
		t.Errorf("took %v with a timeout of %v", took, timeout)
	}
	if scanner.Classify(err) != scanner.StatusTimeout {
		t.Errorf("err %v, want a timeout", err)
	}
}

// TestSampleErrorQuotesNoValue: the key-name aggregate reads documents, and
// a server's error for it can quote a value (BSONObjectTooLarge names the
// first element of the document). Its note names the error by code only.
func TestSampleErrorQuotesNoValue(t *testing.T) {
	for _, tc := range []struct{ name, reply, want string }{
		{"execution error", `{"ok": 0, "code": 10334, "codeName": "BSONObjectTooLarge",
			"errmsg": "PlanExecutor error during aggregation :: caused by :: BSONObj size: 17000000 (0x1036640) is invalid. Size must be between 0 and 16793600(16MB) First element: _id: \"CANARY-77d1\""}`,
			"server error 10334 (BSONObjectTooLarge)"},
		{"refused", `{"ok": 0, "code": 13, "codeName": "Unauthorized", "errmsg": "not authorized on chat to execute command { aggregate: \"CANARY-77d1\" }"}`,
			"key-name sample of chat.messages refused: server error 13 (Unauthorized)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := modernServer(t, "127.0.0.1:1")
			srv := startFake(t, "", &fakeServer{handle: func(name string, body bsoncore.Document, opMsg bool) bsoncore.Document {
				if name == "aggregate" {
					return ejson(t, tc.reply)
				}
				return base.handle(name, body, opMsg)
			}})
			res, _, err := runProbe(t, srv.addr(), 2*time.Second, scanner.Limits{})
			if err != nil {
				t.Fatalf("probe: %v", err)
			}
			if out := fmt.Sprint(res); strings.Contains(out, "CANARY") {
				t.Errorf("the server's error message reached the result: %s", out)
			}
			if !slices.ContainsFunc(res.Notes, func(n string) bool { return strings.Contains(n, tc.want) }) {
				t.Errorf("notes %q, want one naming %q", res.Notes, tc.want)
			}
		})
	}
}
