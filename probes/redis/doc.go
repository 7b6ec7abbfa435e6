// Package redis is spillcheck's Redis probe. It finds out whether a Redis
// (or Valkey, KeyDB, Dragonfly) answers without authentication and, if it
// does, which kinds of keys it holds, without reading a single value.
//
// The probe speaks RESP2 itself rather than through a client library,
// because libraries send commands on connect (HELLO, CLIENT SETINFO, CLIENT
// MAINT_NOTIFICATIONS) and allocate whatever length a server announces. It
// sends nothing but these commands, each a RESP array of bulk strings, and
// a check before every write (allowlist in allowlist.go) refuses anything
// else:
//
//	INFO server replication keyspace   version, mode, role (only, the section also
//	                             names other hosts) and key counts per db; servers before
//	                             7.0 refuse three sections and get INFO server, INFO
//	                             replication, INFO keyspace instead
//	SCAN 0 COUNT <n>             db 0's first page of key names
//	SELECT <db>                  to list, then sample, another db (never in cluster mode)
//	SCAN <cursor> COUNT <n>      the db's next page of key names
//	TYPE <key>                   a pattern's first key; three more when its type has no
//	                             field names; the rest of its sampled keys when they disagree
//	HSCAN <key> 0 COUNT <n> NOVALUES   hash field names, Redis >= 7.4 (not its clones)
//	HRANDFIELD <key> <n>         hash field names without WITHVALUES, Redis 6.2 to 7.3 and clones
//	HLEN <key>, then HKEYS <key> hash field names on older servers, only if HLEN <= 64
//	JSON.OBJKEYS <key>           top-level keys of a RedisJSON document
//
// n is max-keys for a db's first page, then what is left of the listing
// (up to listFactor × max-keys keys), at most 5,000 a page: a page blocks
// the server for about a microsecond per key. The first two go in one
// write on every connection; only INFO's reply is read before the server
// is classified. A server that asks for a password thus receives INFO and
// SCAN in one write, answers both with -NOAUTH, and the connection is
// closed after the first reply.
//
// Listing: each db with keys (the max-dbs largest) is listed in turn, its
// SCAN pages decoded as they stream in (a page is never held whole) until
// the cursor ends; past max-keys keys (and at least 200) it goes on only
// while some pattern holds a single key (the Good-Turing sign that unseen
// patterns remain), up to listFactor × max-keys keys; at most 256 pages,
// and half the time left. Each key name is redacted and grouped at once
// into a pattern (below), which keeps its first 16 names; past 4,096
// patterns the listing collapses what it holds and goes on grouping by
// what it learned, and keys of patterns beyond that are only counted. SELECT goes in one write with the db's first SCAN.
//
// Choosing: a db's patterns are ordered by name evidence (Env.RankName),
// then size, and its budget of max-keys sampled keys is shared in that
// order, four keys each first, then up to 16; patterns left without a key
// are not sampled and counted in Skipped (key-patterns-over-max-keys,
// keys-in-patterns-not-sampled), and the facts key_patterns_seen and
// key_patterns_sampled say how many there were.
//
// Sampling: the chosen patterns of every db are sampled together, in
// rounds of one pipelined write each (up to 1,024 commands and about 128
// KiB a write; a db's commands after a SELECT when the connection is on
// another): round A types each pattern's first key; round B reads the
// field names of every sampled key of a hash or RedisJSON pattern (an
// answer also shows the key is of that type, an error that it is not) and
// types three more keys of every other pattern. A pattern found mixed costs
// a round C (TYPE of its other sampled keys) and a round D (field names of
// those of a type that has them); the types attribute then counts the
// sampled keys by type, and typed_keys says how many keys' types were
// checked when fewer than the pattern has. An open server with keys in db
// 0 only costs three round trips: the first write, round A, round B, and
// one more for each further SCAN page its listing needs; each further db
// one more, for its listing.
//
// The probe never
// sends AUTH, HELLO, CLIENT, CONFIG, MONITOR or any command that returns a
// value (GET, HGET, HGETALL, LRANGE, SMEMBERS, ZRANGE, XRANGE, XINFO ...),
// and never follows MOVED or ASK: in cluster mode it samples only the node
// it was given.
//
// Status: a bulk reply to INFO is open; an error reply to a SCAN or
// SELECT while sampling makes it partially-open; -NOAUTH, or "-ERR operation
// not permitted" from old servers, is auth-required; -DENIED is protected
// mode. The server's first bytes are named by wire.Identify before any
// reply is parsed: another protocol (an HTTP 400 for the request line
// "*4", an SSH, SMTP or MySQL banner, a POP3 greeting) ends the probe at
// once with a protocol-error naming it (scanner.ForeignError, the fact
// "protocol"), after the first write only; anything else that is not
// Redis is a protocol-error with a short reason.
// A port that answers the plaintext INFO with a TLS record or a silent
// close is retried once over TLS (and a rediss:// target that answers the
// handshake in plaintext, or not within the timeout, once without), and the
// handshake is recorded.
//
// Each reply must arrive whole within three timeouts (each read within
// one), as an Elasticsearch request must.
//
// Key names become patterns before they leave the package: redact.Name replaces
// e-mail addresses, phone numbers, UUIDs, IPs, hex strings, tokens and
// integers with typed placeholders, and segments that vary from key to key
// become <id> (collapse: one or more of them, "chat:<id>:<id>:last_seen").
// One scanner.Container of Kind "key-pattern" is reported per
// pattern and db; raw key names appear nowhere in a result, note or error.
package redis
