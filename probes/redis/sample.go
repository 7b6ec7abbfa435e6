package redis

import (
	"context"
	"errors"
	"fmt"

	"github.com/spillcheck/spillcheck/scanner"
)

// Sampling bounds that are not user limits.
const (
	scanCount       = 1000 // SCAN COUNT hint, at most max-keys
	maxScanCalls    = 256  // SCAN round trips per db
	pipelineBatch   = 256  // field-name commands per pipelined write
	typeBatch       = 1024 // TYPE commands per pipelined write (replies are tiny)
	keysPerPattern  = 16   // keys per pattern whose field names are read (see sampleUntyped)
	fieldsPerKey    = 64   // field names asked for per key
	hkeysMaxHashLen = 64   // HKEYS only for hashes at most this long
	maxDBFacts      = 64   // keys_dbN facts recorded
	maxFactLen      = 64   // bytes of a server-reported fact kept
)

// errRefused is a command the server refused while sampling (an ACL, a
// renamed command); the result becomes partially-open.
var errRefused = errors.New("the server refused a sampling command")

// sampler reads key names, types and field names from one connection.
type sampler struct {
	c   *client
	lim scanner.Limits
	ver version
	res *scanner.Result
	// redacted maps field names read so far to redact.Name's pattern; the
	// raw names never leave the probe.
	redacted map[string]string
	// next is the db to SELECT after this one, -1 for none; nextSent says
	// sampleDB wrote SELECT next and its first SCAN with its last write.
	next     int
	nextSent bool
}

func (s *sampler) refused(cmd string) {
	s.res.Status = scanner.StatusPartial
	s.res.Notes = append(s.res.Notes, cmd+" was refused; sampling is incomplete")
}

// sampleDB scans up to max-keys key names, groups them into redacted
// patterns, types a sample of each pattern (all its keys when the sample's
// types disagree) and reads field names of a few typed keys per pattern.
// When queued, the reply to the db's first SCAN is the next one to read.
func (s *sampler) sampleDB(ctx context.Context, db dbKeys, queued bool) error {
	s.nextSent = false
	keys, err := s.scan(ctx, int(min(max(db.keys, 0), int64(s.lim.MaxKeys))), queued)
	if err != nil {
		return err
	}
	if over := db.keys - int64(len(keys)); over > 0 {
		addSkipped(s.res, "keys-over-max-keys", int(min(over, 1<<30)))
	}
	groups := groupKeys(keys)
	if err := s.typeGroups(groups); err != nil {
		return err
	}
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

func addSkipped(res *scanner.Result, reason string, n int) {
	if n <= 0 {
		return
	}
	if res.Skipped == nil {
		res.Skipped = map[string]int{}
	}
	res.Skipped[reason] += n
}
