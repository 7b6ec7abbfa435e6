package redis

import (
	"context"
	"fmt"
	"hash/maphash"
	"time"
)

// Listing bounds that are not user limits.
const (
	// listFactor: a db's listing covers up to listFactor × max-keys keys,
	// so that the patterns sampled under max-keys are chosen from ten
	// times as many keys as they hold.
	listFactor = 10
	// compactEvery is how many new patterns a listing takes between
	// collapses while it streams; compactMinKeys the keys a context needs
	// to learn from then (the last collapse takes any).
	compactEvery   = 256
	compactMinKeys = 32
	// minStopKeys is the fewest keys a listing reads before it may stop
	// early for want of single-key patterns: on one short SCAN page the
	// Good-Turing estimate says nothing (a page of twelve keys that
	// happens to hold pairs only would end the listing of a db whose
	// other patterns are all single keys).
	minStopKeys = 200
	// maxPatterns bounds the distinct patterns one db's listing holds;
	// past it they are collapsed, and keys of new patterns beyond it are
	// only counted.
	maxPatterns = 4096
)

// lister groups one db's key names into patterns as SCAN pages stream in:
// each key is redacted (redact.Name, through keyPatterns), collapsed by the
// rules learned so far, and counted
// under its pattern, which keeps its first keysPerPattern names. Raw names
// kept are at most keysPerPattern per pattern, and patterns at most
// maxPatterns.
type lister struct {
	db     int
	groups map[string]*group
	rules  *idRules
	// nextCompact is the number of patterns at which the listing is
	// collapsed next, so that rules are learned early and later keys of an
	// identifier-bearing pattern map onto it instead of piling up.
	nextCompact int
	listed      int // distinct keys SCAN returned
	overflow    int // keys of patterns past maxPatterns
	// seen holds a 64-bit hash of each key listed: SCAN may return a key
	// twice (while the server rehashes), and a broken server endlessly.
	seen map[uint64]struct{}
	seed maphash.Seed
	// names redacts key names with a memo of their segments, the
	// client's: a memo of redact.Name holds across targets.
	names *keyPatterns
}

// newLister starts the listing of db, expecting about expect keys.
func newLister(db, expect int, names *keyPatterns) *lister {
	return &lister{db: db, groups: map[string]*group{}, rules: newIDRules(), nextCompact: compactEvery,
		seen: make(map[uint64]struct{}, max(expect, 0)), seed: maphash.MakeSeed(), names: names}
}

// add counts one key name, once however often SCAN returns it. A key of
// a pattern already held costs no allocation unless it becomes a member.
func (l *lister) add(key []byte) {
	h := maphash.Bytes(l.seed, key)
	if _, dup := l.seen[h]; dup {
		return
	}
	l.seen[h] = struct{}{}
	l.listed++
	pb := l.names.of(key)
	g := l.groups[string(pb)]
	var raw string // pb as a string, once it is needed
	if g == nil && len(l.rules.set) > 0 {
		raw = string(pb)
		g = l.groups[string(l.rules.apply(raw))]
	}
	if g == nil {
		if raw == "" {
			raw = string(pb)
		}
		if len(l.groups) >= l.nextCompact {
			l.compact(compactMinKeys)
			g = l.groups[string(l.rules.apply(raw))]
		}
		if g == nil && len(l.groups) >= maxPatterns {
			l.overflow++
			return
		}
		if g == nil {
			p := raw
			if len(l.rules.set) > 0 {
				p = string(l.rules.apply(raw))
			}
			g = &group{db: l.db, pattern: p, members: make([]string, 0, 1)}
			l.groups[p] = g
		}
	}
	g.keys++
	if len(g.members) < keysPerPattern {
		g.addMember(string(key))
	}
}

// compact collapses the patterns held (collapse, learning only from
// contexts of at least minKeys keys) and merges the groups that now share
// a pattern, their members in the order they were first seen, up to
// keysPerPattern. The next compaction comes after compactEvery more
// patterns.
func (l *lister) compact(minKeys int) {
	names := sortedKeys(l.groups)
	keys := make([]int, len(names))
	for i, p := range names {
		keys[i] = l.groups[p].keys
	}
	final := collapse(names, keys, l.rules, minKeys)
	merged := make(map[string]*group, len(l.groups))
	for i, p := range names {
		g, f := l.groups[p], final[i]
		into := merged[f]
		if into == nil {
			g.pattern = f
			merged[f] = g
			continue
		}
		into.keys += g.keys
		for _, k := range g.members {
			into.addMember(k)
		}
	}
	l.groups = merged
	l.nextCompact = min(len(l.groups)+compactEvery, maxPatterns)
}

// patterns ends the listing: a last collapse, and the groups.
func (l *lister) patterns() []*group {
	l.seen = nil
	l.compact(0)
	out := make([]*group, 0, len(l.groups))
	for _, p := range sortedKeys(l.groups) {
		out = append(out, l.groups[p])
	}
	return out
}

// singletons reports whether, patterns collapsed so far, some pattern
// holds a single key: the Good-Turing estimate of the chance that the next
// key is of a pattern not seen yet is the share of keys seen once, so a
// listing where none is goes no further.
func (l *lister) singletons() bool {
	l.compact(compactMinKeys)
	for _, g := range l.groups {
		if g.keys == 1 {
			return true
		}
	}
	return false
}

// list streams db's key names into a lister with SCAN, from the page
// whose reply is next when queued (the first write's, or one sent with
// SELECT), until the cursor comes back to 0; or, past max-keys keys (and
// at least minStopKeys), until no pattern holds a single key (singletons:
// more listing would likely find nothing new) or listCap keys are listed;
// or maxScanCalls pages are read, or half of the time left at the start
// has passed (sampling needs the rest). A refused SCAN makes the result
// partially open and ends the listing with errRefused.
func (s *sampler) list(ctx context.Context, db dbKeys, queued bool) (*lister, error) {
	listCap := listFactor * s.lim.MaxKeys
	stopAt := max(s.lim.MaxKeys, minStopKeys) // listed keys before singletons may end the listing
	l := newLister(db.index, int(min(db.keys, int64(listCap))), &s.c.names)
	until := time.Time{}
	if d, ok := ctx.Deadline(); ok {
		until = time.Now().Add(time.Until(d) / 2)
	}
	cursor := "0"
	for call := range maxScanCalls {
		if err := ctx.Err(); err != nil {
			return l, err
		}
		if call > 0 && !until.IsZero() && time.Now().After(until) {
			s.note("listing db%d stopped at %d keys to leave time for sampling", db.index, l.listed)
			break
		}
		if call > 0 || !queued {
			// A page asks for the rest of the listing, at most scanCount
			// keys: few round trips, each a short block of the server.
			count := itoa(max(1, min(listCap-l.listed, scanCount)))
			if err := s.c.queue("SCAN", cursor, "COUNT", count); err != nil {
				return l, err
			}
			if err := s.c.flush(); err != nil {
				return l, err
			}
		}
		next, refusal, err := s.c.scanPage(func(key []byte) {
			if l.listed < listCap {
				l.add(key)
			}
		})
		if err != nil {
			return l, err
		}
		if refusal != "" {
			s.refused("SCAN")
			return l, errRefused
		}
		if next == "0" || l.listed >= listCap || (l.listed >= stopAt && !l.singletons()) {
			s.skipListing(db, l)
			return l, nil
		}
		cursor = next
	}
	if l.listed < listCap {
		s.note("SCAN stopped after %d calls", maxScanCalls)
	}
	s.skipListing(db, l)
	return l, nil
}

// skipListing counts the keys of db the listing did not reach and those
// it could not group.
func (s *sampler) skipListing(db dbKeys, l *lister) {
	if over := db.keys - int64(l.listed); over > 0 {
		addSkipped(s.res, "keys-not-listed", int(min(over, 1<<30)))
	}
	addSkipped(s.res, "keys-over-max-patterns", l.overflow)
}

func (s *sampler) note(format string, args ...any) {
	s.res.Notes = append(s.res.Notes, fmt.Sprintf(format, args...))
}
