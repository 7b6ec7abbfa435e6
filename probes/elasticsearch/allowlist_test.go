package elasticsearch

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

func TestAllowlist(t *testing.T) {
	tests := []struct {
		method, url string
		ok          bool
	}{
		{"GET", "/", true},
		{"GET", "/_cat/indices?format=json&bytes=b&h=index,status&expand_wildcards=all", true},
		{"GET", "/_cat/aliases?format=json&h=alias,index", true},
		{"GET", "/_data_stream", true},
		{"GET", "/messages-2024.03.05,shop-orders,.ds-logs-000001/_mapping?ignore_unavailable=true", true},
		{"POST", "/", false},
		{"HEAD", "/", false},
		{"GET", "/_search", false},
		{"GET", "/messages/_search", false},
		{"GET", "/messages/_doc/1", false},
		{"GET", "/messages/_source/1", false},
		{"GET", "/_sql", false},
		{"GET", "/_msearch", false},
		{"GET", "/_search/scroll", false},
		{"GET", "/messages/_count", false},
		{"GET", "/_cat/indices?v=true&s=store.size", false},
		{"GET", "/_cat/count", false},
		{"GET", "/_nodes", false},
		{"GET", "/_mapping", false},
		{"GET", "/_all/_mapping", false},
		{"GET", "/*/_mapping", false},
		{"GET", "/_search/_mapping", false},
		{"GET", "/../_mapping", false},
		{"GET", "/a,,b/_mapping", false},
		{"GET", "/Upper/_mapping", false},
		{"GET", "/a/_mapping?q=x", false},
		{"GET", "/a/b/_mapping", false},
		{"GET", "/a%2F_search/_mapping", false},
		{"GET", "/?filter_path=x", false},
	}
	for _, tc := range tests {
		req, err := http.NewRequest(tc.method, "http://127.0.0.1:9200"+tc.url, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := checkRequest(req); (err == nil) != tc.ok {
			t.Errorf("%s %s: err = %v, want allowed %v", tc.method, tc.url, err, tc.ok)
		}
	}
}

func TestCheckRequestRefusesBodiesAndCredentials(t *testing.T) {
	req, _ := http.NewRequest("GET", "http://h/", strings.NewReader("{}"))
	if checkRequest(req) == nil {
		t.Error("a request with a body was allowed")
	}
	req, _ = http.NewRequest("GET", "http://h/", nil)
	req.SetBasicAuth("elastic", "changeme")
	if checkRequest(req) == nil {
		t.Error("a request with credentials was allowed")
	}
}

func TestValidIndexName(t *testing.T) {
	long := strings.Repeat("a", 255)
	for name, want := range map[string]bool{
		"messages-2024.03.05": true, ".kibana_1": true, "a": true, "9+x": true, long: true,
		"": false, "_all": false, "-x": false, "+x": false, "Messages": false, "a/b": false, "a b": false,
		".": false, "..": false, long + "a": false, "a,b": false, "a*": false, "a\x00": false, "é": false,
	} {
		if got := validIndexName(name); got != want {
			t.Errorf("validIndexName(%q) = %v, want %v", name, got, want)
		}
	}
}

// FuzzValidIndexName checks the hand-written check against the rule as a
// regular expression.
func FuzzValidIndexName(f *testing.F) {
	rule := regexp.MustCompile(`^[a-z0-9.][a-z0-9._+-]{0,254}$`)
	for _, s := range []string{"messages-1", "_x", ".", "..", "a+b", strings.Repeat("b", 256)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		want := rule.MatchString(name) && name != "." && name != ".."
		if got := validIndexName(name); got != want {
			t.Errorf("validIndexName(%q) = %v, the rule says %v", name, got, want)
		}
	})
}
