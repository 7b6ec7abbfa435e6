package elasticsearch

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/spillcheck/spillcheck/scanner"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestParseBannerDocumented parses GET / as each version documents it.
func TestParseBannerDocumented(t *testing.T) {
	tests := []struct {
		file, header                      string
		product, version, cluster, flavor string
		caps                              capabilities
	}{
		{"es-1.7.3", "", ProductElasticsearch, "1.7.3", "elasticsearch", "", capabilities{}},
		{"es-2.0.0-beta2", "", ProductElasticsearch, "2.0.0-beta2", "elasticsearch", "", capabilities{}},
		{"es-5.6.3", "", ProductElasticsearch, "5.6.3", "elasticsearch", "", capabilities{catJSON: true}},
		{"es-6.5.4", "", ProductElasticsearch, "6.5.4", "Demo-elasticsearch", "default", capabilities{catJSON: true}},
		{"es-7.2.0", "", ProductElasticsearch, "7.2.0", "elasticsearch", "default", capabilities{catJSON: true}},
		{"es-8.12.2", "Elasticsearch", ProductElasticsearch, "8.12.2", "elasticsearch", "default", capabilities{true, true, true}},
		{"os-1.0.0", "", ProductOpenSearch, "1.0.0", "docker-cluster", "", capabilities{true, true, true}},
		{"os-2.9.0", "", ProductOpenSearch, "2.9.0", "docker-cluster", "", capabilities{true, true, true}},
		{"os-3.5.0", "", ProductOpenSearch, "3.5.0", "docker-cluster", "", capabilities{true, true, true}},
		// Reports 7.10.2 for old clients: still OpenSearch, never 7.x Elasticsearch.
		{"os-compat-7.10.2", "", ProductOpenSearch, "7.10.2", "docker-cluster", "", capabilities{true, true, true}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			h := http.Header{"Content-Type": {"application/json; charset=UTF-8"}}
			if tc.header != "" {
				h.Set("X-Elastic-Product", tc.header)
			}
			b, product, err := parseBanner(h, readFixture(t, "root/"+tc.file+".json"))
			if err != nil {
				t.Fatal(err)
			}
			if product != tc.product || b.Version.Number != tc.version || b.ClusterName != tc.cluster || b.Version.BuildFlavor != tc.flavor {
				t.Errorf("got %s %s cluster %q flavor %q, want %s %s %q %q", product, b.Version.Number, b.ClusterName, b.Version.BuildFlavor, tc.product, tc.version, tc.cluster, tc.flavor)
			}
			if got := capabilitiesOf(product, b); got != tc.caps {
				t.Errorf("capabilities %+v, want %+v", got, tc.caps)
			}
			if f := b.facts(); f["cluster_name"] != tc.cluster || (tc.product == ProductOpenSearch && f["distribution"] != "opensearch") {
				t.Errorf("facts %v", f)
			}
		})
	}
}

// TestParseBannerNotACluster covers other things that answer HTTP on 9200.
func TestParseBannerNotACluster(t *testing.T) {
	tests := map[string]string{
		"html":          `<!DOCTYPE html><html><body>It works!</body></html>`,
		"empty":         ``,
		"other json":    `{"status":"ok","uptime":12}`,
		"version only":  `{"version":"1.2.3"}`,
		"no number":     `{"cluster_name":"x","version":{"lucene_version":"9"}}`,
		"json array":    `[1,2,3]`,
		"broken json":   `{"cluster_name":`,
		"number no ctx": `{"version":{"number":"7.10.2"}}`,
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			_, _, err := parseBanner(http.Header{"Content-Type": {"text/html"}}, []byte(body))
			if !errors.Is(err, scanner.ErrProtocol) {
				t.Fatalf("err = %v, want a protocol error", err)
			}
		})
	}
}

// TestParseBannerCompatible: a banner with neither product's marks.
func TestParseBannerCompatible(t *testing.T) {
	_, product, err := parseBanner(http.Header{}, []byte(`{"name":"n","cluster_name":"c","version":{"number":"7.10.2","lucene_version":"8.7.0"}}`))
	if err != nil || product != ProductCompatible {
		t.Fatalf("product %q err %v, want %s", product, err, ProductCompatible)
	}
}

func TestAuthChallenge(t *testing.T) {
	tests := []struct {
		name                    string
		header                  http.Header
		body                    string
		schemes, realm, product string
	}{
		{
			name:    "elasticsearch 8",
			header:  http.Header{"Www-Authenticate": {`Basic realm="security" charset="UTF-8"`, `Bearer realm="security"`, `ApiKey`}},
			body:    string(readFixture(t, "root/es-8-401.json")),
			schemes: "Basic, Bearer, ApiKey", realm: "security", product: ProductElasticsearch,
		},
		{
			name:    "opensearch security plugin",
			header:  http.Header{"Www-Authenticate": {`Basic realm="OpenSearch Security"`}},
			body:    "Unauthorized",
			schemes: "Basic", realm: "OpenSearch Security", product: ProductOpenSearch,
		},
		{
			name:    "proxy realm naming the product",
			header:  http.Header{"Www-Authenticate": {`Basic realm="OpenSearch"`}},
			body:    "<html>401</html>",
			schemes: "Basic", realm: "OpenSearch",
		},
		{name: "no challenge", header: http.Header{}, body: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, r, p := authChallenge(tc.header, []byte(tc.body))
			if s != tc.schemes || r != tc.realm || p != tc.product {
				t.Errorf("got %q %q %q, want %q %q %q", s, r, p, tc.schemes, tc.realm, tc.product)
			}
		})
	}
}

func FuzzParseBanner(f *testing.F) {
	for _, name := range []string{"es-1.7.3", "es-8.12.2", "os-2.9.0", "es-8-401"} {
		f.Add(readFixture(f, "root/"+name+".json"))
	}
	f.Add([]byte(`{"version":{"number":1}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		b, product, err := parseBanner(http.Header{}, body)
		if err == nil && (b.Version.Number == "" || product == "") {
			t.Fatalf("accepted a banner without version or product: %q", body)
		}
		authChallenge(http.Header{"Www-Authenticate": {string(body)}}, body)
	})
}
