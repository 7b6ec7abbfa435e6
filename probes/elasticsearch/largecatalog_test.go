package elasticsearch

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
)

// logCatalog is a _cat/indices answer of n daily log indices of 250
// services, every requested column filled, with extra rows spliced in at
// its middle.
func logCatalog(n int, extra ...string) []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		if i == n/2 {
			for _, e := range extra {
				b.WriteString(e)
				b.WriteByte(',')
			}
		}
		svc := i % 250
		fmt.Fprintf(&b, `{"index":"logs-app-%c%c-%s","status":"open","health":"green","docs.count":"%d","store.size":"%d"}`,
			'a'+svc/26, 'a'+svc%26, day.AddDate(0, 0, i/250).Format("2006.01.02"), 1000+i%9000, 100000+(i*7919)%900000)
	}
	b.WriteByte(']')
	return b.Bytes()
}

// catalogCluster serves a banner, the given index list and small mappings:
// logs for every index, messaging fields for msg-*.
func catalogCluster(t *testing.T, listing func(w http.ResponseWriter, r *http.Request)) *fakeCluster {
	t.Helper()
	return &fakeCluster{routes: map[string]func(http.ResponseWriter, *http.Request){
		"/":             body(200, jsonCT, string(readFixture(t, "root/es-8.12.2.json")), "X-Elastic-Product", "Elasticsearch"),
		"/_data_stream": body(200, jsonCT, `{"data_streams":[]}`),
		"/_cat/aliases": body(200, jsonCT, `[]`),
		"/_cat/indices": listing,
	}, prefix: func(w http.ResponseWriter, r *http.Request) bool {
		names, ok := strings.CutSuffix(r.URL.Path, "/_mapping")
		if !ok {
			return false
		}
		var parts []string
		for _, n := range strings.Split(names[1:], ",") {
			m := `{"properties":{"@timestamp":{"type":"date"},"message":{"type":"text"},"host":{"properties":{"name":{"type":"keyword"}}}}}`
			if strings.HasPrefix(n, "msg-") {
				m = `{"properties":{"sender":{"properties":{"phone":{"type":"keyword"}}},"recipient":{"properties":{"phone":{"type":"keyword"}}},"body":{"type":"text"},"sent_at":{"type":"date"},"conversation_id":{"type":"keyword"}}}`
			}
			parts = append(parts, strconv.Quote(n)+`:{"mappings":`+m+`}`)
		}
		w.Header().Set("Content-Type", jsonCT)
		w.Write([]byte("{" + strings.Join(parts, ",") + "}"))
		return true
	}}
}

// TestLargeCatalogFindsTheNeedle: 100,000 log indices (about 11 MB of
// index list, over the 8 MiB response cap) with one msg-archive-2023 among
// them, at the default limits: the list is read whole, the needle is
// sampled and scores high, and the result says what was seen and sampled.
func TestLargeCatalogFindsTheNeedle(t *testing.T) {
	const n = 100000
	listing := logCatalog(n, `{"index":"msg-archive-2023","status":"open","health":"green","docs.count":"120","store.size":"40960"}`)
	if len(listing) <= int(scanner.DefaultLimits().MaxResponseBytes) {
		t.Fatalf("the listing is %d bytes, not over the response cap", len(listing))
	}
	f := catalogCluster(t, body(200, jsonCT, string(listing)))
	res, rec, err := runProbe(t, serve(t, f, false), scanner.Limits{}, 5*time.Second)
	if err != nil || res.Status != scanner.StatusOpen {
		t.Fatalf("status %s err %v notes %q", res.Status, err, res.Notes)
	}
	needle := findContainer(res, "index", "msg-archive-2023")
	if needle == nil || findField(needle, "sender.phone") == nil {
		t.Fatalf("msg-archive-2023 not sampled among %d containers", len(res.Containers))
	}
	e, _ := rules()
	e.ScoreResult(&res)
	if needle = findContainer(res, "index", "msg-archive-2023"); needle.Score == nil || needle.Score.Severity < scanner.SeverityHigh {
		t.Errorf("msg-archive-2023 scored %+v, want high or above", needle.Score)
	}
	if res.Score.Severity < scanner.SeverityHigh || !strings.Contains(res.Score.Reason, "msg-archive-2023") {
		t.Errorf("the target scored %s: %s", res.Score.Severity, res.Score.Reason)
	}
	want := map[string]string{"indices_seen": strconv.Itoa(n + 1), "containers_seen": "251", "containers_sampled": "100"}
	for k, v := range want {
		if res.Facts[k] != v {
			t.Errorf("fact %s = %q, want %q", k, res.Facts[k], v)
		}
	}
	if want := n - 99*n/250; res.Skipped["over-max-indices"] != want || len(res.Skipped) != 1 {
		t.Errorf("skipped %v, want the %d indices of the 151 patterns not sampled", res.Skipped, want)
	}
	if got := len(res.Containers); got != 100 {
		t.Errorf("%d containers, want 100", got)
	}
	var listings int
	for _, l := range assertAllowlisted(t, rec) {
		if strings.HasPrefix(l, "GET /_cat/indices") {
			listings++
		}
	}
	if listings != 1 || rec.connections() != 1 {
		t.Errorf("%d index listings over %d connections, want one over one", listings, rec.connections())
	}
}

// TestLargeCatalogTenants: 20,000 tenants, one index each, no two sharing
// a pattern: more than the grouping table holds. The tenants fold into one
// pattern, the needle keeps its own container, and containers_seen is
// estimated.
func TestLargeCatalogTenants(t *testing.T) {
	const n = 20000
	var b bytes.Buffer
	b.WriteByte('[')
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `{"index":"tenant-%08x-events","status":"open","docs.count":"5","store.size":"500"},`, uint32(i)*2654435761)
	}
	b.WriteString(`{"index":"msg-archive-2023","status":"open","docs.count":"1","store.size":"10"}]`)
	f := catalogCluster(t, body(200, jsonCT, b.String()))
	res, _, err := runProbe(t, serve(t, f, false), scanner.Limits{}, 5*time.Second)
	if err != nil || res.Status != scanner.StatusOpen {
		t.Fatalf("status %s err %v", res.Status, err)
	}
	if c := findContainer(res, "index", "msg-archive-2023"); c == nil || findField(c, "body") == nil {
		t.Errorf("msg-archive-2023 not sampled among %s", containerNames(res))
	}
	fold := findContainer(res, "index-pattern", "tenant-*-events")
	if fold == nil || fold.Members < n/2 || fold.Attrs["folded_patterns"] == "" {
		t.Fatalf("tenants not folded: %s", containerNames(res))
	}
	seen, _ := strconv.Atoi(res.Facts["containers_seen"])
	if seen < n*9/10 || seen > n*11/10 || !strings.Contains(strings.Join(res.Notes, ";"), "estimate") {
		t.Errorf("containers_seen %d, notes %q: want about %d, estimated", seen, res.Notes, n)
	}
}
