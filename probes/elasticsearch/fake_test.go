package elasticsearch

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
)

// fakeCluster serves canned answers by path and records what it was sent.
type fakeCluster struct {
	mu     sync.Mutex
	seen   []string
	routes map[string]func(w http.ResponseWriter, r *http.Request)
	// prefix, when set, may answer paths that routes has not.
	prefix func(w http.ResponseWriter, r *http.Request) bool
}

func (f *fakeCluster) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.seen = append(f.seen, r.Method+" "+r.URL.RequestURI())
	f.mu.Unlock()
	if h, ok := f.routes[r.URL.Path]; ok {
		h(w, r)
		return
	}
	if f.prefix != nil && f.prefix(w, r) {
		return
	}
	http.NotFound(w, r)
}

func body(status int, ct, b string, headers ...string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Add(headers[i], headers[i+1])
		}
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(status)
		w.Write([]byte(b))
	}
}

const jsonCT = "application/json; charset=UTF-8"

// serve starts f on loopback and returns its target.
func serve(t *testing.T, h http.Handler, tls bool) scanner.Target {
	t.Helper()
	var srv *httptest.Server
	if tls {
		srv = httptest.NewUnstartedServer(h)
		srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the plain-HTTP attempt is expected
		srv.StartTLS()
	} else {
		srv = httptest.NewServer(h)
	}
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return targetOf(t, u)
}

// TestElasticsearch1Flow: 1.x has no format=json, no data streams and no
// expand_wildcards; the text tables and typed mappings are read instead.
func TestElasticsearch1Flow(t *testing.T) {
	f := &fakeCluster{routes: map[string]func(http.ResponseWriter, *http.Request){
		"/":             body(200, jsonCT, string(readFixture(t, "root/es-1.7.3.json"))),
		"/_cat/indices": body(200, "text/plain", "twitter open yellow 3 9000\nlogs-2015.01.01 open green 1 100\nlogs-2015.01.02 open green 2 200\n.marvel-2015.01.01 open green 9 9\n"),
		"/_cat/aliases": body(200, "text/plain", "tweets twitter\n"),
		"/logs-2015.01.02,twitter/_mapping": body(200, jsonCT, `{"twitter":{"mappings":{"tweet":{"properties":{"message":{"type":"string"},"user":{"type":"string","index":"not_analyzed"}}}}},
			"logs-2015.01.02":{"mappings":{"event":{"properties":{"host":{"type":"string"}}}}}}`),
	}}
	target := serve(t, f, false)
	res, rec, err := runProbe(t, target, scanner.Limits{}, 2*time.Second)
	if err != nil || res.Status != scanner.StatusOpen || res.Product != ProductElasticsearch || res.Version != "1.7.3" {
		t.Fatalf("status %s product %s version %s err %v notes %q", res.Status, res.Product, res.Version, err, res.Notes)
	}
	want := []string{
		"GET /",
		"GET /_cat/aliases?h=alias%2Cindex",
		"GET /_cat/indices?bytes=b&h=index%2Cstatus%2Chealth%2Cdocs.count%2Cstore.size",
		"GET /logs-2015.01.02,twitter/_mapping?ignore_unavailable=true",
	}
	if strings.Join(f.seen, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests\n%s\nwant\n%s", strings.Join(f.seen, "\n"), strings.Join(want, "\n"))
	}
	tw := findContainer(res, "index", "twitter")
	if tw == nil || *tw.Docs != 3 || fieldList(tw.Fields) != "message:string user:string" || tw.Attrs["mapping_types"] != "tweet" || tw.Attrs["aliases"] != "tweets" {
		t.Errorf("twitter = %+v", tw)
	}
	logs := findContainer(res, "index-pattern", "logs-*")
	if logs == nil || logs.Members != 2 || *logs.Docs != 3 || fieldList(logs.Fields) != "host:string" {
		t.Errorf("logs-* = %+v", logs)
	}
	if res.Skipped["system-indices"] != 1 {
		t.Errorf("skipped %v, want one system index", res.Skipped)
	}
	assertAllowlisted(t, rec)
}

func TestElasticsearch8AuthRequired(t *testing.T) {
	f := &fakeCluster{routes: map[string]func(http.ResponseWriter, *http.Request){
		"/": body(401, jsonCT, string(readFixture(t, "root/es-8-401.json")),
			"WWW-Authenticate", `Basic realm="security" charset="UTF-8"`,
			"WWW-Authenticate", `Bearer realm="security"`,
			"WWW-Authenticate", "ApiKey"),
	}}
	res, _, err := runProbe(t, serve(t, f, false), scanner.Limits{}, 2*time.Second)
	if err != nil || res.Status != scanner.StatusAuthRequired || res.Auth != "Basic, Bearer, ApiKey" || res.Product != ProductElasticsearch {
		t.Fatalf("status %s auth %q product %q err %v", res.Status, res.Auth, res.Product, err)
	}
	if len(f.seen) != 1 {
		t.Errorf("requests after the 401: %q", f.seen)
	}
}

func TestPartiallyOpen(t *testing.T) {
	f := &fakeCluster{routes: map[string]func(http.ResponseWriter, *http.Request){
		"/":             body(200, jsonCT, string(readFixture(t, "root/es-7.2.0.json"))),
		"/_cat/indices": body(403, jsonCT, `{"error":{"type":"security_exception","reason":"action [indices:monitor/settings/get] is unauthorized for user [_anonymous]"},"status":403}`),
	}}
	res, _, err := runProbe(t, serve(t, f, false), scanner.Limits{}, 2*time.Second)
	if err != nil || res.Status != scanner.StatusPartial || res.Facts["cluster_uuid"] != "W_Ky1DL3QL2vgu3sdafyag" || len(res.Containers) != 0 {
		t.Fatalf("status %s facts %v err %v", res.Status, res.Facts, err)
	}
}

// TestTLSPort: an HTTPS-only port gets one plain attempt, then HTTPS, and
// its certificate facts are recorded.
func TestTLSPort(t *testing.T) {
	f := &fakeCluster{routes: map[string]func(http.ResponseWriter, *http.Request){
		"/":             body(200, jsonCT, string(readFixture(t, "root/es-8.12.2.json")), "X-Elastic-Product", "Elasticsearch"),
		"/_cat/indices": body(200, jsonCT, `[]`),
		"/_cat/aliases": body(200, jsonCT, `[]`),
		"/_data_stream": body(200, jsonCT, `{"data_streams":[]}`),
	}}
	res, rec, err := runProbe(t, serve(t, f, true), scanner.Limits{}, 2*time.Second)
	if err != nil || res.Status != scanner.StatusOpen || res.TLS == nil || res.Product != ProductElasticsearch {
		t.Fatalf("status %s TLS %v err %v notes %q", res.Status, res.TLS, err, res.Notes)
	}
	if res.TLS.Version != "TLS 1.3" || res.TLS.Subject == "" || res.TLS.NotAfter.IsZero() {
		t.Errorf("TLS facts %+v", res.TLS)
	}
	if rec.connections() != 2 || len(f.seen) != 4 {
		t.Errorf("%d connections, requests %q", rec.connections(), f.seen)
	}
}

// TestAnonymousForbidden: an anonymous user without cluster:monitor/main
// gets 403 on GET /; that is auth-required, and nothing else is sent.
func TestAnonymousForbidden(t *testing.T) {
	f := &fakeCluster{routes: map[string]func(http.ResponseWriter, *http.Request){
		"/": body(403, jsonCT, `{"error":{"root_cause":[{"type":"security_exception","reason":"action [cluster:monitor/main] is unauthorized for user [_anonymous]"}],"type":"security_exception","reason":"action [cluster:monitor/main] is unauthorized for user [_anonymous]"},"status":403}`),
	}}
	res, _, err := runProbe(t, serve(t, f, false), scanner.Limits{}, 2*time.Second)
	if err != nil || res.Status != scanner.StatusAuthRequired || res.Product != ProductElasticsearch || len(f.seen) != 1 {
		t.Fatalf("status %s product %q err %v requests %q", res.Status, res.Product, err, f.seen)
	}
}

// TestUnsafeIndexNames: names that could leave their path segment are
// listed but never put in a request.
func TestUnsafeIndexNames(t *testing.T) {
	f := &fakeCluster{routes: map[string]func(http.ResponseWriter, *http.Request){
		"/": body(200, jsonCT, string(readFixture(t, "root/es-6.5.4.json"))),
		"/_cat/indices": body(200, jsonCT, `[{"index":"_search?q=x","status":"open","docs.count":"1"},
			{"index":"a/../_search","status":"open","docs.count":"2"},{"index":"ok","status":"open","docs.count":"3"}]`),
		"/_cat/aliases": body(200, jsonCT, `[]`),
		"/ok/_mapping":  body(200, jsonCT, `{"ok":{"mappings":{"_doc":{"properties":{"f":{"type":"keyword"}}}}}}`),
	}}
	res, rec, err := runProbe(t, serve(t, f, false), scanner.Limits{}, 2*time.Second)
	if err != nil || res.Status != scanner.StatusOpen || len(res.Containers) != 3 {
		t.Fatalf("status %s containers %s err %v", res.Status, containerNames(res), err)
	}
	if c := findContainer(res, "index", "ok"); c == nil || fieldList(c.Fields) != "f:keyword" {
		t.Errorf("ok = %+v", c)
	}
	if got := strings.Count(strings.Join(res.Notes, "\n"), "no mapping read"); got != 2 {
		t.Errorf("notes %q, want two unsafe names noted", res.Notes)
	}
	for _, l := range assertAllowlisted(t, rec) {
		if strings.Contains(l, "_search") {
			t.Errorf("sent %s", l)
		}
	}
}
