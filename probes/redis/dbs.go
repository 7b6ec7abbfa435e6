package redis

import (
	"context"
	"errors"
	"strconv"

	"github.com/spillcheck/spillcheck/scanner"
)

// sampleServer reads the replies to INFO replication and INFO keyspace
// that firstBatch asked for, records INFO facts and samples each db with
// keys. The first SCAN page of db 0 is already on its way: it is sampled
// when db 0 has keys and dropped unread otherwise. Every other db is
// reached by SELECT written with its first SCAN, in the same write as the
// previous db's field-name commands when it has any.
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
	plan := planDBs(dbs, lim.MaxDBs, res)
	current, scanPending, selectSent := 0, true, false
	for i, db := range plan {
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
			ok, err := s.selectDB(db.index, selectSent)
			if err != nil {
				return sampleErr(err)
			}
			if !ok {
				continue
			}
			current, scanQueued = db.index, true
		}
		s.next = -1
		if i+1 < len(plan) && mode != "cluster" {
			s.next = plan[i+1].index
		}
		err := s.sampleDB(ctx, db, scanQueued)
		selectSent = s.nextSent
		if err != nil && !errors.Is(err, errRefused) {
			return sampleErr(err)
		}
	}
	return nil
}

// planDBs lists the dbs with keys to sample, at most maxDBs of them, and
// counts the others as skipped.
func planDBs(dbs []dbKeys, maxDBs int, res *scanner.Result) []dbKeys {
	var plan []dbKeys
	for _, db := range dbs {
		if db.keys == 0 {
			continue
		}
		if len(plan) >= maxDBs {
			addSkipped(res, "dbs-over-max-dbs", 1)
			addSkipped(res, "keys-in-skipped-dbs", int(min(db.keys, 1<<30)))
			continue
		}
		plan = append(plan, db)
	}
	return plan
}

// queueSelect queues SELECT index and the db's first SCAN.
func (s *sampler) queueSelect(index int) error {
	if err := s.c.queue("SELECT", itoa(index)); err != nil {
		return err
	}
	return s.c.queue("SCAN", "0", "COUNT", scanCountArg(s.lim))
}

// selectDB writes SELECT index and the db's first SCAN together, unless
// sent says the previous db's last write carried them, and reads SELECT's
// reply. When SELECT is refused the SCAN ran on the previous db: its reply
// is dropped unread and ok is false.
func (s *sampler) selectDB(index int, sent bool) (ok bool, err error) {
	if !sent {
		if err := s.queueSelect(index); err != nil {
			s.c.out = s.c.out[:0]
			return false, err
		}
		if err := s.c.flush(); err != nil {
			return false, err
		}
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
