package elasticsearch

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/spillcheck/spillcheck/scanner"
)

// Products the probe tells apart.
const (
	ProductElasticsearch = "elasticsearch"
	ProductOpenSearch    = "opensearch"
	// ProductCompatible is a server that answers GET / like a search cluster
	// but shows neither product's marks.
	ProductCompatible = "elasticsearch-compatible"
)

// banner is the body of GET / in every version from Elasticsearch 1.x to
// 8.x and OpenSearch 1.x to 3.x. Only the fields the probe reports are read.
type banner struct {
	Name        string `json:"name"`
	ClusterName string `json:"cluster_name"`
	ClusterUUID string `json:"cluster_uuid"`
	Version     struct {
		Number        string `json:"number"`
		Distribution  string `json:"distribution"`
		BuildFlavor   string `json:"build_flavor"`
		LuceneVersion string `json:"lucene_version"`
	} `json:"version"`
	Tagline string `json:"tagline"`
}

// parseBanner reads a 200 answer to GET /. It fails with a protocol error
// for anything that is not a search cluster's banner: HTML, other JSON, or
// a body without a version number.
func parseBanner(h http.Header, body []byte) (banner, string, error) {
	var b banner
	ct, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return b, "", scanner.ProtocolError("HTTP server without a cluster banner (content-type %q)", ct)
	}
	if err := json.Unmarshal(trimmed, &b); err != nil {
		return b, "", scanner.ProtocolError("GET / answered JSON that is not a cluster banner: %v", err)
	}
	if b.Version.Number == "" || (b.ClusterName == "" && b.Tagline == "" && b.Version.LuceneVersion == "") {
		return b, "", scanner.ProtocolError("GET / answered JSON without a cluster name or version")
	}
	return b, productOf(h, b), nil
}

// productOf decides the product from its own marks, never from the version
// number: OpenSearch may report 7.10.2 for compatibility.
func productOf(h http.Header, b banner) string {
	tag := strings.ToLower(b.Tagline)
	switch {
	case strings.EqualFold(b.Version.Distribution, "opensearch"), strings.Contains(tag, "opensearch"):
		return ProductOpenSearch
	case strings.EqualFold(h.Get("X-Elastic-Product"), "Elasticsearch"),
		b.Version.BuildFlavor != "", strings.Contains(tag, "you know, for search"):
		return ProductElasticsearch
	}
	return ProductCompatible
}

// facts are the cluster facts a result records.
func (b banner) facts() map[string]string {
	f := map[string]string{}
	add := func(k, v string) {
		if v != "" {
			f[k] = scanner.Shorten(v, scanner.MaxFactLen)
		}
	}
	add("cluster_name", b.ClusterName)
	add("cluster_uuid", b.ClusterUUID)
	add("node_name", b.Name)
	add("build_flavor", b.Version.BuildFlavor)
	add("distribution", b.Version.Distribution)
	add("lucene_version", b.Version.LuceneVersion)
	return f
}

// major is the major version number, 0 when it does not parse.
func (b banner) major() int {
	n, _, _ := strings.Cut(b.Version.Number, ".")
	v, _ := strconv.Atoi(n)
	return v
}

// minor is the minor version number, 0 when it does not parse.
func (b banner) minor() int {
	_, rest, _ := strings.Cut(b.Version.Number, ".")
	n, _, _ := strings.Cut(rest, ".")
	v, _ := strconv.Atoi(n)
	return v
}

// capabilities says which endpoints the version has.
type capabilities struct {
	catJSON     bool // _cat/... ?format=json (5.0+)
	expandAll   bool // _cat/indices ?expand_wildcards (7.7+, OpenSearch)
	dataStreams bool // GET /_data_stream (7.9+, OpenSearch)
}

func capabilitiesOf(product string, b banner) capabilities {
	if product == ProductOpenSearch {
		return capabilities{catJSON: true, expandAll: true, dataStreams: true}
	}
	maj, min := b.major(), b.minor()
	return capabilities{
		catJSON:     maj >= 5 || maj == 0,
		expandAll:   maj > 7 || (maj == 7 && min >= 7),
		dataStreams: maj > 7 || (maj == 7 && min >= 9),
	}
}

// authChallenge reads a 401: the WWW-Authenticate schemes ("Basic, ApiKey"),
// the first realm, and the product when the answer shows one.
func authChallenge(h http.Header, body []byte) (schemes, realm, product string) {
	var names []string
	for _, v := range h.Values("WWW-Authenticate") {
		scheme, params, _ := strings.Cut(strings.TrimSpace(v), " ")
		if scheme != "" && !contains(names, scheme) {
			names = append(names, scheme)
		}
		if realm == "" {
			realm = realmOf(params)
		}
	}
	// Only the realms the products' own security layers send count; a realm
	// that an operator typed into a proxy is no evidence.
	switch lowRealm := strings.ToLower(realm); {
	case lowRealm == "opensearch security":
		product = ProductOpenSearch
	case strings.EqualFold(h.Get("X-Elastic-Product"), "Elasticsearch"),
		lowRealm == "open distro security",
		lowRealm == "security" && bytes.Contains(body, []byte(`"security_exception"`)):
		product = ProductElasticsearch
	}
	return strings.Join(names, ", "), realm, product
}

// realmOf returns the realm="..." parameter of a challenge.
func realmOf(params string) string {
	i := strings.Index(strings.ToLower(params), `realm="`)
	if i < 0 {
		return ""
	}
	rest := params[i+len(`realm="`):]
	end := strings.IndexByte(rest, '"')
	if end < 0 {
		return ""
	}
	return rest[:end]
}
