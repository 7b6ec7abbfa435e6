package elasticsearch

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
)

// benchIndices is how many distinct, ungrouped indices the open-cluster
// benchmark lists: 50 units, 50 representatives, four mapping requests.
const benchIndices = 50

func seedBench(b *testing.B) scanner.Target {
	b.Helper()
	u := requireURL(b, searchNodes[0].env+"_URL", "http://127.0.0.1:9200")
	s := seeder{t: b, base: u, hc: &http.Client{Timeout: 2 * time.Minute}}
	s.call("DELETE", "/bench-*?ignore_unavailable=true", nil, 404)
	b.Cleanup(func() { s.call("DELETE", "/bench-*?ignore_unavailable=true", nil, 404) })
	for i := 0; i < benchIndices; i++ {
		name := fmt.Sprintf("bench-%c%c", 'a'+i/26, 'a'+i%26)
		s.call("PUT", "/"+name, map[string]any{"settings": map[string]any{"number_of_shards": 1, "number_of_replicas": 0}})
		s.bulk(name, message(1, i))
	}
	return targetOf(b, u)
}

// benchProbe probes target b.N times and reports bytes and connections per
// probe next to ns/op and allocs/op.
func benchProbe(b *testing.B, target scanner.Target, want scanner.Status) {
	rec := &recorder{}
	d, err := scanner.NewDialer(scanner.DialerConfig{Timeout: 5 * time.Second, WrapConn: rec.wrap})
	if err != nil {
		b.Fatal(err)
	}
	p := New()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		res, err := p.Probe(ctx, target, d.Env(ctx, target, scanner.Limits{}))
		cancel()
		if err != nil || res.Status != want {
			b.Fatalf("status %s err %v", res.Status, err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(len(rec.received()))/float64(b.N), "rx-bytes/op")
	b.ReportMetric(float64(len(rec.sent()))/float64(b.N), "tx-bytes/op")
	b.ReportMetric(float64(rec.connections())/float64(b.N), "conns/op")
}

func BenchmarkProbeOpen50Indices(b *testing.B) {
	target := seedBench(b)
	benchProbe(b, target, scanner.StatusOpen)
}

func BenchmarkProbeAuthRequiredNginx(b *testing.B) {
	target := searchNodes[0].url(b, "_NGINX_URL", "https", 43)
	benchProbe(b, target, scanner.StatusAuthRequired)
}

// BenchmarkProbeFake50Indices is the probe's own cost (client CPU and
// allocations) for an open cluster with 50 ungrouped indices, against
// canned answers on loopback, without the server's time.
func BenchmarkProbeFake50Indices(b *testing.B) {
	var rows, mapping []string
	for i := 0; i < benchIndices; i++ {
		name := fmt.Sprintf("bench-%c%c", 'a'+i/26, 'a'+i%26)
		rows = append(rows, fmt.Sprintf(`{"index":%q,"status":"open","health":"green","docs.count":"%d","store.size":"%d"}`, name, 100+i, 10000+i))
		mapping = append(mapping, fmt.Sprintf(`%q:{"mappings":{"properties":{"sender":{"properties":{"phone":{"type":"keyword"}}},"body":{"type":"text","fields":{"keyword":{"type":"keyword"}}},"sent_at":{"type":"date"},"location":{"type":"geo_point"}}}}`, name))
	}
	cat := "[" + strings.Join(rows, ",") + "]"
	root := string(readFixture(b, "root/os-2.9.0.json"))
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", jsonCT)
		switch {
		case r.URL.Path == "/":
			w.Write([]byte(root))
		case r.URL.Path == "/_cat/indices":
			w.Write([]byte(cat))
		case r.URL.Path == "/_cat/aliases":
			w.Write([]byte("[]"))
		case r.URL.Path == "/_data_stream":
			w.Write([]byte(`{"data_streams":[]}`))
		case strings.HasSuffix(r.URL.Path, "/_mapping"):
			var parts []string
			for n := range strings.SplitSeq(strings.TrimSuffix(r.URL.Path[1:], "/_mapping"), ",") {
				for _, m := range mapping {
					if strings.HasPrefix(m, strconv.Quote(n)) {
						parts = append(parts, m)
					}
				}
			}
			w.Write([]byte("{" + strings.Join(parts, ",") + "}"))
		default:
			http.NotFound(w, r)
		}
	})
	srv := httptest.NewServer(h)
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	benchProbe(b, targetOf(b, u), scanner.StatusOpen)
}
