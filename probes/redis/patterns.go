package redis

import (
	"cmp"
	"hash/maphash"
	"slices"
	"strings"

	"github.com/spillcheck/spillcheck/scanner"
	"github.com/spillcheck/spillcheck/scanner/redact"
)

// group is the keys of one db that share a redacted pattern. members holds
// a few raw key names for typing and field sampling; they never leave the
// package.
type group struct {
	db      int
	pattern string
	keys    int // keys listed
	rank    int // name evidence, 0 to 100 (Env.RankName)
	// members are the first keysPerPattern raw key names SCAN returned,
	// the keys that may be sampled.
	members []string
	// checked counts members whose type is known: answered TYPE, or
	// answered a field-name command, which only keys of that type do.
	checked int
	types   []typeCount // few: one per key type seen
	first   string      // the first member's type (sampling round A)
	unknown []string    // members that refused the field-name command of first's type
	fields  map[string]int
	source  string
	read    int // sampled keys whose field names were read
}

type typeCount struct {
	typ string
	n   int
}

func (g *group) addType(typ string) {
	for i := range g.types {
		if g.types[i].typ == typ {
			g.types[i].n++
			return
		}
	}
	g.types = append(g.types, typeCount{typ, 1})
}

// addMember keeps key as one of the group's members while there is room.
func (g *group) addMember(key string) {
	if len(g.members) < keysPerPattern && !slices.Contains(g.members, key) {
		g.members = append(g.members, key)
	}
}

// fieldSource says how field names of a key type are read, "" when they
// are not.
func fieldSource(typ string) string {
	switch typ {
	case "hash":
		return scanner.SourceHashField
	case "ReJSON-RL":
		return scanner.SourceJSONKey
	}
	return ""
}

// idRules are the places collapse found to hold identifiers: a segment
// position in a context (bucket). Applied to a new name, in position
// order, they give the pattern the names before it were collapsed into,
// so a listing can be grouped as it streams. Contexts are kept as 64-bit
// hashes, so applying the rules to a name allocates nothing.
type idRules struct {
	seed maphash.Seed
	set  map[uint64]struct{}
	segs []string // scratch for apply
	out  []byte   // scratch for apply
}

func newIDRules() *idRules {
	return &idRules{seed: maphash.MakeSeed(), set: map[uint64]struct{}{}}
}

func (r *idRules) has(pos int, s []string) bool {
	_, ok := r.set[r.bucket(pos, s)]
	return ok
}

// Collapse thresholds: a segment position is an identifier when it holds
// at least two values and either about one key per value (2 × values ≥
// keys), or many values (manyValues or more) with few keys each (at most
// fewKeys per value on average), or values of which at least half are
// identifiers at another position (the users of "chat:<a>:<b>" appear on
// both sides). Namespaces ("cache:users:<int>", "cache:posts:<int>") hold
// many keys per value and stay.
const (
	manyValues = 16
	fewKeys    = 8
	// collapseRounds bounds the passes over all positions: a position
	// collapsed can make another one's values look like identifiers.
	collapseRounds = 4
)

// collapse returns, for each of patterns (with keys[i] keys each), its
// form where each segment (between ":", "/", "|" or "#") that holds
// identifiers becomes <id>, and adds what it learned to rules. A
// position's context (bucket) is the number of segments, the separators,
// the words before it (as already collapsed) and the last word (unless it
// is the position itself), so that "chat:alice:bob:last_seen" and
// "chat:carol:dave:last_seen" become "chat:<id>:<id>:last_seen" though two
// segments vary at once; a context that holds <id> at the position already
// takes every other value there as an identifier too. Positions are taken
// left to right, in passes until nothing changes. The first segment is
// never collapsed; segments holding another placeholder are left alone. A
// context of fewer than minKeys keys learns nothing: a listing that is
// still streaming decides only on enough evidence.
func collapse(patterns []string, keys []int, rules *idRules, minKeys int) []string {
	segs := make([][]string, len(patterns))
	width := 0
	for i, p := range patterns {
		segs[i] = splitSegments(nil, p)
		width = max(width, len(segs[i]))
	}
	var cells []cell
	var ids map[string]bool // words collapsed to <id>
	for range collapseRounds {
		changed := false
		for pos := 2; pos < width; pos += 2 {
			plain := false
			for _, s := range segs {
				if len(s) > pos && !strings.Contains(s[pos], "<") {
					plain = true
					break
				}
			}
			if !plain {
				continue // nothing left to decide here
			}
			cells = cells[:0]
			for i, s := range segs {
				if len(s) > pos && (s[pos] == redact.ID || !strings.Contains(s[pos], "<")) {
					cells = append(cells, cell{h: rules.bucket(pos, s), w: s[pos], n: keys[i], i: i})
				}
			}
			slices.SortFunc(cells, func(a, b cell) int { return cmp.Or(cmp.Compare(a.h, b.h), strings.Compare(a.w, b.w)) })
			for start := 0; start < len(cells); {
				end := start
				for end < len(cells) && cells[end].h == cells[start].h {
					end++
				}
				bucket := cells[start:end]
				start = end
				if _, known := rules.set[bucket[0].h]; !known && learns(bucket, minKeys, ids) {
					rules.set[bucket[0].h] = struct{}{}
				}
				if _, ok := rules.set[bucket[0].h]; !ok {
					continue
				}
				for _, c := range bucket {
					if c.w != redact.ID {
						if ids == nil {
							ids = map[string]bool{}
						}
						ids[c.w] = true
						segs[c.i][pos], changed = redact.ID, true
					}
				}
			}
		}
		if !changed {
			break
		}
	}
	out := make([]string, len(patterns))
	for i, s := range segs {
		out[i] = strings.Join(s, "")
	}
	return out
}

// cell is one pattern's word at the position collapse is deciding: the
// hash of its context, the word, the pattern's keys and its index.
type cell struct {
	h uint64
	w string
	n int
	i int
}

// learns decides one context from its cells (sorted by word): a context
// already holding <id> learns at once; otherwise isIDPosition decides on
// its plain values, given minKeys keys.
func learns(bucket []cell, minKeys int, ids map[string]bool) bool {
	keys, values, known, hasID := 0, 0, 0, false
	prev := ""
	for i, c := range bucket {
		if c.w == redact.ID {
			hasID = true
			continue
		}
		keys += c.n
		if i == 0 || c.w != prev {
			values++
			if ids[c.w] {
				known++
			}
		}
		prev = c.w
	}
	if values == 0 || keys < minKeys {
		return false
	}
	return hasID || isIDPosition(values, keys, known)
}

// isIDPosition applies the thresholds to one context: v distinct values
// over keys keys, known of them identifiers elsewhere.
func isIDPosition(v, keys, known int) bool {
	if v < 2 {
		return false
	}
	return 2*v >= keys || (v >= manyValues && keys <= fewKeys*v) || 2*known >= v
}

// apply collapses pattern p by the rules learned so far, in the order
// collapse learned them: positions left to right, in passes. The result is
// valid until the next call.
func (r *idRules) apply(p string) []byte {
	r.out = append(r.out[:0], p...)
	if len(r.set) == 0 {
		return r.out
	}
	r.segs = splitSegments(r.segs[:0], p)
	s := r.segs
	changed := false
	for range collapseRounds {
		// Left to right, a position's context already holds the
		// collapsed words before it; only a collapsed last word changes
		// the context of the words before it, and calls for a new pass.
		lastChanged := false
		for pos := 2; pos < len(s); pos += 2 {
			if !strings.Contains(s[pos], "<") && r.has(pos, s) {
				s[pos], changed = redact.ID, true
				lastChanged = pos == len(s)-1
			}
		}
		if !lastChanged {
			break
		}
	}
	if changed {
		r.out = r.out[:0]
		for _, w := range s {
			r.out = append(r.out, w...)
		}
	}
	return r.out
}

// bucket hashes the context of the word at pos in s: the segment count,
// every segment before pos, the separators after it and the last word
// unless pos is the last.
func (r *idRules) bucket(pos int, s []string) uint64 {
	var h maphash.Hash
	h.SetSeed(r.seed)
	h.WriteByte(byte(len(s)))
	for _, w := range s[:pos] {
		h.WriteString(w)
		h.WriteByte(0)
	}
	h.WriteByte(1)
	for i := pos + 1; i < len(s); i += 2 {
		h.WriteString(s[i])
	}
	h.WriteByte(1)
	if last := len(s) - 1; pos != last {
		h.WriteString(s[last])
	}
	return h.Sum64()
}

// splitSegments appends to out the words of a pattern and the separators
// between them: "a:b/c" is ["a", ":", "b", "/", "c"]; words sit at even
// indexes.
func splitSegments(out []string, p string) []string {
	start := 0
	for i := range len(p) {
		if c := p[i]; c == ':' || c == '/' || c == '|' || c == '#' {
			out = append(out, p[start:i], p[i:i+1])
			start = i + 1
		}
	}
	return append(out, p[start:])
}

// container turns a group into the result's key-pattern container, keeping
// at most maxFields field names, most common first.
func (g *group) container(maxFields int, res *scanner.Result) scanner.Container {
	c := scanner.Container{
		Kind: "key-pattern", Name: g.pattern, Database: "db" + itoa(g.db),
		Docs: scanner.Int64(int64(g.keys)), Type: g.mainType(),
	}
	setAttr := func(k, v string) {
		if c.Attrs == nil {
			c.Attrs = map[string]string{}
		}
		c.Attrs[k] = v
	}
	if len(g.types) > 1 {
		setAttr("types", g.typeList())
	}
	if g.checked < g.keys {
		// The type was read from the keys checked, which agreed.
		setAttr("typed_keys", itoa(g.checked))
	}
	if g.read > 0 {
		setAttr("field_sampled_keys", itoa(g.read))
	}
	if len(g.fields) == 0 {
		return c
	}
	fields := make([]scanner.FieldSample, 0, len(g.fields))
	for f, n := range g.fields {
		fields = append(fields, scanner.FieldSample{Path: f, Source: g.source, Count: n})
	}
	slices.SortFunc(fields, func(a, b scanner.FieldSample) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Path, b.Path)
	})
	if len(fields) > maxFields {
		addSkipped(res, "fields-over-max-fields", len(fields)-maxFields)
		fields = fields[:maxFields]
	}
	c.Fields = fields
	return c
}

func (g *group) mainType() string {
	best, n := "", -1
	for _, t := range g.types {
		if t.n > n || (t.n == n && t.typ < best) {
			best, n = t.typ, t.n
		}
	}
	return best
}

func (g *group) typeList() string {
	ts := make([]string, 0, len(g.types))
	for _, t := range g.types {
		ts = append(ts, t.typ+":"+itoa(t.n))
	}
	slices.Sort(ts)
	return strings.Join(ts, ",")
}
