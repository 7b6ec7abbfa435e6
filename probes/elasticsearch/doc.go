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
//	GET /_data_stream
//	GET /_cat/aliases?format=json&h=alias,index
//	GET /_cat/indices?bytes=b&expand_wildcards=all&format=json&h=index,status,health,docs.count,store.size
//	GET /<index>[,<index>...]/_mapping?ignore_unavailable=true   (up to 16 indices a request, in name order)
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
// that is not a search cluster (protocol-error), and after the index list
// when that is refused (partially-open). GET /_data_stream goes only to
// Elasticsearch 7.9+ and OpenSearch (a 400 or 404, as from Elasticsearch
// without x-pack, means there are none, and is not noted), expand_wildcards
// only to 7.7+ and OpenSearch; Elasticsearch 1.x and 2.x get the _cat
// requests without format=json and answer text tables, which are read
// instead. Each listing is sent once.
//
// Listings are streamed, never held: data streams and aliases are read
// first (into bounded tables: maxStreams streams, maxBackingTotal backing
// index names, maxAliasPairs alias pairs), then each row of the index list
// is counted into its unit as it arrives. Indices sharing a name pattern
// (messages-2022.01.01, messages-2022.01.02, ...) are grouped as
// "messages-*"; data streams take their backing indices. The grouping table
// holds at most max(4096, 8 × Limits.MaxIndices) units: when a listing has
// more patterns, those without name evidence that differ in one segment
// (tenants: acme-logs-*, globex-logs-*) are folded into one (*-logs-*), and
// failing that the weakest unit is dropped and its indices counted. Up to
// Limits.MaxIndices units are then sampled, chosen by name evidence
// (Env.RankName) for up to three quarters of the slots and by size (bytes,
// documents) for the rest, never by listing order; one mapping is read for
// each, from its newest open member. Limits.MaxFields and Limits.MaxDepth
// bound the fields kept, and mappings are streamed too. System indices (a
// leading dot) and system data streams and aliases are counted in Skipped,
// not listed, unless Limits.IncludeSystem; a hidden index without a leading
// dot cannot be told apart in one listing and is listed like any other.
//
// The result's facts say how many indices the listing held (indices_seen),
// how many units they made (containers_seen, estimated when the table
// overflowed) and how many were sampled (containers_sampled); Skipped says
// why the rest were not: over-max-indices, system-indices,
// system-data-streams, system-aliases, over-max-aliases,
// over-max-data-streams, over-max-fields, and index-list-cut when the index
// list was longer than its share of the byte budget.
//
// Bounds: a listing is read up to its share of Limits.MaxTargetBytes (the
// index list up to all that is left but a quarter, kept for the mappings;
// data streams and aliases up to an eighth each), not up to
// Limits.MaxResponseBytes, so a catalog larger than one response is still
// read and assessed. Every other answer is capped at
// Limits.MaxResponseBytes, each request at three times the scan timeout, the
// connection at the target's byte budget. Memory per target is bounded by
// these tables, not by the listing: see docs/scale.md. Redirects are
// followed only to the same host and only to allowlisted requests; there is
// no node discovery or sniffing.
package elasticsearch
