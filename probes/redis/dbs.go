package redis

import (
	"context"
	"errors"
	"slices"
	"strconv"

	"github.com/spillcheck/spillcheck/scanner"
)

// sampleServer records INFO facts and samples the dbs with keys. info is
// the reply to the first write's INFO: every section when the server took
// INFO server replication keyspace; only the server section when it is
// older than 7.0 (legacy), whose replication and keyspace replies are read
// here. The first SCAN page of db 0 is already on its way: it is listed
// when db 0 is sampled and dropped unread otherwise. Each db is listed in
// turn (SELECT written with its first SCAN); then the chosen patterns of
// every db are sampled together (sample).
func sampleServer(ctx context.Context, c *client, env *scanner.Env, info map[string]string, legacy bool, res *scanner.Result) error {
	more := info
	if legacy {
		more = make(map[string]string, 16)
		for range 2 {
			r, err := c.read()
			if err != nil {
				return sampleErr(err)
			}
			if r.kind == '$' && !r.null {
				parseInfoInto(more, r.str)
			}
		}
	}
	dbs := keyspace(more)
	mode := recordFacts(res, info, more["role"], dbs)
	if mode == "sentinel" {
		res.Notes = append(res.Notes, "sentinel: no keyspace to sample")
		return nil
	}
	name, _ := product(info)
	s := &sampler{c: c, lim: env.Limits, ver: parseVersion(info["redis_version"]), res: res,
		rank: env.RankName, badDB: map[int]bool{}, noValues: name == "redis"}
	plan := planDBs(dbs, env.Limits.MaxDBs, res)
	if mode == "cluster" && len(plan) > 0 && plan[0].index != 0 {
		plan = nil
	}
	if mode == "cluster" && len(plan) > 1 {
		res.Notes = append(res.Notes, "cluster mode: only db 0 is sampled")
		plan = plan[:1]
	}
	var chosen []*group
	seen := 0
	if len(plan) == 0 || plan[0].index != 0 {
		c.skip++ // the first write's SCAN: db 0 is empty, or not sampled
	}
	for i, db := range plan {
		if err := ctx.Err(); err != nil {
			return sampleErr(err)
		}
		if queued := i == 0 && db.index == 0; !queued {
			ok, err := s.selectDB(db.index)
			if err != nil {
				return sampleErr(err)
			}
			if !ok {
				continue
			}
		}
		l, err := s.list(ctx, db, true)
		if err != nil && !errors.Is(err, errRefused) {
			return sampleErr(err)
		}
		groups := l.patterns()
		seen += len(groups)
		chosen = append(chosen, s.choose(groups)...)
	}
	res.Facts["key_patterns_seen"] = itoa(seen)
	res.Facts["key_patterns_sampled"] = itoa(len(chosen))
	if err := s.sample(chosen); err != nil {
		return sampleErr(err)
	}
	for _, g := range chosen {
		res.Containers = append(res.Containers, g.container(env.Limits.MaxFields, res))
	}
	return nil
}

// planDBs lists the dbs with keys to sample, in index order: all of them,
// or the maxDBs with the most keys, the others counted as skipped.
func planDBs(dbs []dbKeys, maxDBs int, res *scanner.Result) []dbKeys {
	var plan []dbKeys
	for _, db := range dbs {
		if db.keys > 0 {
			plan = append(plan, db)
		}
	}
	if len(plan) <= maxDBs {
		return plan
	}
	bySize := slices.Clone(plan)
	slices.SortStableFunc(bySize, func(a, b dbKeys) int {
		switch {
		case a.keys > b.keys:
			return -1
		case a.keys < b.keys:
			return 1
		}
		return 0
	})
	for _, db := range bySize[maxDBs:] {
		addSkipped(res, "dbs-over-max-dbs", 1)
		addSkipped(res, "keys-in-skipped-dbs", int(min(db.keys, 1<<30)))
	}
	keep := bySize[:maxDBs]
	slices.SortFunc(keep, func(a, b dbKeys) int { return a.index - b.index })
	return keep
}

// selectDB writes SELECT index with the db's first SCAN and reads SELECT's
// reply. When SELECT is refused the SCAN ran on the previous db: its reply
// is dropped unread and ok is false.
func (s *sampler) selectDB(index int) (ok bool, err error) {
	if err := s.c.queue("SELECT", itoa(index)); err != nil {
		s.c.out = s.c.out[:0]
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
		s.badDB[index] = true
		s.refused("SELECT")
		return false, nil
	}
	s.current = index
	return true, nil
}

// scanCountArg is the COUNT hint of a db's first SCAN: max-keys, at most
// scanCount.
func scanCountArg(lim scanner.Limits) string {
	if lim.MaxKeys >= scanCount {
		return scanCountString
	}
	return itoa(lim.MaxKeys)
}

var scanCountString = itoa(scanCount)

// recordFacts sets the version, mode, role, uptime and key count facts,
// each cut to scanner.MaxFactLen bytes, and returns the mode.
func recordFacts(res *scanner.Result, server map[string]string, role string, dbs []dbKeys) string {
	mode := scanner.Shorten(firstNonEmpty(server["redis_mode"], "standalone"), scanner.MaxFactLen)
	res.Facts = map[string]string{"version": res.Version, "mode": mode}
	if role != "" {
		res.Facts["role"] = scanner.Shorten(role, scanner.MaxFactLen)
	}
	if v := server["uptime_in_seconds"]; v != "" {
		res.Facts["uptime_seconds"] = scanner.Shorten(v, scanner.MaxFactLen)
	}
	for i, db := range dbs {
		if i < maxDBFacts {
			res.Facts["keys_db"+itoa(db.index)] = strconv.FormatInt(db.keys, 10)
		}
	}
	return mode
}
