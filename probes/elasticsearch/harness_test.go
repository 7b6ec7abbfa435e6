package elasticsearch

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/fingerprints"
	"github.com/spillcheck/spillcheck/scanner"
	"github.com/spillcheck/spillcheck/scanner/scantest"
)

// rules is the built-in rule engine, the NameRanker a scan lends the probe.
var rules = sync.OnceValues(fingerprints.Default)

func ranker(t testing.TB) scanner.NameRanker {
	t.Helper()
	e, err := rules()
	if err != nil {
		t.Fatalf("loading the built-in rules: %v", err)
	}
	return e
}

// requireURL returns the URL in env (or def), or calls scantest.Missing
// when nothing listens there.
func requireURL(t testing.TB, env, def string) *url.URL {
	t.Helper()
	raw := os.Getenv(env)
	if raw == "" {
		raw = def
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("%s=%q: %v", env, raw, err)
	}
	if !scantest.Reachable(u.Host) {
		scantest.Missing(t, "nothing listens at %s (set %s, or run scripts/setup-opensearch.sh)", u.Host, env)
	}
	return u
}

// targetOf is the scanner target for a loopback URL.
func targetOf(t testing.TB, u *url.URL) scanner.Target {
	t.Helper()
	port, err := strconv.Atoi(u.Port())
	if err != nil {
		t.Fatalf("URL %s has no port", u)
	}
	ip, err := netip.ParseAddr(u.Hostname())
	if err != nil || !ip.IsLoopback() {
		t.Fatalf("tests reach only loopback addresses, got %s", u.Hostname())
	}
	return scanner.Target{Host: u.Hostname(), IP: ip, Port: port, Service: scanner.Elasticsearch}
}

// recorder keeps every byte written to and read from the probe's
// connections.
type recorder struct {
	mu          sync.Mutex
	wrote, read bytes.Buffer
	conns       int
}

func (r *recorder) wrap(_ scanner.Target, c net.Conn) net.Conn {
	r.mu.Lock()
	r.conns++
	r.mu.Unlock()
	return &recConn{Conn: c, r: r}
}

type recConn struct {
	net.Conn
	r *recorder
}

func (c *recConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.r.mu.Lock()
	c.r.read.Write(p[:n])
	c.r.mu.Unlock()
	return n, err
}

func (c *recConn) Write(p []byte) (int, error) {
	c.r.mu.Lock()
	c.r.wrote.Write(p)
	c.r.mu.Unlock()
	return c.Conn.Write(p)
}

// received returns a copy of every byte read from the server.
func (r *recorder) received() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]byte(nil), r.read.Bytes()...)
}

// sent returns a copy of every byte written to the server.
func (r *recorder) sent() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]byte(nil), r.wrote.Bytes()...)
}

// connections counts the connections opened.
func (r *recorder) connections() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.conns
}

// requests parses the HTTP requests the probe wrote.
func (r *recorder) requests(t testing.TB) []*http.Request {
	t.Helper()
	raw := r.sent()
	br := bufio.NewReader(bytes.NewReader(raw))
	var out []*http.Request
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			if rest, _ := br.Peek(1); len(rest) > 0 {
				t.Fatalf("unparsable bytes written by the probe: %v", err)
			}
			return out
		}
		if req.ContentLength > 0 || len(req.TransferEncoding) > 0 {
			t.Errorf("%s %s carried a body", req.Method, req.URL)
		}
		out = append(out, req)
	}
}

// runProbe probes target with a recording dialer and the built-in rules
// to rank names, as a scan does.
func runProbe(t testing.TB, target scanner.Target, limits scanner.Limits, timeout time.Duration) (scanner.Result, *recorder, error) {
	t.Helper()
	rec := &recorder{}
	d, err := scanner.NewDialer(scanner.DialerConfig{Timeout: timeout, WrapConn: rec.wrap})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	env := d.Env(ctx, target, limits).WithRanker(ranker(t))
	res, err := New().Probe(ctx, target, env)
	return res, rec, err
}

// assertAllowlisted checks every request on the wire against allowlist.
func assertAllowlisted(t *testing.T, rec *recorder) []string {
	t.Helper()
	var lines []string
	for _, req := range rec.requests(t) {
		if err := allowed(req.Method, req.URL.Path, req.URL.Query()); err != nil {
			t.Errorf("sent a request off the allowlist: %v", err)
		}
		if req.Header.Get("Authorization") != "" {
			t.Errorf("%s %s carried credentials", req.Method, req.URL.Path)
		}
		lines = append(lines, req.Method+" "+req.URL.RequestURI())
	}
	if len(lines) == 0 {
		t.Error("no request recorded")
	}
	return lines
}

func findContainer(res scanner.Result, kind, name string) *scanner.Container {
	for i := range res.Containers {
		if c := &res.Containers[i]; c.Kind == kind && c.Name == name {
			return c
		}
	}
	return nil
}

func findField(c *scanner.Container, path string) *scanner.FieldSample {
	for i := range c.Fields {
		if c.Fields[i].Path == path {
			return &c.Fields[i]
		}
	}
	return nil
}

func containerNames(res scanner.Result) string {
	var names []string
	for _, c := range res.Containers {
		names = append(names, c.Kind+":"+c.Name)
	}
	return strings.Join(names, " ")
}
