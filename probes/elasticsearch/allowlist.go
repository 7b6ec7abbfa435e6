package elasticsearch

import (
	"fmt"
	"net/http"
	"strings"
)

// endpoint is one request the probe may send: a method, a path matcher and
// the query parameters it may carry. Nothing else leaves the probe.
type endpoint struct {
	method string
	path   func(string) bool
	params []string
	reads  string // what the answer holds, for the package doc and errors
	// listing answers are streamed under the target's byte budget rather
	// than capped at Limits.MaxResponseBytes: a catalog may be larger.
	listing bool
}

// allowlist is the only list of requests the probe sends. transport.Perform
// and the redirect check refuse anything that does not match an entry here.
// None of these returns a document, a field value or a stored script.
var allowlist = []endpoint{
	{"GET", exact("/"), nil, "product, version, cluster and node name", false},
	{"GET", exact("/_cat/indices"), []string{"format", "bytes", "h", "expand_wildcards"}, "index names, health, status, doc counts, sizes", true},
	{"GET", exact("/_cat/aliases"), []string{"format", "h"}, "alias names and their indices", true},
	{"GET", exact("/_data_stream"), nil, "data stream names and backing indices", true},
	{"GET", mappingPath, []string{"ignore_unavailable"}, "mapped field names and types", false},
}

// isListing reports whether path is a catalog listing (see endpoint).
func isListing(method, path string) bool {
	for _, e := range allowlist {
		if e.method == method && e.path(path) {
			return e.listing
		}
	}
	return false
}

func exact(p string) func(string) bool {
	return func(s string) bool { return s == p }
}

// validIndexName reports whether name may be put in a request path: 1 to
// 255 lowercase letters, digits and . _ - +, not starting with _ - + (the
// server's own rules), and not "." or "..", so a name can never form another
// endpoint or leave its segment. (A regexp with {0,254} compiled to 240 KB
// at start-up.)
func validIndexName(name string) bool {
	if len(name) == 0 || len(name) > 255 || name == "." || name == ".." {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '.':
		case (c == '_' || c == '-' || c == '+') && i > 0:
		default:
			return false
		}
	}
	return true
}

// mappingPath matches /<index>[,<index>...]/_mapping.
func mappingPath(p string) bool {
	names, ok := strings.CutSuffix(p, "/_mapping")
	if !ok || !strings.HasPrefix(names, "/") {
		return false
	}
	for n := range strings.SplitSeq(names[1:], ",") {
		if !validIndexName(n) {
			return false
		}
	}
	return true
}

// checkRequest refuses a request that is not on the allowlist, has a body,
// or carries credentials.
func checkRequest(req *http.Request) error {
	if req.Body != nil && req.Body != http.NoBody {
		return fmt.Errorf("refusing %s %s: the probe never sends a body", req.Method, req.URL.Path)
	}
	for _, h := range []string{"Authorization", "Cookie", "Proxy-Authorization"} {
		if req.Header.Get(h) != "" {
			return fmt.Errorf("refusing %s %s: the probe never sends credentials (%s)", req.Method, req.URL.Path, h)
		}
	}
	if req.URL.RawPath != "" && req.URL.RawPath != req.URL.Path {
		return fmt.Errorf("refusing %s %s: escaped path", req.Method, req.URL.RawPath)
	}
	return allowed(req.Method, req.URL.Path, req.URL.Query())
}

// allowed checks a method, a path and query parameters against allowlist.
func allowed(method, path string, query map[string][]string) error {
	for _, e := range allowlist {
		if e.method != method || !e.path(path) {
			continue
		}
		for k := range query {
			if !contains(e.params, k) {
				return fmt.Errorf("refusing %s %s: parameter %q is not allowed", method, path, k)
			}
		}
		return nil
	}
	return fmt.Errorf("refusing %s %s: not on the probe's allowlist", method, path)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
