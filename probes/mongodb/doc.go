// Package mongodb probes a MongoDB-wire server (MongoDB, FerretDB) for
// unauthenticated access and, when it is open, lists its databases and
// collections with counts, sizes and field names, never a document value.
//
// What it sends, in order, and nothing else (allowedCommands is the one
// list; guardConn decodes every outgoing wire message and refuses anything
// outside it before a byte reaches the socket):
//
//  1. OP_QUERY admin.$cmd {hello: 1}; when refused (before 4.4.2),
//     OP_QUERY admin.$cmd {isMaster: 1}. A plaintext connection closed at
//     once is retried with TLS (certificates are recorded, not verified).
//  2. {buildInfo: 1} on admin: OP_MSG from wire version 6, else OP_QUERY.
//  3. From wire version 6 (MongoDB 3.6+) the official driver takes over
//     on new connections: a direct connection to the target only, never
//     to the replica-set members hello names, no credentials, retries,
//     compression or app name. It sends its own handshake (hello or
//     isMaster, with its client metadata), one heartbeat, and endSessions
//     on disconnect. Before wire version 6 the same commands below go over
//     OP_QUERY on the handshake connection.
//  4. {listDatabases: 1, nameOnly: true} on admin: Unauthorized (13) and
//     similar mean auth-required. An empty list with ok: 1 (auth-enabled
//     MongoDB 4.0.6+ answers so) is confirmed with {listCollections: 1,
//     nameOnly: true} on admin: refused is auth-required, allowed is open
//     and empty.
//
// Only when open, within Limits (MaxDBs largest first, MaxCollections,
// MaxFields, SampleDocs, MaxDepth) and the context's deadline:
//
//  5. {listDatabases: 1, nameOnly: false} on admin, for sizes.
//  6. Per database: {listCollections: 1, cursor: {}}. admin, local and
//     config and system.* collections are skipped unless IncludeSystem.
//  7. Per collection (views get none of these): {collStats: name}, or
//     {count: name} when collStats is refused; the key-name aggregate
//     built by keyNameCommand ($sample, $project, $unwind, $group, $sort,
//     $limit: names, type names and counts only), until the server refuses
//     it once; {listIndexes: name, cursor: {}}.
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
// is read.
package mongodb
