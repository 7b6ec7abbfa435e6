package redis

import (
	"slices"
	"strconv"
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
// position in a context (bucketKey). Applied to a new name, in position
// order, they give the pattern the names before it were collapsed into,
// so a listing can be grouped as it streams.
type idRules map[string]struct{}

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

// collapse maps each pattern of counts (pattern to keys) to one where each
// segment (between ":", "/", "|" or "#") that holds identifiers becomes
// <id>, and adds what it learned to rules. A position's context
// (bucketKey) is the number of segments, the separators, the words before
// it (as already collapsed) and the last word (unless it is the position
// itself), so that "chat:alice:bob:last_seen" and
// "chat:carol:dave:last_seen" become "chat:<id>:<id>:last_seen" though two
// segments vary at once; a context that holds <id> at the position already
// takes every other value there as an identifier too. Positions are taken
// left to right, in passes until nothing changes. The first segment is
// never collapsed; segments holding another placeholder are left alone.
func collapse(counts map[string]int, rules idRules) map[string]string {
	segs := make(map[string][]string, len(counts))
	width := 0
	for p := range counts {
		segs[p] = splitSegments(p)
		width = max(width, len(segs[p]))
	}
	type bucket struct {
		values map[string]int
		keys   int
		hasID  bool
	}
	ids := map[string]bool{} // words collapsed to <id>
	for range collapseRounds {
		changed := false
		for pos := 2; pos < width; pos += 2 {
			buckets := map[string]*bucket{}
			for p, s := range segs {
				if len(s) <= pos || (s[pos] != redact.ID && strings.Contains(s[pos], "<")) {
					continue
				}
				k := bucketKey(pos, s)
				b := buckets[k]
				if b == nil {
					b = &bucket{values: map[string]int{}}
					buckets[k] = b
				}
				if s[pos] == redact.ID {
					b.hasID = true
					continue
				}
				b.values[s[pos]] += counts[p]
				b.keys += counts[p]
			}
			for k, b := range buckets {
				if _, known := rules[k]; known || len(b.values) == 0 {
					continue
				}
				if b.hasID || isIDPosition(b.values, b.keys, ids) {
					rules[k] = struct{}{}
				}
			}
			for _, s := range segs {
				if len(s) > pos && !strings.Contains(s[pos], "<") {
					if _, ok := rules[bucketKey(pos, s)]; ok {
						ids[s[pos]] = true
						s[pos], changed = redact.ID, true
					}
				}
			}
		}
		if !changed {
			break
		}
	}
	out := make(map[string]string, len(counts))
	for p, s := range segs {
		out[p] = strings.Join(s, "")
	}
	return out
}

// isIDPosition applies the thresholds to one context's values.
func isIDPosition(values map[string]int, keys int, ids map[string]bool) bool {
	v := len(values)
	if v < 2 {
		return false
	}
	if 2*v >= keys || (v >= manyValues && keys <= fewKeys*v) {
		return true
	}
	known := 0
	for w := range values {
		if ids[w] {
			known++
		}
	}
	return 2*known >= v
}

// apply collapses pattern p by the rules learned so far, in the order
// collapse learned them: positions left to right, in passes.
func (r idRules) apply(p string) string {
	if len(r) == 0 {
		return p
	}
	s := splitSegments(p)
	changed := false
	for range collapseRounds {
		again := false
		for pos := 2; pos < len(s); pos += 2 {
			if strings.Contains(s[pos], "<") {
				continue
			}
			if _, ok := r[bucketKey(pos, s)]; ok {
				s[pos], changed, again = redact.ID, true, true
			}
		}
		if !again {
			break
		}
	}
	if !changed {
		return p
	}
	return strings.Join(s, "")
}

// bucketKey is the context of the word at pos in s: the segment count,
// every segment before pos, the separators after it and the last word
// unless pos is the last.
func bucketKey(pos int, s []string) string {
	n := 4
	for _, w := range s[:pos] {
		n += len(w)
	}
	var b strings.Builder
	b.Grow(n + len(s) + len(s[len(s)-1]))
	b.WriteString(strconv.Itoa(len(s)))
	b.WriteByte(0)
	for _, w := range s[:pos] {
		b.WriteString(w)
	}
	b.WriteByte(0)
	for i := pos + 1; i < len(s); i += 2 {
		b.WriteString(s[i])
	}
	b.WriteByte(0)
	if last := len(s) - 1; pos != last {
		b.WriteString(s[last])
	}
	return b.String()
}

// splitSegments splits a pattern into words and the separators between
// them: "a:b/c" is ["a", ":", "b", "/", "c"]; words sit at even indexes.
func splitSegments(p string) []string {
	var out []string
	start := 0
	for i := range len(p) {
		if strings.IndexByte(":/|#", p[i]) >= 0 {
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
