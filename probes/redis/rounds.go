package redis

import (
	"slices"
	"strconv"
)

// job is one command of a sampling round, on one member key of a group.
type job struct {
	g    *group
	key  string
	kind jobKind
	typ  string // the key's type, for jobFields and jobHLen
	// verify: the reply is the first evidence of the key's type (a
	// field-name command sent without a TYPE), so an answer counts the key
	// as of typ and an error marks the group mixed.
	verify bool
}

type jobKind uint8

const (
	jobType   jobKind = iota // TYPE key
	jobFields                // the field-name command for typ
	jobHLen                  // HLEN key, before HKEYS where there is no HRANDFIELD
)

// sample types the chosen patterns of every db and reads their field
// names, in rounds; each round is one pipelined write per roundBatch
// commands, holding every db's commands, each db's after a SELECT when the
// connection is on another. A db of uniform patterns costs two rounds:
//
//	A: TYPE of each pattern's first member;
//	B: for a pattern of a type with field names (hash, RedisJSON), the
//	   field-name command on every member, whose answers also show each
//	   member is of that type; for the others, TYPE of members 2 to
//	   typeSample.
//
// A pattern found mixed (a member answering the field-name command with
// an error, or TYPEs that disagree) costs a round C, TYPE of its other
// members, and a round D, the field names of its members of a type that
// has them. Servers without HRANDFIELD (before 6.2) get HLEN first, and
// HKEYS only for hashes of at most hkeysMaxHashLen fields.
func (s *sampler) sample(groups []*group) error {
	var a []job
	for _, g := range groups {
		if len(g.members) > 0 {
			a = append(a, job{g: g, key: g.members[0], kind: jobType})
		}
	}
	var later []job // round D: field names of members found by TYPE
	if err := s.runRound(a, func(j job, r reply) { j.g.first = s.typed(j, r) }); err != nil {
		return err
	}
	b := a[:0]
	for _, g := range groups {
		typ := g.first
		if typ == "" {
			continue
		}
		if fieldSource(typ) != "" {
			for i, k := range g.members {
				b = append(b, job{g: g, key: k, kind: jobFields, typ: typ, verify: i > 0})
			}
			continue
		}
		for _, k := range g.members[1:min(len(g.members), typeSample)] {
			b = append(b, job{g: g, key: k, kind: jobType})
		}
	}
	onType := func(j job, r reply) {
		if typ := s.typed(j, r); fieldSource(typ) != "" && fieldSource(j.g.first) == "" {
			later = append(later, job{g: j.g, key: j.key, kind: jobFields, typ: typ})
		}
	}
	if err := s.readFields(b, onType, func(j job) { j.g.unknown = append(j.g.unknown, j.key) }); err != nil {
		return err
	}
	var c []job
	for _, g := range groups {
		switch {
		case len(g.unknown) > 0:
			for _, k := range g.unknown {
				c = append(c, job{g: g, key: k, kind: jobType})
			}
		case len(g.types) > 1 && fieldSource(g.first) == "":
			for _, k := range g.members[min(len(g.members), typeSample):] {
				c = append(c, job{g: g, key: k, kind: jobType})
			}
		}
	}
	if err := s.runRound(c, onType); err != nil {
		return err
	}
	return s.readFields(later, onType, func(job) {})
}

// typed records the reply to a TYPE: the key's type, "unknown" for an
// error reply (counted in type-errors).
func (s *sampler) typed(j job, r reply) string {
	typ := "unknown"
	if r.kind == '+' {
		typ = r.str
	} else {
		addSkipped(s.res, "type-errors", 1)
	}
	j.g.checked++
	j.g.addType(typ)
	return typ
}

// readFields runs jobs, a round of field-name commands mixed with TYPEs
// (handled by onType); an error reply to a verifying field command goes to
// wrong. On servers without HRANDFIELD, hash jobs first send HLEN, and only
// hashes small enough get HKEYS, in one more round.
func (s *sampler) readFields(jobs []job, onType func(job, reply), wrong func(job)) error {
	if !s.ver.atLeast(6, 2) {
		for i := range jobs {
			if jobs[i].kind == jobFields && jobs[i].typ == "hash" {
				jobs[i].kind = jobHLen
			}
		}
	}
	var hkeys []job
	var names []string // one slice for every reply: addFields keeps none
	err := s.runRound(jobs, func(j job, r reply) {
		switch j.kind {
		case jobType:
			onType(j, r)
		case jobHLen:
			n, err := strconv.Atoi(r.str)
			switch {
			case r.kind != ':' || err != nil:
				s.wrongType(j, wrong)
			case n <= hkeysMaxHashLen:
				j.kind = jobFields
				hkeys = append(hkeys, j)
			default:
				s.confirmed(j)
				addSkipped(s.res, "hashes-too-large-for-hkeys", 1)
			}
		case jobFields:
			var ok bool
			names, ok = fieldNames(names[:0], r, j.typ == "hash" && s.hscan())
			if !ok {
				s.wrongType(j, wrong)
				return
			}
			s.confirmed(j)
			j.g.addFields(names, fieldSource(j.typ), s.redactName)
		}
	})
	if err != nil || len(hkeys) == 0 {
		return err
	}
	for i := range hkeys {
		hkeys[i].verify = false
	}
	return s.runRound(hkeys, func(j job, r reply) {
		var ok bool
		if names, ok = fieldNames(names[:0], r, false); !ok {
			addSkipped(s.res, "field-sample-errors", 1)
			return
		}
		j.g.addFields(names, fieldSource(j.typ), s.redactName)
	})
}

// confirmed counts a verifying job's key as of its type.
func (s *sampler) confirmed(j job) {
	if j.verify {
		j.g.checked++
		j.g.addType(j.typ)
	}
}

// wrongType counts an error reply to a field-name command: the key is of
// another type (or gone), so a verifying job's key goes to wrong, to be
// typed.
func (s *sampler) wrongType(j job, wrong func(job)) {
	addSkipped(s.res, "field-sample-errors", 1)
	if j.verify {
		wrong(j)
	}
}

// runRound sends jobs, the connection's db's first and then in db order,
// in pipelined writes of at most
// roundBatch commands and about maxBatchBytes, each db's commands after a
// SELECT when the connection is on another db, and hands each reply to
// handle in order. A refused SELECT makes the result partially open, and
// that db's commands are neither sent again nor handed on (those already
// in the write ran on another db and their replies are dropped).
func (s *sampler) runRound(jobs []job, handle func(job, reply)) error {
	const selectSlot = -1
	// The db the connection is on goes first: one SELECT fewer.
	cur := s.current
	slices.SortStableFunc(jobs, func(a, b job) int {
		switch {
		case a.g.db == b.g.db:
			return 0
		case a.g.db == cur:
			return -1
		case b.g.db == cur:
			return 1
		}
		return a.g.db - b.g.db
	})
	var args []string // one slice for every command: queue encodes it at once
	slots := make([]int, 0, min(len(jobs), roundBatch)+8)
	for start := 0; start < len(jobs); {
		slots = slots[:0]
		end := start
		for ; end < len(jobs) && len(slots) < roundBatch && len(s.c.out) < maxBatchBytes; end++ {
			j := jobs[end]
			if s.badDB[j.g.db] {
				continue
			}
			if j.g.db != s.current {
				if err := s.c.queue("SELECT", itoa(j.g.db)); err != nil {
					s.c.out = s.c.out[:0]
					return err
				}
				slots = append(slots, selectSlot, j.g.db)
				s.current = j.g.db
			}
			args = s.command(args[:0], j)
			if err := s.c.queue(args...); err != nil {
				s.c.out = s.c.out[:0]
				return err
			}
			slots = append(slots, end)
		}
		if err := s.c.flush(); err != nil {
			return err
		}
		for i := 0; i < len(slots); i++ {
			r, err := s.c.read()
			if err != nil {
				return err
			}
			if slots[i] == selectSlot {
				i++
				if r.isError() {
					s.badDB[slots[i]] = true
					s.current = -1
					s.refused("SELECT")
				}
				continue
			}
			if j := jobs[slots[i]]; !s.badDB[j.g.db] {
				handle(j, r)
			}
		}
		start = end
	}
	return nil
}

// command builds j's command into args.
func (s *sampler) command(args []string, j job) []string {
	switch {
	case j.kind == jobType:
		return append(args, "TYPE", j.key)
	case j.kind == jobHLen:
		return append(args, "HLEN", j.key)
	case j.typ == "ReJSON-RL":
		return append(args, "JSON.OBJKEYS", j.key)
	case s.hscan():
		return append(args, "HSCAN", j.key, "0", "COUNT", s.fieldCount(), "NOVALUES")
	case s.ver.atLeast(6, 2):
		return append(args, "HRANDFIELD", j.key, s.fieldCount())
	}
	return append(args, "HKEYS", j.key)
}

// hscan reports whether hash field names are read with HSCAN NOVALUES:
// Redis itself from 7.4 on (noValues).
func (s *sampler) hscan() bool { return s.noValues && s.ver.atLeast(7, 4) }

// fieldCount is the COUNT of HSCAN and HRANDFIELD.
func (s *sampler) fieldCount() string {
	return itoa(max(1, min(fieldsPerKey, s.lim.MaxFields)))
}
