package elasticsearch

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spillcheck/spillcheck/scanner"
)

// Bounds of the aliases remembered from _cat/aliases: alias-to-index pairs
// beyond maxAliasPairs are counted, not kept, and an alias container lists
// at most aliasIndicesShown index names.
const (
	maxAliasPairs     = 16384
	aliasIndicesShown = 10
)

// aliasBook holds the aliases, read before the index listing, and sums the
// indices they point to as the listing streams by.
type aliasBook struct {
	includeSystem bool
	byIndex       map[string][]*alias
	byName        map[string]*alias
	pairs         int
	over          int // pairs not kept, over maxAliasPairs
}

// alias is one alias and the figures of the listed indices it points to.
type alias struct {
	name    string
	rank    int
	members int
	docs    int64
	bytes   int64
	shown   []string // the smallest member names, at most aliasIndicesShown
	dotted  bool     // a system alias (a leading dot), not listed
	toSys   bool     // points at a system index that was passed over
}

func newAliasBook(includeSystem bool) *aliasBook {
	return &aliasBook{includeSystem: includeSystem, byIndex: map[string][]*alias{}, byName: map[string]*alias{}}
}

// pair records one alias-to-index pair from _cat/aliases.
func (b *aliasBook) pair(name, index string, rank func(string) int) {
	if b.pairs >= maxAliasPairs {
		b.over++
		return
	}
	a := b.byName[name]
	if a == nil {
		a = &alias{name: name, docs: -1, bytes: -1, rank: rank(name)}
		a.dotted = !b.includeSystem && strings.HasPrefix(name, ".")
		b.byName[name] = a
	}
	b.pairs++
	b.byIndex[index] = append(b.byIndex[index], a)
}

// index counts a listed index into its aliases, and their names into u's
// attributes (u is nil when the index fell out of the grouping table).
func (b *aliasBook) index(r *indexRow, u *unit) {
	for _, a := range b.byIndex[r.Name] {
		if a.dotted {
			continue
		}
		a.members++
		if r.Docs >= 0 {
			a.docs = max(a.docs, 0) + r.Docs
		}
		if r.Bytes >= 0 {
			a.bytes = max(a.bytes, 0) + r.Bytes
		}
		if i, _ := slices.BinarySearch(a.shown, r.Name); i < aliasIndicesShown {
			a.shown = slices.Insert(a.shown, i, r.Name)
			if len(a.shown) > aliasIndicesShown {
				a.shown = a.shown[:aliasIndicesShown]
			}
		}
		if u != nil {
			u.addAlias(a.name)
		}
	}
}

// system marks the aliases of a system index that is passed over.
func (b *aliasBook) system(index string) {
	for _, a := range b.byIndex[index] {
		a.toSys = true
	}
}

// containers renders up to limit aliases that point at listed indices,
// strongest name evidence and then largest first, and counts the rest in
// skip.
func (b *aliasBook) containers(limit int, skip func(string, int)) []scanner.Container {
	var kept []*alias
	for _, a := range b.byName {
		switch {
		case a.members == 0 && (a.dotted || a.toSys):
			skip("system-aliases", 1)
		case a.members > 0:
			kept = append(kept, a)
		}
	}
	slices.SortFunc(kept, func(x, y *alias) int {
		switch {
		case x.rank != y.rank:
			return y.rank - x.rank
		case x.bytes != y.bytes:
			return cmpInt(y.bytes, x.bytes)
		case x.docs != y.docs:
			return cmpInt(y.docs, x.docs)
		}
		return strings.Compare(x.name, y.name)
	})
	if len(kept) > limit {
		skip("over-max-aliases", len(kept)-limit)
		kept = kept[:limit]
	}
	skip("over-max-aliases", b.over)
	out := make([]scanner.Container, 0, len(kept))
	for _, a := range kept {
		list := strings.Join(a.shown, ",")
		if a.members > len(a.shown) {
			list += fmt.Sprintf(",+%d more", a.members-len(a.shown))
		}
		out = append(out, scanner.Container{
			Kind: "alias", Name: a.name, Members: a.members, Docs: known(a.docs), Bytes: known(a.bytes),
			Attrs: map[string]string{"indices": list},
		})
	}
	return out
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// known returns a pointer to a count, nil when it is -1 (unknown).
func known(v int64) *int64 {
	if v < 0 {
		return nil
	}
	return &v
}
