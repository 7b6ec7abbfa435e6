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
//	INFO server                  the reply classifies the server
//	INFO replication             role only is recorded (the section also names other hosts)
//	INFO keyspace                key count per db
//	SCAN 0 COUNT <n>             db 0's first page of key names
//	SELECT <db>                  to move to the next db with keys (never in cluster mode)
//	SCAN <cursor> COUNT <n>      key names, until max-keys per db
//	TYPE <key>                   the first 4 keys of each key pattern, pipelined; all
//	                             of a pattern's keys when those 4 disagree
//	HSCAN <key> 0 COUNT <n> NOVALUES   hash field names, Redis >= 7.4
//	HRANDFIELD <key> <n>         hash field names without WITHVALUES, Redis 6.2 to 7.3
//	HLEN <key>, then HKEYS <key> hash field names on older servers, only if HLEN <= 64
//	JSON.OBJKEYS <key>           top-level keys of a RedisJSON document
//
// The first four go in one write on every connection, n being max-keys
// capped at 1000; only INFO server's reply is read before the server is
// classified. A server that asks for a password thus receives INFO server,
// INFO replication, INFO keyspace and SCAN in one write, answers each with
// -NOAUTH, and the connection is closed after the first reply. On an open
// server the other replies are read in order; db 0's SCAN page is used when
// INFO keyspace lists db 0, dropped unread otherwise. SELECT goes in one
// write with the db's first SCAN (whose reply is dropped if SELECT is
// refused), and both ride at the end of the previous db's field-name
// commands when it has any; TYPEs go up to 1024 per write, field-name
// commands up to 256, each write at most about 128 KiB. An open server with
// keys in db 0 only costs three round trips: the first write, the TYPEs,
// the field names; each further db two more (three when the db before it
// has no hashes or JSON documents), and one more per db where a pattern's
// sampled types disagree.
//
// Key names are grouped into patterns (below) before any TYPE is sent. Each
// pattern's first 4 keys in SCAN order are typed; when they agree, the
// pattern's other keys are taken to be of that type and its container says
// so with the attribute typed_keys (the number of keys typed). When they
// disagree (an error reply counting as the type "unknown"), the pattern's
// other keys are typed in one more write, so its per-type counts (attribute
// types) are exact. A pattern whose first 4 keys agree but whose later keys
// do not is reported as the first keys' type. Field names are read from
// up to 16 keys per pattern: typed keys of a type that has field names and,
// in a pattern taken to be all hashes (or RedisJSON), its other keys too;
// a key that is of another type after all answers with an error, counted
// in field-sample-errors. The probe never
// sends AUTH, HELLO, CLIENT, CONFIG, MONITOR or any command that returns a
// value (GET, HGET, HGETALL, LRANGE, SMEMBERS, ZRANGE, XRANGE, XINFO ...),
// and never follows MOVED or ASK: in cluster mode it samples only the node
// it was given.
//
// Status: a bulk reply to INFO server is open; an error reply to a SCAN or
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
// Key names become patterns before they leave the package: redact.Name replaces
// e-mail addresses, phone numbers, UUIDs, IPs, hex strings, tokens and
// integers with typed placeholders, and segments that vary from key to key
// become <id>. One scanner.Container of Kind "key-pattern" is reported per
// pattern and db; raw key names appear nowhere in a result, note or error.
package redis
