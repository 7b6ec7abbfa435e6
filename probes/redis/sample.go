package redis

import (
	"errors"

	"github.com/spillcheck/spillcheck/scanner"
)

// Sampling bounds that are not user limits.
const (
	scanCount       = 5000 // SCAN COUNT hint, at most the listing left (about a microsecond of the server's time per key)
	maxScanCalls    = 256  // SCAN round trips per db
	roundBatch      = 1024 // commands per pipelined write of a sampling round
	keysPerPattern  = 16   // keys per pattern that may be sampled (typed, field names read)
	typeSample      = 4    // keys per pattern sent TYPE when their type has no field names
	fieldsPerKey    = 64   // field names asked for per key
	hkeysMaxHashLen = 64   // HKEYS only for hashes at most this long
	maxDBFacts      = 64   // keys_dbN facts recorded
)

// errRefused is a command the server refused while sampling (an ACL, a
// renamed command); the result becomes partially-open.
var errRefused = errors.New("the server refused a sampling command")

// sampler reads key names, types and field names from one connection.
type sampler struct {
	c   *client
	lim scanner.Limits
	ver version
	// noValues allows HSCAN NOVALUES (Redis >= 7.4): only on Redis itself.
	// A clone that reports redis_version 7.4 but ignored the flag would
	// answer field-value pairs, and the values would read as names;
	// HRANDFIELD without WITHVALUES never returns a value.
	noValues bool
	res      *scanner.Result
	// rank rates a pattern by name evidence (Env.RankName).
	rank func(string) int
	// current is the db the connection is on, -1 when unknown (after a
	// refused SELECT); badDB lists dbs whose SELECT was refused.
	current int
	badDB   map[int]bool
	// redacted maps field names read so far to redact.Name's pattern; the
	// raw names never leave the probe.
	redacted map[string]string
}

func (s *sampler) refused(cmd string) {
	s.res.Status = scanner.StatusPartial
	s.res.Notes = append(s.res.Notes, cmd+" was refused; sampling is incomplete")
}

func addSkipped(res *scanner.Result, reason string, n int) {
	if n <= 0 {
		return
	}
	if res.Skipped == nil {
		res.Skipped = map[string]int{}
	}
	res.Skipped[reason] += n
}
