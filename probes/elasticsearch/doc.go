// Package elasticsearch probes Elasticsearch and OpenSearch clusters: is the
// HTTP API open without credentials, which product and version is it, which
// indices does it hold, and which field names do their mappings declare. It
// never reads a document.
//
// The probe sends only these requests, all GET without a body and without
// credentials, over one keep-alive connection to the target (plain HTTP
// first, then HTTPS when the port speaks TLS; HTTPS first when the target
// asks for TLS). The list lives in allowlist, and transport refuses anything
// else before it is sent:
//
//	GET /                                   product, version, cluster and node name
//	GET /_cat/indices?format=json&bytes=b&h=index,status,health,docs.count,store.size[&expand_wildcards=all]
//	GET /_cat/indices?...&expand_wildcards=open,closed   (7.7+, OpenSearch: tells hidden indices apart)
//	GET /_data_stream                       (7.9+, OpenSearch)
//	GET /_cat/aliases?format=json&h=alias,index
//	GET /<index>[,<index>...]/_mapping?ignore_unavailable=true
//
// Elasticsearch 1.x and 2.x get the _cat requests without format=json and
// answer a text table, which is parsed instead. The probe stops after GET /
// when that answers 401 or 403 (auth-required, with the WWW-Authenticate
// schemes) or something that is not a search cluster (protocol-error), and
// after the index list when that is refused (partially-open).
//
// Bounds: every response body is capped at Limits.MaxResponseBytes, each
// request at three times the scan timeout, the connection at the target's
// byte budget. Indices sharing a name pattern (messages-2022.01.01,
// messages-2022.01.02, ...) are grouped as "messages-*"; data streams take
// their backing indices. Groups, data streams and single indices are kept
// largest first up to Limits.MaxIndices, and one mapping is read for each,
// from its newest open member, up to 16 indices per request. System indices
// (a leading dot) and hidden ones are counted in Skipped, not listed,
// unless Limits.IncludeSystem. Redirects go nowhere but the same host and
// the same allowlist; there is no node discovery or sniffing.
package elasticsearch
