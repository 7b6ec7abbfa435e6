package elasticsearch

import (
	"strings"
)

// patternOf returns the pattern an index belongs to: its name with a
// trailing run of digits and separators (a date, a rollover counter)
// replaced by "*", starting after the run's first separator. Names without
// such a run have no pattern: "messages-2022.01.01" and "logs-000001" have
// "messages-*" and "logs-*", "users" and "logs2024" have none.
func patternOf(name string) (string, bool) {
	i := len(name)
	for i > 0 && strings.IndexByte("0123456789._-", name[i-1]) >= 0 {
		i--
	}
	run := name[i:]
	sep := strings.IndexAny(run, "._-")
	if i == 0 {
		return "", false // nothing but the run, such as "2022.01.01"
	}
	if sep < 0 || !strings.ContainsAny(run[sep:], "0123456789") {
		return "", false
	}
	return name[:i+sep+1] + "*", true
}

// maxUnitStatuses and maxUnitAliases bound the distinct statuses and alias
// names a unit keeps for its attributes.
const (
	maxUnitStatuses = 4
	maxUnitAliases  = 10
)

// unit is one thing the report may list: a single index, the indices
// sharing a pattern, the patterns of several tenants folded into one, or a
// data stream with its backing indices. Its figures are summed while the
// listing streams by; its members are counted, not kept.
type unit struct {
	kind    string // "index-pattern" (one member: "index") or "data-stream"
	name    string // the pattern, the index name, or the data stream name
	members int
	docs    int64 // -1 while no member reported a count
	bytes   int64
	health  string
	status  []string
	first   string // smallest member name
	last    string // largest member name
	rep     string // largest open member name that may go in a path
	rank    int    // messaging evidence in the name, 0-100
	aliases []string
	ds      *dataStream
	folded  int // patterns folded into this one (see fold.go)
	heapAt  int // position in the grouper's heap, -1 when not in it
}

func newUnit(kind, name string, rank int) *unit {
	return &unit{kind: kind, name: name, docs: -1, bytes: -1, rank: rank, heapAt: -1}
}

// add counts one member index.
func (u *unit) add(r *indexRow) {
	u.members++
	if r.Docs >= 0 {
		u.docs = max(u.docs, 0) + r.Docs
	}
	if r.Bytes >= 0 {
		u.bytes = max(u.bytes, 0) + r.Bytes
	}
	u.health = worse(u.health, r.Health)
	if r.Status != "" && len(u.status) < maxUnitStatuses && !contains(u.status, r.Status) {
		u.status = append(u.status, r.Status)
	}
	if u.first == "" || r.Name < u.first {
		u.first = r.Name
	}
	if r.Name > u.last {
		u.last = r.Name
	}
	if r.Status != "close" && r.Name > u.rep && validIndexName(r.Name) {
		u.rep = r.Name
	}
}

// merge adds v's figures to u (v is folded into u).
func (u *unit) merge(v *unit) {
	u.members += v.members
	if v.docs >= 0 {
		u.docs = max(u.docs, 0) + v.docs
	}
	if v.bytes >= 0 {
		u.bytes = max(u.bytes, 0) + v.bytes
	}
	u.health = worse(u.health, v.health)
	for _, s := range v.status {
		if len(u.status) < maxUnitStatuses && !contains(u.status, s) {
			u.status = append(u.status, s)
		}
	}
	if u.first == "" || (v.first != "" && v.first < u.first) {
		u.first = v.first
	}
	u.last = max(u.last, v.last)
	u.rep = max(u.rep, v.rep)
	for _, a := range v.aliases {
		u.addAlias(a)
	}
	u.folded += max(v.folded, 1)
}

func (u *unit) addAlias(a string) {
	if len(u.aliases) < maxUnitAliases && !contains(u.aliases, a) {
		u.aliases = append(u.aliases, a)
	}
}

// representative is the member whose mapping stands for the unit: the
// newest open one by name (the current template), "" when none is open.
// A data stream none of whose backing indices was listed (a listing cut
// short) falls back to its newest backing index.
func (u *unit) representative() string {
	if u.rep == "" && u.members == 0 && u.ds != nil {
		for i := len(u.ds.Indices) - 1; i >= 0; i-- {
			if validIndexName(u.ds.Indices[i]) {
				return u.ds.Indices[i]
			}
		}
	}
	return u.rep
}

// outranks orders units for sampling: stronger name evidence, then more
// bytes, documents and members, then the name.
func (u *unit) outranks(v *unit) bool {
	if u.rank != v.rank {
		return u.rank > v.rank
	}
	return u.larger(v)
}

// larger orders units by size alone: bytes, documents, members, name.
func (u *unit) larger(v *unit) bool {
	switch {
	case u.bytes != v.bytes:
		return u.bytes > v.bytes
	case u.docs != v.docs:
		return u.docs > v.docs
	case u.members != v.members:
		return u.members > v.members
	}
	return u.name < v.name
}

// worse returns the worse of two health colours (red > yellow > green).
func worse(a, b string) string {
	if healthRank(b) > healthRank(a) {
		return b
	}
	return a
}

func healthRank(h string) int {
	switch h {
	case "green":
		return 1
	case "yellow":
		return 2
	case "red":
		return 3
	}
	return 0
}
