package elasticsearch

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
)

// searchNode is one real cluster that scripts/setup-opensearch.sh starts,
// with the facts the probe must report about it. Every integration test
// runs against each (eachNode).
type searchNode struct {
	name        string // subtest name; testdata/requests/<name>.txt
	env         string // prefix of its SPILLCHECK_* variables
	port        int    // HTTP port; its nginx fronts are port+43, +44, +45
	product     string
	version     string
	cluster     string
	nodeName    string
	lucene      string
	dataStreams bool   // has data streams (Elasticsearch 7.17 without x-pack has not)
	realm       string // of its nginx front's basic auth
	nginxDir    string // the directory of its nginx under /tmp/spillcheck-opensearch
}

var searchNodes = []searchNode{
	{name: "opensearch-2.19", env: "SPILLCHECK_OPENSEARCH", port: 9200, product: ProductOpenSearch, version: "2.19.6",
		cluster: "spillcheck-test", nodeName: "spillcheck-node-1", lucene: "9.12.3", dataStreams: true, realm: "OpenSearch", nginxDir: "nginx"},
	{name: "elasticsearch-7.17", env: "SPILLCHECK_ELASTICSEARCH7", port: 9210, product: ProductElasticsearch, version: "7.17.28",
		cluster: "spillcheck-es7", nodeName: "spillcheck-es7-node", lucene: "8.11.3", realm: "Elasticsearch", nginxDir: "nginx-elasticsearch7"},
	{name: "opensearch-3", env: "SPILLCHECK_OPENSEARCH3", port: 9220, product: ProductOpenSearch, version: "3.9.0",
		cluster: "spillcheck-os3", nodeName: "spillcheck-os3-node", lucene: "10.5.1", dataStreams: true, realm: "OpenSearch", nginxDir: "nginx-opensearch3"},
}

// url returns the node's URL from its variable (suffix "_URL",
// "_NGINX_URL", ...) or the default at port+offset.
func (n searchNode) url(t testing.TB, suffix, scheme string, offset int) scanner.Target {
	t.Helper()
	def := scheme + "://127.0.0.1:" + itoa(n.port+offset)
	return targetOf(t, requireURL(t, n.env+suffix, def))
}

var seeded sync.Map // node name to *sync.Once

// seeded returns the node's target, seeded once per run.
func (n searchNode) seeded(t testing.TB) scanner.Target {
	t.Helper()
	u := requireURL(t, n.env+"_URL", "http://127.0.0.1:"+itoa(n.port))
	once, _ := seeded.LoadOrStore(n.name, &sync.Once{})
	once.(*sync.Once).Do(func() { seedCluster(t, u, n.dataStreams) })
	return targetOf(t, u)
}

// eachNode runs f against every real node, side by side.
func eachNode(t *testing.T, f func(t *testing.T, n searchNode)) {
	for _, n := range searchNodes {
		t.Run(n.name, func(t *testing.T) {
			t.Parallel()
			f(t, n)
		})
	}
}

var updateRequests = flag.Bool("update-requests", false, "rewrite testdata/requests/*.txt from the real nodes")

// checkRequests compares the requests sent with the recorded list in
// testdata/requests/<node>.txt, the list the report quotes.
func checkRequests(t *testing.T, n searchNode, lines []string) {
	t.Helper()
	path := filepath.Join("testdata", "requests", n.name+".txt")
	got := strings.Join(lines, "\n") + "\n"
	if *updateRequests {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the recorded request list: %v (run with -update-requests)", err)
	}
	if got != string(want) {
		t.Errorf("requests to %s\n%s\nwant (%s)\n%s", n.name, got, path, want)
	}
}

func TestRealNodeOpenCluster(t *testing.T) {
	eachNode(t, func(t *testing.T, n searchNode) {
		target := n.seeded(t)
		res, rec, err := runProbe(t, target, scanner.Limits{}, 10*time.Second)
		if err != nil {
			t.Fatalf("probe: %v (notes %q)", err, res.Notes)
		}
		if res.Status != scanner.StatusOpen || res.Product != n.product || res.Version != n.version {
			t.Fatalf("status/product/version = %s/%s/%s, want open/%s/%s", res.Status, res.Product, res.Version, n.product, n.version)
		}
		for k, want := range map[string]string{"cluster_name": n.cluster, "node_name": n.nodeName, "lucene_version": n.lucene,
			"indices_seen": "10", "containers_seen": "5", "containers_sampled": "5"} {
			if res.Facts[k] != want {
				t.Errorf("fact %s = %q, want %q", k, res.Facts[k], want)
			}
		}
		if res.Facts["cluster_uuid"] == "" || res.TLS != nil || len(res.Notes) != 0 {
			t.Errorf("cluster_uuid %q, TLS %v, notes %q: want a uuid, plain HTTP, no notes", res.Facts["cluster_uuid"], res.TLS, res.Notes)
		}
		checkSeededInventory(t, n, res)
		out, _ := json.Marshal(res)
		if bytes.Contains(out, []byte(canary)) {
			t.Errorf("canary value in the result: %s", out)
		}
		if bytes.Contains(rec.received(), []byte(canary)) {
			t.Error("canary value in the bytes received from the server")
		}
		lines := assertAllowlisted(t, rec)
		// Every request goes over the one connection dialled first, kept alive.
		if rec.connections() != 1 {
			t.Errorf("%d connections for %d requests, want 1", rec.connections(), len(lines))
		}
		checkRequests(t, n, lines)
	})
}

// checkSeededInventory checks what seedCluster planted, as the probe
// reports it.
func checkSeededInventory(t *testing.T, n searchNode, res scanner.Result) {
	t.Helper()
	msgs := findContainer(res, "index-pattern", "messages-*")
	if msgs == nil {
		t.Fatalf("no messages-* pattern among %s", containerNames(res))
	}
	if msgs.Members != seedMessageDays || msgs.Docs == nil || *msgs.Docs != seedMessageDays*seedDocsPerDay || msgs.Bytes == nil || *msgs.Bytes <= 0 {
		t.Errorf("messages-*: members %d docs %v bytes %v, want %d members, %d docs", msgs.Members, msgs.Docs, msgs.Bytes, seedMessageDays, seedMessageDays*seedDocsPerDay)
	}
	if msgs.Attrs["mapping_from"] != "messages-2024.03.05" || msgs.Attrs["first"] != "messages-2024.03.01" || msgs.Attrs["health"] != "green" || msgs.Attrs["aliases"] != "messages-current" {
		t.Errorf("messages-* attrs = %v", msgs.Attrs)
	}
	assertFields(t, msgs, map[string]string{
		"sender.phone": "text|fields: keyword", "sender.name": "text|fields: keyword", "recipient.phone": "text|fields: keyword",
		"body": "text|fields: keyword", "sent_at": "date|", "location": "geo_point|", "device.model": "text|fields: keyword",
		"device.os": "text|fields: keyword", "device.app_version": "text|fields: keyword",
	})
	calls := findContainer(res, "index", "call-records")
	if calls == nil || calls.Docs == nil || *calls.Docs != 3 || calls.Members != 0 {
		t.Fatalf("call-records = %+v", calls)
	}
	assertFields(t, calls, map[string]string{"caller": "text|fields: keyword", "callee": "text|fields: keyword", "started_at": "date|", "duration_sec": "long|", "cell_id": "text|fields: keyword"})
	shop := findContainer(res, "index", "shop-orders")
	if shop == nil {
		t.Fatalf("no shop-orders among %s", containerNames(res))
	}
	assertFields(t, shop, map[string]string{"customer.email": "text|fields: keyword", "customer.address.city": "text|fields: keyword", "items": "nested|", "items.sku": "text|fields: keyword", "items.qty": "long|", "total": "float|"})
	logsKind := "index"
	if n.dataStreams {
		logsKind = "data-stream"
	}
	logs := findContainer(res, logsKind, "logs-chat-prod")
	if logs == nil || logs.Docs == nil || *logs.Docs != 2 || (n.dataStreams && (logs.Members != 1 || logs.Attrs["template"] != "logs-chat")) {
		t.Fatalf("%s logs-chat-prod = %+v among %s", logsKind, logs, containerNames(res))
	}
	assertFields(t, logs, map[string]string{"@timestamp": "date|", "log.level": "text|fields: keyword", "message": "text|fields: keyword", "user.email": "text|fields: keyword", "client.ip": "text|fields: keyword"})
	alias := findContainer(res, "alias", "messages-current")
	if alias == nil || alias.Members != 1 || alias.Attrs["indices"] != "messages-2024.03.05" || *alias.Docs != seedDocsPerDay {
		t.Errorf("alias messages-current = %+v", alias)
	}
	// A hidden index that is not a system index is listed like any other:
	// one listing cannot tell it apart, and it holds data all the same.
	if hidden := findContainer(res, "index", "audit-hidden"); hidden == nil || findField(hidden, "action") == nil {
		t.Errorf("audit-hidden = %+v", hidden)
	}
	if res.Skipped["system-indices"] != 1 || len(res.Skipped) != 1 {
		t.Errorf("skipped = %v, want the one system index", res.Skipped)
	}
	for _, c := range res.Containers {
		if strings.HasPrefix(c.Name, ".") {
			t.Errorf("system index listed: %s", c.Name)
		}
	}
}

// assertFields checks "type|note" for each path.
func assertFields(t *testing.T, c *scanner.Container, want map[string]string) {
	t.Helper()
	for path, tn := range want {
		f := findField(c, path)
		if f == nil {
			t.Errorf("%s: no field %s", c.Name, path)
			continue
		}
		if got := f.Type + "|" + f.Note; got != tn || f.Source != scanner.SourceMapping {
			t.Errorf("%s: field %s = %q (source %s), want %q", c.Name, path, got, f.Source, tn)
		}
	}
}

func TestRealNodeMaxIndices(t *testing.T) {
	eachNode(t, func(t *testing.T, n searchNode) {
		target := n.seeded(t)
		all, _, err := runProbe(t, target, scanner.Limits{}, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		res, rec, err := runProbe(t, target, scanner.Limits{MaxIndices: 1, MaxFields: 3}, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		var units, indices int
		for _, c := range all.Containers {
			if c.Kind != "alias" {
				units++
				indices += max(c.Members, 1)
			}
		}
		first := res.Containers[0]
		if first.Name != all.Containers[0].Name || len(first.Fields) != 3 {
			t.Errorf("first container %s with %d fields, want %s with 3", first.Name, len(first.Fields), all.Containers[0].Name)
		}
		if got, want := res.Skipped["over-max-indices"], indices-max(first.Members, 1); got != want {
			t.Errorf("over-max-indices = %d, want %d (of %d units)", got, want, units)
		}
		if res.Skipped["over-max-fields"] == 0 || res.Facts["containers_sampled"] != "1" || res.Facts["containers_seen"] != itoa(units) {
			t.Errorf("skipped %v facts %v", res.Skipped, res.Facts)
		}
		mappingRequests := 0
		for _, l := range assertAllowlisted(t, rec) {
			if strings.Contains(l, "/_mapping") {
				mappingRequests++
			}
		}
		if mappingRequests != 1 {
			t.Errorf("%d mapping requests, want 1", mappingRequests)
		}
	})
}

// TestRealNodeIncludeSystem lists system indices when asked.
func TestRealNodeIncludeSystem(t *testing.T) {
	eachNode(t, func(t *testing.T, n searchNode) {
		target := n.seeded(t)
		res, rec, err := runProbe(t, target, scanner.Limits{IncludeSystem: true}, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		system := findContainer(res, "index", ".spillcheck-settings")
		if system == nil || findField(system, "setting") == nil {
			t.Fatalf("system index or its fields missing among %s", containerNames(res))
		}
		if len(res.Skipped) != 0 {
			t.Errorf("skipped %v with IncludeSystem", res.Skipped)
		}
		if bytes.Contains(rec.received(), []byte(canary)) {
			t.Error("canary value in the bytes received from the server")
		}
		assertAllowlisted(t, rec)
	})
}
