// Package elasticsearch probes Elasticsearch and OpenSearch clusters: is the
// HTTP API open without credentials, which product and version is it, which
// indices does it hold, and which field names do their mappings declare. It
// never reads a document.
//
// The probe sends only these requests, in this order, all GET without a body
// and without credentials, over one keep-alive connection to the target
// (plain HTTP first and, when the port answers like a TLS port, once more
// over HTTPS; HTTPS only when the target asks for TLS). The list lives in
// allowlist, and the transport refuses anything else before it is sent:
//
//	GET /
//	GET /_cat/indices?bytes=b&expand_wildcards=all&format=json&h=index,status,health,docs.count,store.size
//	GET /_cat/indices?bytes=b&expand_wildcards=open,closed&format=json&h=index
//	GET /_data_stream
//	GET /<index>[,<index>...]/_mapping?ignore_unavailable=true   (up to 16 indices a request)
//	GET /_cat/aliases?format=json&h=alias,index
//
// The first bytes the server sends are named by wire.Identify
// (identify.go): another protocol's answer to GET / (Redis's "-ERR",
// mongod's note about HTTP, an SSH or SMTP banner) ends the probe with a
// protocol-error naming it, without a TLS retry. When GET / is closed
// without a byte, as Redis does on the "Host:" line, GET / goes once more
// as HTTP/1.0 without a Host header on a new connection, which Redis
// answers, before the HTTPS retry.
//
// GET / tells the product (X-Elastic-Product, version.build_flavor,
// version.distribution, the tagline; never the version number alone), the
// version, and the cluster and node names. The probe stops there on a 401
// or 403 (auth-required, with the WWW-Authenticate schemes) or on anything
// that is not a search cluster (protocol-error), and after the first index
// list when that is refused (partially-open). The second index list, which
// leaves hidden indices out, is sent only to Elasticsearch 7.7+ and
// OpenSearch, and so is expand_wildcards; GET /_data_stream only to 7.9+ and
// OpenSearch; Elasticsearch 1.x and 2.x get the _cat requests without
// format=json and answer text tables, which are parsed instead.
//
// Bounds: every response body is capped at Limits.MaxResponseBytes, each
// request at three times the scan timeout, the connection at the target's
// byte budget. Indices sharing a name pattern (messages-2022.01.01,
// messages-2022.01.02, ...) are grouped as "messages-*"; data streams take
// their backing indices. Groups, data streams and single indices are kept
// largest first up to Limits.MaxIndices, and one mapping is read for each,
// from its newest open member; Limits.MaxFields and Limits.MaxDepth bound
// the fields kept. System indices (a leading dot) and hidden ones are
// counted in Skipped, not listed, unless Limits.IncludeSystem. Redirects are
// followed only to the same host and only to allowlisted requests; there is
// no node discovery or sniffing.
package elasticsearch
