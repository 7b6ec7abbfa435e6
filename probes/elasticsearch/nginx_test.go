package elasticsearch

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
	"github.com/spillcheck/spillcheck/scanner/scantest"
)

// nginxLog returns the access log of the nginx in front of the node and
// its current size, so a test reads only its own lines.
func nginxLog(t *testing.T, n searchNode) (string, int64) {
	t.Helper()
	path := os.Getenv(n.env + "_NGINX_LOG")
	if path == "" {
		path = "/tmp/spillcheck-opensearch/" + n.nginxDir + "/access.log"
	}
	st, err := os.Stat(path)
	if err != nil {
		scantest.Missing(t, "nginx access log %s: %v (run scripts/setup-opensearch.sh)", path, err)
	}
	return path, st.Size()
}

// logLinesSince reads the log lines written after offset.
// logLinesSince returns the access-log lines written after offset, waiting
// up to three seconds for at least want of them: nginx logs a request after
// it has sent the response, so the last line can trail the probe's return.
func logLinesSince(t *testing.T, path string, offset int64, want int) []string {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for {
		lines := readLogSince(t, path, offset)
		if len(lines) >= want || time.Now().After(deadline) {
			return lines
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func readLogSince(t *testing.T, path string, offset int64) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Seek(offset, 0); err != nil {
		t.Fatal(err)
	}
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}

// TestNginxBasicAuth probes each node behind nginx with TLS and basic
// auth: plain HTTP first (nginx answers 400), then HTTPS (401).
func TestNginxBasicAuth(t *testing.T) {
	eachNode(t, testNginxBasicAuth)
}

func testNginxBasicAuth(t *testing.T, n searchNode) {
	target := n.url(t, "_NGINX_URL", "https", 43)
	logPath, offset := nginxLog(t, n)

	res, rec, err := runProbe(t, target, scanner.Limits{}, 10*time.Second)
	if err != nil {
		t.Fatalf("probe: %v", err)
	}
	if res.Status != scanner.StatusAuthRequired || res.Auth != "Basic" {
		t.Fatalf("status %s auth %q, want auth-required Basic", res.Status, res.Auth)
	}
	if res.Product != "" || res.Facts["auth_realm"] != n.realm {
		t.Errorf("product %q realm %q: a realm an operator typed is no product evidence", res.Product, res.Facts["auth_realm"])
	}
	if len(res.Containers) != 0 || res.Version != "" {
		t.Errorf("an auth-required result listed %d containers, version %q", len(res.Containers), res.Version)
	}
	if res.TLS == nil {
		t.Fatal("no TLS facts recorded")
	}
	if res.TLS.Version != "TLS 1.3" || !res.TLS.SelfSigned || res.TLS.Subject != "CN=search.spillcheck.test" {
		t.Errorf("TLS = %+v, want TLS 1.3, self-signed, CN=search.spillcheck.test", res.TLS)
	}
	if until := time.Until(res.TLS.NotAfter); until <= 0 || until > 31*24*time.Hour {
		t.Errorf("certificate expiry %v not within the 30 days the setup script issues", res.TLS.NotAfter)
	}
	if !strings.Contains(strings.Join(res.Notes, ";"), "retried over HTTPS") {
		t.Errorf("notes %q do not say HTTPS was retried", res.Notes)
	}
	if rec.connections() != 2 {
		t.Errorf("%d connections, want 2 (plain HTTP, then TLS)", rec.connections())
	}

	// Every request the probe made stopped at nginx: none has an upstream.
	lines := logLinesSince(t, logPath, offset, 2)
	if len(lines) != 2 {
		t.Fatalf("nginx logged %d requests, want 2 (plain 400, TLS 401): %q", len(lines), lines)
	}
	want := []string{"400 GET / upstream=-", "401 GET / upstream=-"}
	for i, l := range lines {
		if l != want[i] {
			t.Errorf("nginx log line %d = %q, want %q", i, l, want[i])
		}
	}
}

// TestNginxTLSFirst starts with TLS when the target asks for it: one
// connection, no plain-HTTP attempt.
func TestNginxTLSFirst(t *testing.T) {
	eachNode(t, testNginxTLSFirst)
}

func testNginxTLSFirst(t *testing.T, n searchNode) {
	target := n.url(t, "_NGINX_URL", "https", 43)
	target.TLS = true
	res, rec, err := runProbe(t, target, scanner.Limits{}, 10*time.Second)
	if err != nil || res.Status != scanner.StatusAuthRequired || res.TLS == nil {
		t.Fatalf("status %s TLS %v err %v", res.Status, res.TLS, err)
	}
	if rec.connections() != 1 || len(res.Notes) != 1 {
		t.Errorf("%d connections, notes %q: want one TLS connection and only the no-product note", rec.connections(), res.Notes)
	}
	// The TLS stream is opaque to the recorder; the plain part must be empty.
	if strings.Contains(string(rec.sent()), "GET ") {
		t.Error("a plain-text request went out although the target asked for TLS")
	}
}

// TestNginxPartiallyOpen: the real cluster's GET / answers, its index list
// is refused with 403: partially-open, with the cluster's facts.
func TestNginxPartiallyOpen(t *testing.T) {
	eachNode(t, testNginxPartiallyOpen)
}

func testNginxPartiallyOpen(t *testing.T, n searchNode) {
	target := n.url(t, "_PARTIAL_URL", "http", 44)
	res, rec, err := runProbe(t, target, scanner.Limits{}, 10*time.Second)
	if err != nil || res.Status != scanner.StatusPartial || res.Product != n.product || res.Facts["cluster_name"] != n.cluster {
		t.Fatalf("status %s product %s facts %v err %v", res.Status, res.Product, res.Facts, err)
	}
	if len(res.Containers) != 0 || !strings.Contains(strings.Join(res.Notes, ";"), "HTTP 403") {
		t.Errorf("containers %d notes %q", len(res.Containers), res.Notes)
	}
	// The listings go out once each, data streams and aliases first (the
	// index list is streamed into them); every one is refused.
	var got []string
	for _, r := range rec.requests(t) {
		got = append(got, r.URL.Path)
	}
	if strings.Join(got, " ") != "/ /_data_stream /_cat/aliases /_cat/indices" {
		t.Errorf("requests %q, want GET / and the three listings", got)
	}
}

// TestNginxOpenOverTLS: the seeded cluster behind TLS without auth is open,
// found after one plain-HTTP attempt, with the same inventory and no canary.
func TestNginxOpenOverTLS(t *testing.T) {
	eachNode(t, testNginxOpenOverTLS)
}

func testNginxOpenOverTLS(t *testing.T, n searchNode) {
	n.seeded(t)
	target := n.url(t, "_TLS_URL", "https", 45)
	res, rec, err := runProbe(t, target, scanner.Limits{}, 10*time.Second)
	if err != nil || res.Status != scanner.StatusOpen || res.Product != n.product || res.TLS == nil || !res.TLS.SelfSigned {
		t.Fatalf("status %s product %s TLS %+v err %v", res.Status, res.Product, res.TLS, err)
	}
	if c := findContainer(res, "index-pattern", "messages-*"); c == nil || findField(c, "sender.phone") == nil {
		t.Errorf("messages-* with sender.phone not found among %s", containerNames(res))
	}
	out, _ := json.Marshal(res)
	if bytes.Contains(out, []byte(canary)) {
		t.Error("canary value in the result")
	}
	if rec.connections() != 2 {
		t.Errorf("%d connections, want 2", rec.connections())
	}
}
