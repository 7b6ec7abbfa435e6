package elasticsearch

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
)

// recordedNode replays the documented answers of a version the test beds
// do not run, from testdata/recorded/<name> (sources in its
// recording.source.txt).
func recordedNode(t *testing.T, name string) *fakeCluster {
	t.Helper()
	dir := filepath.Join("testdata", "recorded", name)
	file := func(f string) string {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	var mappings map[string]json.RawMessage
	if err := json.Unmarshal([]byte(file("mapping.json")), &mappings); err != nil {
		t.Fatal(err)
	}
	return &fakeCluster{routes: map[string]func(http.ResponseWriter, *http.Request){
		"/":             body(200, jsonCT, file("root.json"), "X-Elastic-Product", "Elasticsearch"),
		"/_cat/indices": body(200, jsonCT, file("cat-indices.json"), "X-Elastic-Product", "Elasticsearch"),
		"/_cat/aliases": body(200, jsonCT, file("cat-aliases.json"), "X-Elastic-Product", "Elasticsearch"),
		"/_data_stream": body(200, jsonCT, file("data-stream.json"), "X-Elastic-Product", "Elasticsearch"),
	}, prefix: func(w http.ResponseWriter, r *http.Request) bool {
		names, ok := strings.CutSuffix(r.URL.Path, "/_mapping")
		if !ok {
			return false
		}
		out := map[string]json.RawMessage{}
		for _, n := range strings.Split(names[1:], ",") {
			if m, ok := mappings[n]; ok {
				out[n] = m
			}
		}
		b, _ := json.Marshal(out)
		w.Header().Set("Content-Type", jsonCT)
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
		w.Write(b)
		return true
	}}
}

// TestRecordedNodes probes the replayed 8.x and 9.x answers, and checks the
// request list and the allowlist as the real-node tests do.
func TestRecordedNodes(t *testing.T) {
	for _, tc := range []struct{ name, version string }{
		{"elasticsearch-8", "8.12.2"},
		{"elasticsearch-9", "9.1.0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := recordedNode(t, tc.name)
			res, rec, err := runProbe(t, serve(t, f, false), scanner.Limits{}, 2*time.Second)
			if err != nil || res.Status != scanner.StatusOpen || res.Product != ProductElasticsearch || res.Version != tc.version {
				t.Fatalf("status %s product %s version %s err %v notes %q", res.Status, res.Product, res.Version, err, res.Notes)
			}
			idx := findContainer(res, "index-pattern", "my-index-*")
			if idx == nil || idx.Members != 2 || idx.Docs == nil || *idx.Docs != 1200 || idx.Bytes != nil ||
				idx.Attrs["health"] != "yellow" || idx.Attrs["mapping_from"] != "my-index-000002" || idx.Attrs["dynamic"] != "false" {
				t.Fatalf("my-index-* = %+v among %s", idx, containerNames(res))
			}
			assertFields(t, idx, map[string]string{"day_of_week": "keyword|runtime", "manager": "nested|", "user.name": "text|fields: keyword, raw"})
			ds := findContainer(res, "data-stream", "my-data-stream")
			if ds == nil || ds.Members != 2 || ds.Attrs["health"] != "green" || ds.Attrs["template"] != "my-index-template" || ds.Docs != nil {
				t.Fatalf("my-data-stream = %+v", ds)
			}
			assertFields(t, ds, map[string]string{"@timestamp": "date|", "message": "wildcard|", "user.id": "keyword|"})
			if two := findContainer(res, "data-stream", "my-data-stream-two"); two == nil || two.Attrs["health"] != "yellow" || findField(two, "message") == nil {
				t.Errorf("my-data-stream-two = %+v", two)
			}
			if len(res.Containers) != 3 || len(res.Skipped) != 0 || len(res.Notes) != 0 {
				t.Errorf("containers %s skipped %v notes %q", containerNames(res), res.Skipped, res.Notes)
			}
			for k, want := range map[string]string{"indices_seen": "2", "containers_seen": "3", "containers_sampled": "3", "cluster_name": res.Facts["cluster_name"]} {
				if res.Facts[k] != want || want == "" {
					t.Errorf("fact %s = %q, want %q", k, res.Facts[k], want)
				}
			}
			out, _ := json.Marshal(res)
			if bytes.Contains(out, []byte("my-meta-field")) || bytes.Contains(out, []byte("dayOfWeekEnum")) {
				t.Errorf("a value or script from the answers reached the result: %s", out)
			}
			checkRequests(t, searchNode{name: "recorded-" + tc.name}, assertAllowlisted(t, rec))
		})
	}
}
