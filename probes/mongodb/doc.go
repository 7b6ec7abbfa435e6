// Package mongodb probes a MongoDB-wire server (MongoDB, FerretDB) for
// unauthenticated access and, when it is open, lists its databases and
// collections with counts, sizes and field names, never a document value.
//
// What it sends, in order, and nothing else, all on one connection
// (allowedCommands is the one list; guardConn decodes every outgoing wire
// message and refuses anything outside it before a byte reaches the
// socket):
//
//  1. OP_QUERY admin.$cmd {hello: 1, comment: "spillcheck read-only
//     check; ..."}, the comment padded so that the message is 0x0a4d
//     bytes: its length field reads "M\n\0\0", which a line-oriented
//     server (Redis, HTTP) answers at once, so that a server of another
//     protocol is named from its first answer by wire.Identify (a banner,
//     a TLS record, "-ERR unknown command 'M'", "HTTP/1.1 400") and the
//     probe stops with a protocol error instead of waiting out its
//     timeout. When hello is refused (before 4.4.2), OP_QUERY admin.$cmd
//     {isMaster: 1}. A plaintext connection closed at once, or answered
//     with a TLS record, is retried with TLS (certificates are recorded,
//     not verified): the one case of a second connection.
//  2. From wire version 6 (MongoDB 3.6+) every later command goes over the
//     same connection through the official driver's operation layer
//     (operation.Command on a driver.SingleConnectionDeployment): an
//     OP_MSG of the command plus "$db" and, unless hello said standalone,
//     $readPreference primaryPreferred. No second handshake, heartbeat,
//     pool, session (lsid), cluster time, retry, compression, credentials
//     or endSessions, and never a connection to the replica-set members
//     hello names. Before wire version 6 the same commands go as OP_QUERY,
//     one at a time.
//  3. {buildInfo: 1} on admin, and, in the same write from wire version 6,
//  4. {listDatabases: 1, nameOnly: false} on admin, once: its sizes order
//     the inventory. Unauthorized (13) and similar mean auth-required. An
//     empty list with ok: 1 (auth-enabled MongoDB 4.0.6+ answers so) is
//     confirmed with {listCollections: 1, nameOnly: true} on admin:
//     refused is auth-required, allowed is open and empty.
//
// Only when open, within Limits (MaxDBs, MaxCollections, MaxFields,
// SampleDocs, MaxDepth) and the context's deadline:
//
//  5. Per database: {listCollections: 1, cursor: {}}. admin, local and
//     config and system.* collections are skipped unless IncludeSystem.
//
// Both listings are read as they are iterated (catalog.go: no slice of
// their entries is built), and the caps are applied while reading: the
// MaxDBs databases kept are the best by name evidence (Env.RankName),
// then size; a database's collections are grouped into name patterns over
// the whole listing (redact.Name: daily "events_2024_01" ... are one),
// patterns are ordered by name evidence, then how many collections they
// hold, each gets one collection (its newest by name) first, and the
// slots left of MaxCollections go to the other collections of the
// best-ranked patterns. Skipped says how many were left out
// (over-max-dbs, over-max-collections), and the facts collections_seen
// and collections_sampled how many were listed and inventoried.
//  6. Per collection (views get none of these): {collStats: name}, or
//     {count: name} when collStats is refused; the key-name aggregate
//     built by keyNameCommand ($sample, $project, $unwind, $group, $sort,
//     $limit: names, type names and counts only), until the server refuses
//     it once; {listIndexes: name, cursor: {}}.
//
// From wire version 6 the commands of step 6 for one database's
// collections go out together, pipelined on the one connection, in
// flights of at most 16 messages, each written at once and its replies
// read before the next goes out (see prefetch and pipe):
// first every collection's collStats (count once collStats was refused)
// and listIndexes, with the aggregate for the first collection only, or
// for all once the target answered one; then, in a second batch, count
// for the collections from the first refused collStats on (collStats is
// asked of every collection of the first batch, so a server that refuses
// it gets each of those once), and the aggregate for the other
// collections unless the first one's was refused as a pipeline. Replies
// must come in request order, each answering the oldest request not yet
// answered; anything else is a protocol error that stops the inventory.
// The server still runs one connection's commands one at a time, in order:
// pipelining saves round trips, not server work. Results are read in
// collection order, as if sent one by one.
//
// It never sends find, getMore, killCursors, any write, or authentication.
// The product is "ferretdb" when buildInfo carries ferretdbVersion,
// "documentdb" when hello carries internal.documentdb_versions, else
// "mongodb". Refusals count as auth-required by code (13, 18) or by a
// message that says so (FerretDB's PostgreSQL backend answers a failed
// backend login with code 1 and PostgreSQL's message).
// Field names come from the aggregate (scanner.SourceSample), index keys
// (SourceIndex) and $jsonSchema or query validators (SourceValidator).
// Every reply is capped at Limits.MaxResponseBytes by its header, before it
// is read, and must arrive whole within three timeouts (each read within
// one); from wire version 6 only an uncompressed OP_MSG answering the
// oldest request in flight is accepted.
package mongodb
