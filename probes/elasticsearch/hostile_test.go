package elasticsearch

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
)

// TestHostileHTTP: each broken or hostile answer ends in a bounded, clear
// error and the right status.
func TestHostileHTTP(t *testing.T) {
	const capBytes = 64 << 10
	tests := []struct {
		name    string
		handler http.HandlerFunc
		status  scanner.Status
		errHas  string
		maxTime time.Duration
	}{
		{
			name: "huge body with length",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Length", "104857600")
				w.Write([]byte(strings.Repeat("{", 1<<16)))
			},
			status: scanner.StatusProtocolError, errHas: "the cap is 65536", maxTime: 2 * time.Second,
		},
		{
			name: "huge chunked body",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", jsonCT)
				chunk := []byte(`{"name":"` + strings.Repeat("x", 8<<10))
				for i := 0; i < 1000 && r.Context().Err() == nil; i++ {
					w.Write(chunk)
				}
			},
			status: scanner.StatusProtocolError, errHas: "more than 65536 bytes", maxTime: 2 * time.Second,
		},
		{
			name: "slow drip",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", jsonCT)
				w.WriteHeader(200)
				for r.Context().Err() == nil {
					w.Write([]byte(" "))
					w.(http.Flusher).Flush()
					time.Sleep(50 * time.Millisecond)
				}
			},
			status: scanner.StatusTimeout, errHas: "deadline exceeded", maxTime: 3 * time.Second,
		},
		{
			// The status line stalls after "HTT": a slow HTTP server, not
			// a text banner of another protocol.
			name: "status line drip",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				c, _, err := w.(http.Hijacker).Hijack()
				if err != nil {
					return
				}
				defer c.Close()
				c.Write([]byte("HTT"))
				c.SetReadDeadline(time.Now().Add(5 * time.Second))
				io.Copy(io.Discard, c) // until the probe hangs up
			},
			status: scanner.StatusTimeout, errHas: "timeout", maxTime: 3 * time.Second,
		},
		{
			name: "no answer",
			handler: func(_ http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-time.After(5 * time.Second):
				}
			},
			status: scanner.StatusTimeout, errHas: "timeout", maxTime: 3 * time.Second,
		},
		{
			name: "redirect to another host",
			handler: func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "http://127.0.0.2:9200/", http.StatusFound)
			},
			status: scanner.StatusProtocolError, errHas: "redirect to another host (127.0.0.2:9200) refused", maxTime: time.Second,
		},
		{
			name: "redirect to a search on the same host",
			handler: func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "/_search?q=*", http.StatusFound)
			},
			status: scanner.StatusProtocolError, errHas: "not on the probe's allowlist", maxTime: time.Second,
		},
		{
			name: "html on 9200",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.Write([]byte("<html><body><h1>Welcome to nginx!</h1></body></html>"))
			},
			status: scanner.StatusProtocolError, errHas: `without a cluster banner (content-type "text/html")`, maxTime: time.Second,
		},
		{
			name: "closes at once",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				c, _, err := w.(http.Hijacker).Hijack()
				if err == nil {
					c.Close()
				}
			},
			status: scanner.StatusProtocolError, errHas: "no HTTP answer over plain HTTP", maxTime: time.Second,
		},
		{
			// Compression is never offered; a compressed body would escape
			// the cap once decompressed, and is not JSON as it stands.
			name: "gzip without asking",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Encoding", "gzip")
				w.Header().Set("Content-Type", jsonCT)
				w.Write([]byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"))
			},
			status: scanner.StatusProtocolError, errHas: `answered with Content-Encoding "gzip"`, maxTime: time.Second,
		},
		{
			name: "101 upgrade, then a stream",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				c, bw, err := w.(http.Hijacker).Hijack()
				if err != nil {
					return
				}
				defer c.Close()
				bw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
				bw.Flush()
				chunk := []byte(strings.Repeat("z", 64<<10))
				for range 64 {
					if _, err := c.Write(chunk); err != nil {
						return
					}
				}
			},
			status: scanner.StatusProtocolError, errHas: "101 Switching Protocols", maxTime: time.Second,
		},
		{
			name:    "404",
			handler: http.NotFound,
			status:  scanner.StatusProtocolError, errHas: "answered HTTP 404", maxTime: time.Second,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			target := serve(t, tc.handler, false)
			start := time.Now()
			res, rec, err := runProbe(t, target, scanner.Limits{MaxResponseBytes: capBytes}, 500*time.Millisecond)
			took := time.Since(start)
			if err == nil {
				t.Fatalf("no error; result %+v", res)
			}
			status := res.Status
			if status == "" {
				status = scanner.Classify(err)
			}
			if status != tc.status || !strings.Contains(err.Error(), tc.errHas) {
				t.Errorf("status %s err %q, want %s and %q", status, err, tc.status, tc.errHas)
			}
			if took > tc.maxTime {
				t.Errorf("took %v, want under %v", took, tc.maxTime)
			}
			if n := len(rec.received()); n > 2*capBytes+64<<10 {
				t.Errorf("read %d bytes with a cap of %d", n, capBytes)
			}
			// Plain, GET / HTTP/1.0 after a silent close, TLS.
			if rec.connections() > 3 {
				t.Errorf("%d connections", rec.connections())
			}
			if errors.Is(err, scanner.ErrOutOfScope) {
				t.Errorf("the probe tried to dial out of scope: %v", err)
			}
		})
	}
}

// TestClosingTCPService: a TCP service that closes every connection is
// neither HTTP nor TLS: protocol-error after one retry, not tls-required.
func TestClosingTCPService(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	port := l.Addr().(*net.TCPAddr).Port
	target := scanner.Target{Host: "127.0.0.1", IP: netip.MustParseAddr("127.0.0.1"), Port: port, Service: scanner.Elasticsearch}
	res, rec, err := runProbe(t, target, scanner.Limits{}, time.Second)
	if status := scanner.Classify(err); status != scanner.StatusProtocolError || res.Status != "" {
		t.Fatalf("status %s/%s err %v", res.Status, status, err)
	}
	// Plain, GET / HTTP/1.0 (askWithoutHost), TLS.
	if rec.connections() != 3 {
		t.Errorf("%d connections, want 3", rec.connections())
	}
}

// TestHostileBannerFacts: a banner whose version and names run to
// kilobytes is kept as the first 64 bytes of each.
func TestHostileBannerFacts(t *testing.T) {
	long := strings.Repeat("9", 5000)
	f := catalogCluster(t, body(200, jsonCT, "["+validRow+"]"))
	f.routes["/"] = body(200, jsonCT, `{"name":"n`+long+`","cluster_name":"c`+long+`","version":{"number":"8.`+long+`","build_flavor":"default","lucene_version":"9.9.2"},"tagline":"You Know, for Search"}`, "X-Elastic-Product", "Elasticsearch")
	res, _, err := runProbe(t, serve(t, f, false), scanner.Limits{}, 2*time.Second)
	if err != nil || res.Status != scanner.StatusOpen {
		t.Fatalf("status %s err %v", res.Status, err)
	}
	if len(res.Version) > 64+len("...") || !strings.HasPrefix(res.Version, "8.999") {
		t.Errorf("version of %d bytes: %.80q", len(res.Version), res.Version)
	}
	for k, v := range res.Facts {
		if len(v) > 64+len("...") {
			t.Errorf("fact %s of %d bytes", k, len(v))
		}
	}
}
