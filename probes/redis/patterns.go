package redis

import (
	"slices"
	"strconv"
	"strings"

	"github.com/spillcheck/spillcheck/scanner"

	"github.com/spillcheck/spillcheck/scanner/redact"
)

// group is the keys of one db that share a redacted pattern. sample holds a
// few raw key names for field sampling; they never leave the package.
type group struct {
	pattern string
	keys    int
	// members are the group's raw key names in SCAN order, until
	// typeGroups is done with them.
	members []string
	typed   int         // keys whose TYPE was asked
	types   []typeCount // few: one per key type seen
	sample  []fieldJob  // keys whose field names are read (addSample)
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

// groupKeys redacts each key, collapses segments that vary from key to key,
// and groups the keys by the resulting pattern, largest group first. The
// pattern does not depend on a key's type: each group lists its keys in
// SCAN order (members, carved from one slice) for typeGroups.
func groupKeys(keys []string) []*group {
	redacted := make([]string, len(keys))
	counts := map[string]int{}
	for i, k := range keys {
		redacted[i] = redact.Name(k)
		counts[redacted[i]]++
	}
	final := collapse(counts)
	sizes := make(map[string]int, len(final))
	for r, n := range counts {
		sizes[final[r]] += n
	}
	byName := make(map[string]*group, len(sizes))
	groups := make([]*group, 0, len(sizes))
	all := make([]string, 0, len(keys))
	for i, k := range keys {
		name := final[redacted[i]]
		g := byName[name]
		if g == nil {
			g = &group{pattern: name, members: all[len(all) : len(all) : len(all)+sizes[name]]}
			all = all[:len(all)+sizes[name]]
			byName[name] = g
			groups = append(groups, g)
		}
		g.keys++
		g.members = append(g.members, k)
	}
	slices.SortFunc(groups, func(a, b *group) int {
		if a.keys != b.keys {
			return b.keys - a.keys
		}
		return strings.Compare(a.pattern, b.pattern)
	})
	return groups
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

// collapse maps each pattern to one where a segment (between ":", "/", "|"
// or "#") that varies across otherwise equal patterns, with two or more
// values and on average at most two keys per value, becomes <id>: user
// names, slugs and other identifiers redact.Name cannot recognize. Namespaces
// ("cache:users:<int>", "cache:posts:<int>") hold many keys per value and
// stay. The first segment is never collapsed; segments holding a
// placeholder already are left alone.
func collapse(counts map[string]int) map[string]string {
	segs := map[string][]string{}
	width := 0
	for p := range counts {
		segs[p] = splitSegments(p)
		width = max(width, len(segs[p]))
	}
	for pos := 2; pos < width; pos += 2 {
		type bucket struct {
			values map[string]int
			keys   int
		}
		buckets := map[string]*bucket{}
		// keyOf is fmt.Sprint(len(s), strings.Join(s[:pos], ""), "\x00",
		// strings.Join(s[pos+1:], "")), built with one allocation.
		keyOf := func(s []string) string {
			n := 21
			for _, w := range s {
				n += len(w)
			}
			var b strings.Builder
			b.Grow(n)
			b.WriteString(strconv.Itoa(len(s)))
			for _, w := range s[:pos] {
				b.WriteString(w)
			}
			b.WriteByte(0)
			for _, w := range s[pos+1:] {
				b.WriteString(w)
			}
			return b.String()
		}
		for p, s := range segs {
			if len(s) <= pos || strings.Contains(s[pos], "<") {
				continue
			}
			k := keyOf(s)
			b := buckets[k]
			if b == nil {
				b = &bucket{values: map[string]int{}}
				buckets[k] = b
			}
			b.values[s[pos]] += counts[p]
			b.keys += counts[p]
		}
		for _, s := range segs {
			if len(s) <= pos || strings.Contains(s[pos], "<") {
				continue
			}
			if b := buckets[keyOf(s)]; len(b.values) >= 2 && 2*len(b.values) >= b.keys {
				s[pos] = redact.ID
			}
		}
	}
	out := make(map[string]string, len(counts))
	for p, s := range segs {
		out[p] = strings.Join(s, "")
	}
	return out
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
func (g *group) container(db string, maxFields int, res *scanner.Result) scanner.Container {
	c := scanner.Container{
		Kind: "key-pattern", Name: g.pattern, Database: db,
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
	if g.typed < g.keys {
		// The type was read from the first typed keys, which agreed.
		setAttr("typed_keys", itoa(g.typed))
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
