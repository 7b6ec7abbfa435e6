package redis

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/spillcheck/spillcheck/scanner"
)

// Sampling bounds that are not user limits.
const (
	scanCount       = 1000 // SCAN COUNT hint, at most max-keys
	maxScanCalls    = 256  // SCAN round trips per db
	pipelineBatch   = 256  // field-name commands per pipelined write
	typeBatch       = 1024 // TYPE commands per pipelined write (replies are tiny)
	keysPerPattern  = 16   // keys per pattern whose field names are read
	fieldsPerKey    = 64   // field names asked for per key
	hkeysMaxHashLen = 64   // HKEYS only for hashes at most this long
	maxDBFacts      = 64   // keys_dbN facts recorded
	maxFactLen      = 64   // bytes of a server-reported fact kept
)

// errRefused is a command the server refused while sampling (an ACL, a
// renamed command); the result becomes partially-open.
var errRefused = errors.New("the server refused a sampling command")

// sampleServer reads the replies to INFO replication and INFO keyspace
// that firstBatch asked for, records INFO facts and samples each db with
// keys. The first SCAN page of db 0 is already on its way: it is sampled
// when db 0 has keys and dropped unread otherwise. Each other db costs
// SELECT and its first SCAN in one write.
func sampleServer(ctx context.Context, c *client, lim scanner.Limits, server map[string]string, res *scanner.Result) error {
	more := make(map[string]string, 16)
	for range 2 {
		r, err := c.read()
		if err != nil {
			return sampleErr(err)
		}
		if r.kind == '$' && !r.null {
			parseInfoInto(more, r.str)
		}
	}
	dbs := keyspace(more)
	mode := recordFacts(res, server, more["role"], dbs)
	if mode == "sentinel" {
		res.Notes = append(res.Notes, "sentinel: no keyspace to sample")
		return nil
	}
	s := &sampler{c: c, lim: lim, ver: parseVersion(server["redis_version"]), res: res}
	current, sampled, scanPending := 0, 0, true
	for _, db := range dbs {
		if db.keys == 0 {
			continue
		}
		if sampled >= lim.MaxDBs {
			addSkipped(res, "dbs-over-max-dbs", 1)
			addSkipped(res, "keys-in-skipped-dbs", int(min(db.keys, 1<<30)))
			continue
		}
		sampled++
		if err := ctx.Err(); err != nil {
			return sampleErr(err)
		}
		// firstBatch's SCAN is db 0's first page, or nobody's.
		scanQueued := scanPending && db.index == 0
		if scanPending && !scanQueued {
			c.skip++
		}
		scanPending = false
		if db.index != current {
			if mode == "cluster" {
				continue
			}
			ok, err := s.selectDB(db.index)
			if err != nil {
				return sampleErr(err)
			}
			if !ok {
				continue
			}
			current, scanQueued = db.index, true
		}
		if err := s.sampleDB(ctx, db, scanQueued); err != nil {
			if errors.Is(err, errRefused) {
				continue
			}
			return sampleErr(err)
		}
	}
	return nil
}

// selectDB writes SELECT index and the db's first SCAN together, and reads
// SELECT's reply. When SELECT is refused the SCAN ran on the previous db:
// its reply is dropped unread and ok is false.
func (s *sampler) selectDB(index int) (ok bool, err error) {
	if err := s.c.queue("SELECT", itoa(index)); err != nil {
		return false, err
	}
	if err := s.c.queue("SCAN", "0", "COUNT", scanCountArg(s.lim)); err != nil {
		s.c.out = s.c.out[:0]
		return false, err
	}
	if err := s.c.flush(); err != nil {
		return false, err
	}
	r, err := s.c.read()
	if err != nil {
		return false, err
	}
	if r.isError() {
		s.c.skip++
		s.refused("SELECT")
		return false, nil
	}
	return true, nil
}

// scanCountArg is SCAN's COUNT hint: max-keys, at most scanCount.
func scanCountArg(lim scanner.Limits) string {
	if lim.MaxKeys >= scanCount {
		return scanCountString
	}
	return itoa(lim.MaxKeys)
}

var scanCountString = itoa(scanCount)

// recordFacts sets the version, mode, role, uptime and key count facts,
// each cut to maxFactLen bytes, and returns the mode.
func recordFacts(res *scanner.Result, server map[string]string, role string, dbs []dbKeys) string {
	mode := truncate(firstNonEmpty(server["redis_mode"], "standalone"), maxFactLen)
	res.Facts = map[string]string{"version": res.Version, "mode": mode}
	if role != "" {
		res.Facts["role"] = truncate(role, maxFactLen)
	}
	if v := server["uptime_in_seconds"]; v != "" {
		res.Facts["uptime_seconds"] = truncate(v, maxFactLen)
	}
	for i, db := range dbs {
		if i < maxDBFacts {
			res.Facts["keys_db"+itoa(db.index)] = strconv.FormatInt(db.keys, 10)
		}
	}
	return mode
}

// sampler reads key names, types and field names from one connection.
type sampler struct {
	c   *client
	lim scanner.Limits
	ver version
	res *scanner.Result
	// redacted maps field names read so far to redact.Name's pattern; the
	// raw names never leave the probe.
	redacted map[string]string
}

func (s *sampler) refused(cmd string) {
	s.res.Status = scanner.StatusPartial
	s.res.Notes = append(s.res.Notes, cmd+" was refused; sampling is incomplete")
}

// sampleDB scans up to max-keys key names, types them, groups them into
// redacted patterns and reads field names of a few keys per pattern.
// When queued, the reply to the db's first SCAN is the next one to read.
func (s *sampler) sampleDB(ctx context.Context, db dbKeys, queued bool) error {
	keys, err := s.scan(ctx, int(min(max(db.keys, 0), int64(s.lim.MaxKeys))), queued)
	if err != nil {
		return err
	}
	if over := db.keys - int64(len(keys)); over > 0 {
		addSkipped(s.res, "keys-over-max-keys", int(min(over, 1<<30)))
	}
	types := make([]string, len(keys))
	idx := indexes(len(keys))
	var args []string // one slice for every command: pipeline allows it
	err = pipeline(s.c, idx, typeBatch,
		func(i int) []string { args = append(args[:0], "TYPE", keys[i]); return args },
		func(i int, r reply) {
			types[i] = "unknown"
			if r.kind == '+' {
				types[i] = r.str
			} else {
				addSkipped(s.res, "type-errors", 1)
			}
		})
	if err != nil {
		return err
	}
	groups := groupKeys(keys, types)
	if err := s.sampleFields(groups); err != nil {
		return err
	}
	for _, g := range groups {
		s.res.Containers = append(s.res.Containers, g.container("db"+itoa(db.index), s.lim.MaxFields, s.res))
	}
	return nil
}

// scan collects up to max-keys distinct key names with SCAN. expect, the
// db's key count from INFO capped at max-keys, only sizes the first
// allocations. When queued, the first SCAN was already sent.
func (s *sampler) scan(ctx context.Context, expect int, queued bool) ([]string, error) {
	seen := make(map[string]struct{}, expect)
	keys := make([]string, 0, expect)
	cursor, count := "0", scanCountArg(s.lim)
	for call := range maxScanCalls {
		if err := ctx.Err(); err != nil {
			return keys, err
		}
		var r reply
		var err error
		if call == 0 && queued {
			r, err = s.c.read()
		} else {
			r, err = s.c.do("SCAN", cursor, "COUNT", count)
		}
		if err != nil {
			return keys, err
		}
		if r.isError() {
			s.refused("SCAN")
			return keys, errRefused
		}
		if r.kind != '*' || len(r.elems) != 2 || r.elems[1].kind != '*' || !isUint(r.elems[0].str) {
			return keys, scanner.ProtocolError("SCAN reply is not [cursor, keys]")
		}
		for _, k := range r.elems[1].elems {
			if _, dup := seen[k.str]; dup || k.kind != '$' {
				continue
			}
			seen[k.str] = struct{}{}
			keys = append(keys, k.str)
			if len(keys) >= s.lim.MaxKeys {
				return keys, nil
			}
		}
		cursor = r.elems[0].str
		if cursor == "0" {
			return keys, nil
		}
	}
	s.res.Notes = append(s.res.Notes, fmt.Sprintf("SCAN stopped after %d calls", maxScanCalls))
	return keys, nil
}

func indexes(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
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
