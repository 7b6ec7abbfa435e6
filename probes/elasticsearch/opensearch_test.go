package elasticsearch

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
)

const (
	openSearchEnv     = "SPILLCHECK_OPENSEARCH_URL"
	openSearchDefault = "http://127.0.0.1:9200"
)

var seedOnce sync.Once

// seededOpenSearch returns the test cluster's target, seeded once per run.
func seededOpenSearch(t testing.TB) scanner.Target {
	t.Helper()
	u := requireURL(t, openSearchEnv, openSearchDefault)
	seedOnce.Do(func() { seedCluster(t, u) })
	return targetOf(t, u)
}

func TestOpenSearchOpenCluster(t *testing.T) {
	target := seededOpenSearch(t)
	res, rec, err := runProbe(t, target, scanner.Limits{}, 10*time.Second)
	if err != nil {
		t.Fatalf("probe: %v (notes %q)", err, res.Notes)
	}
	if res.Status != scanner.StatusOpen || res.Product != ProductOpenSearch || res.Version != "2.19.6" {
		t.Fatalf("status/product/version = %s/%s/%s, want open/opensearch/2.19.6", res.Status, res.Product, res.Version)
	}
	for k, want := range map[string]string{"cluster_name": "spillcheck-test", "node_name": "spillcheck-node-1", "distribution": "opensearch", "lucene_version": "9.12.3"} {
		if res.Facts[k] != want {
			t.Errorf("fact %s = %q, want %q", k, res.Facts[k], want)
		}
	}
	if res.Facts["cluster_uuid"] == "" || res.TLS != nil {
		t.Errorf("cluster_uuid %q, TLS %v: want a uuid and plain HTTP", res.Facts["cluster_uuid"], res.TLS)
	}
	// Every request goes over the one connection dialled first, kept alive.
	if n := rec.connections(); n != 1 {
		t.Errorf("%d connections for %d requests, want 1", n, len(rec.requests(t)))
	}

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
	wantFields := map[string]string{
		"sender.phone": "text|fields: keyword", "sender.name": "text|fields: keyword", "recipient.phone": "text|fields: keyword",
		"body": "text|fields: keyword", "sent_at": "date|", "location": "geo_point|", "device.model": "text|fields: keyword",
		"device.os": "text|fields: keyword", "device.app_version": "text|fields: keyword",
	}
	assertFields(t, msgs, wantFields)

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

	logs := findContainer(res, "data-stream", "logs-chat-prod")
	if logs == nil || logs.Members != 1 || logs.Docs == nil || *logs.Docs != 2 || logs.Attrs["template"] != "logs-chat" {
		t.Fatalf("logs-chat-prod = %+v", logs)
	}
	assertFields(t, logs, map[string]string{"@timestamp": "date|", "log.level": "text|fields: keyword", "message": "text|fields: keyword", "user.email": "text|fields: keyword", "client.ip": "text|fields: keyword"})

	alias := findContainer(res, "alias", "messages-current")
	if alias == nil || alias.Members != 1 || alias.Attrs["indices"] != "messages-2024.03.05" || *alias.Docs != seedDocsPerDay {
		t.Errorf("alias messages-current = %+v", alias)
	}
	if res.Skipped["hidden-indices"] < 1 || res.Skipped["system-indices"] < 1 {
		t.Errorf("skipped = %v, want hidden and system indices counted", res.Skipped)
	}
	for _, c := range res.Containers {
		if strings.HasPrefix(c.Name, ".") || c.Name == "audit-hidden" {
			t.Errorf("system or hidden index listed: %s", c.Name)
		}
	}

	out, _ := json.Marshal(res)
	if bytes.Contains(out, []byte(canary)) {
		t.Errorf("canary value in the result: %s", out)
	}
	if bytes.Contains(rec.received(), []byte(canary)) {
		t.Error("canary value in the bytes received from the server")
	}
	lines := assertAllowlisted(t, rec)
	if rec.connections() != 1 {
		t.Errorf("%d connections, want one keep-alive connection", rec.connections())
	}
	want := []string{
		"GET /",
		"GET /_cat/indices?bytes=b&expand_wildcards=all&format=json&h=index%2Cstatus%2Chealth%2Cdocs.count%2Cstore.size",
		"GET /_cat/indices?bytes=b&expand_wildcards=open%2Cclosed&format=json&h=index",
		"GET /_data_stream",
		"GET /<4 representatives>/_mapping?ignore_unavailable=true",
		"GET /_cat/aliases?format=json&h=alias%2Cindex",
	}
	if len(lines) == len(want) {
		if n := strings.Count(lines[4], ","); n == 3 && strings.HasSuffix(lines[4], "/_mapping?ignore_unavailable=true") {
			lines[4] = want[4]
		}
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
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

func TestOpenSearchMaxIndices(t *testing.T) {
	target := seededOpenSearch(t)
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
	if res.Skipped["over-max-fields"] == 0 {
		t.Errorf("over-max-fields not counted: %v", res.Skipped)
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
}

// TestOpenSearchIncludeSystem lists hidden and system indices when asked.
func TestOpenSearchIncludeSystem(t *testing.T) {
	target := seededOpenSearch(t)
	res, rec, err := runProbe(t, target, scanner.Limits{IncludeSystem: true}, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	hidden := findContainer(res, "index", "audit-hidden")
	system := findContainer(res, "index", ".spillcheck-settings")
	if hidden == nil || system == nil {
		t.Fatalf("hidden or system index missing among %s", containerNames(res))
	}
	if findField(hidden, "actor") == nil || findField(system, "setting") == nil {
		t.Errorf("fields of hidden/system indices not read: %v / %v", hidden.Fields, system.Fields)
	}
	if len(res.Skipped) != 0 {
		t.Errorf("skipped %v with IncludeSystem", res.Skipped)
	}
	if bytes.Contains(rec.received(), []byte(canary)) {
		t.Error("canary value in the bytes received from the server")
	}
	assertAllowlisted(t, rec)
}
