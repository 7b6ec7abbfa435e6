package redis

import (
	"strconv"

	"github.com/spillcheck/spillcheck/scanner/redact"
)

// fieldJob is one sampled key whose field names are read.
type fieldJob struct {
	g   *group
	key string
	typ string
}

// sampleFields reads the field names of each group's sampled keys, never
// their values: HSCAN NOVALUES on Redis >= 7.4, HRANDFIELD without
// WITHVALUES on >= 6.2, HKEYS of hashes whose HLEN is small on older
// servers, and JSON.OBJKEYS for RedisJSON documents.
func (s *sampler) sampleFields(groups []*group) error {
	n := 0
	for _, g := range groups {
		n += len(g.sample)
	}
	jobs := make([]fieldJob, 0, n)
	for _, g := range groups {
		jobs = append(jobs, g.sample...)
	}
	count := itoa(max(1, min(fieldsPerKey, s.lim.MaxFields)))
	if !s.ver.atLeast(6, 2) {
		var err error
		if jobs, err = s.smallHashes(jobs); err != nil {
			return err
		}
	}
	var tail func() error
	if s.next >= 0 {
		tail = func() error { s.nextSent = true; return s.queueSelect(s.next) }
	}
	var args []string  // one slice for every command: pipeline allows it
	var names []string // one slice for every reply: addFields keeps none
	return pipelineThen(s.c, jobs, pipelineBatch, func(j fieldJob) []string {
		switch {
		case j.typ == "ReJSON-RL":
			args = append(args[:0], "JSON.OBJKEYS", j.key)
		case s.ver.atLeast(7, 4):
			args = append(args[:0], "HSCAN", j.key, "0", "COUNT", count, "NOVALUES")
		case s.ver.atLeast(6, 2):
			args = append(args[:0], "HRANDFIELD", j.key, count)
		default:
			args = append(args[:0], "HKEYS", j.key)
		}
		return args
	}, func(j fieldJob, r reply) {
		var ok bool
		names, ok = fieldNames(names[:0], r, j.typ == "hash" && s.ver.atLeast(7, 4))
		if !ok {
			addSkipped(s.res, "field-sample-errors", 1)
			return
		}
		j.g.addFields(names, fieldSource(j.typ), s.redactName)
	}, tail)
}

// smallHashes asks HLEN of each hash and keeps the jobs whose hash is small
// enough for HKEYS, on servers without HRANDFIELD.
func (s *sampler) smallHashes(jobs []fieldJob) ([]fieldJob, error) {
	var keep, hashes []fieldJob
	for _, j := range jobs {
		if j.typ == "hash" {
			hashes = append(hashes, j)
		} else {
			keep = append(keep, j)
		}
	}
	var args []string // one slice for every command: pipeline allows it
	err := pipeline(s.c, hashes, pipelineBatch, func(j fieldJob) []string {
		args = append(args[:0], "HLEN", j.key)
		return args
	}, func(j fieldJob, r reply) {
		if n, err := strconv.Atoi(r.str); r.kind == ':' && err == nil && n <= hkeysMaxHashLen {
			keep = append(keep, j)
		} else {
			addSkipped(s.res, "hashes-too-large-for-hkeys", 1)
		}
	})
	return keep, err
}

// fieldNames appends to names the names in an HSCAN, HRANDFIELD, HKEYS or
// JSON.OBJKEYS reply. JSON.OBJKEYS with a JSONPath answers an array per
// match; the names of all of them are returned.
func fieldNames(names []string, r reply, hscan bool) ([]string, bool) {
	if r.kind != '*' {
		return nil, false
	}
	elems := r.elems
	if hscan {
		if len(elems) != 2 || elems[1].kind != '*' {
			return nil, false
		}
		elems = elems[1].elems
	}
	for _, e := range elems {
		switch {
		case e.kind == '$' && !e.null:
			names = append(names, e.str)
		case e.kind == '*':
			for _, n := range e.elems {
				if n.kind == '$' && !n.null {
					names = append(names, n.str)
				}
			}
		}
	}
	return names, true
}

// addFields counts each redacted field name once per key; redactName is
// redact.Name or a memo of it.
func (g *group) addFields(names []string, source string, redactName func(string) string) {
	g.read++
	g.source = source
	if g.fields == nil {
		g.fields = map[string]int{}
	}
	seen := map[string]bool{}
	for _, n := range names {
		p := redactName(n)
		if !seen[p] {
			seen[p] = true
			g.fields[p]++
		}
	}
}

// redactName is redact.Name, remembered for the names this probe has seen:
// the keys of one pattern mostly share their field names.
func (s *sampler) redactName(name string) string {
	if p, ok := s.redacted[name]; ok {
		return p
	}
	p := redact.Name(name)
	if s.redacted == nil {
		s.redacted = map[string]string{}
	}
	if len(s.redacted) < maxRedactMemo {
		s.redacted[name] = p
	}
	return p
}

// maxRedactMemo bounds the names redactName remembers.
const maxRedactMemo = 4096
