package mongodb

import (
	"cmp"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"

	"github.com/spillcheck/spillcheck/scanner/redact"
)

// maxCollPatterns bounds the name patterns one listCollections is grouped
// into; collections of patterns past it still compete for the extra slots.
const maxCollPatterns = 4096

// eachDoc calls fn for every document of the BSON array arr, read in place:
// no slice of the array's values is built, so a catalog costs the memory
// of its reply (capped by the guard) and of what fn keeps. It stops at
// the first element that is not a document.
func eachDoc(arr bsoncore.Array, fn func(bsoncore.Document)) {
	if len(arr) < 5 {
		return
	}
	rem := arr[4 : len(arr)-1]
	for len(rem) > 0 {
		el, rest, ok := bsoncore.ReadElement(rem)
		if !ok {
			return
		}
		d, ok := el.Value().DocumentOK()
		if !ok {
			return
		}
		fn(d)
		rem = rest
	}
}

// pickDatabases reads listDatabases' "databases" as it iterates and keeps
// at most maxDBs of them, the system databases left out unless
// includeSystem: the highest by name evidence (rank), then size
// (sizeOnDisk), then name. It returns those in that order, how many
// databases the listing had, and how many system databases it skipped.
func pickDatabases(doc bsoncore.Document, maxDBs int, includeSystem bool, rank func(string) int) (kept []database, seen, system int) {
	arr, ok := doc.Lookup("databases").ArrayOK()
	if !ok {
		return nil, 0, 0
	}
	better := func(a, b database) int {
		return cmp.Or(cmp.Compare(b.rank, a.rank), cmp.Compare(b.size, a.size), strings.Compare(a.name, b.name))
	}
	eachDoc(arr, func(d bsoncore.Document) {
		n, ok := d.Lookup("name").StringValueOK()
		if !ok || n == "" {
			return
		}
		seen++
		if systemDBs[n] && !includeSystem {
			system++
			return
		}
		db := database{name: n, size: numberOf(d.Lookup("sizeOnDisk")), rank: rank(n)}
		kept = insertBounded(kept, db, maxDBs, better)
	})
	return kept, seen, system
}

// insertBounded inserts v into s, kept sorted by less-first order cmp and
// at most n long.
func insertBounded[T any](s []T, v T, n int, order func(a, b T) int) []T {
	i, _ := slices.BinarySearchFunc(s, v, order)
	if i >= n {
		return s
	}
	s = slices.Insert(s, i, v)
	if len(s) > n {
		s = s[:n]
	}
	return s
}

// collPattern is the collections of one database that share a name
// pattern (redact.Name: "logs_2023_01" and "logs_2023_02" are
// "logs_<int>_<int>").
type collPattern struct {
	pattern string
	rank    int
	count   int
	rep     collEntry // the member last in name order: the newest of dated names
}

// pickCollections reads listCollections' first batch as it iterates and
// chooses at most maxColls collections to inventory, system.* left out
// unless includeSystem. Names are grouped into patterns over the whole
// listing; patterns are ordered by name evidence (rank of the pattern),
// then by how many collections they hold, then by name; each gets one
// collection (its last in name order) in that order first, and the slots
// left go to the other collections of the best-ranked patterns. What it
// keeps while iterating is bounded: the patterns (at most
// maxCollPatterns) with one collection each, and the maxColls best other
// collections. It returns the chosen collections in name order, and how
// many collections and patterns the listing had.
func pickCollections(reply bsoncore.Document, maxColls int, includeSystem bool, rank func(string) int) (chosen []collEntry, seen, patterns, system int) {
	arr, ok := reply.Lookup("cursor", "firstBatch").ArrayOK()
	if !ok {
		return nil, 0, 0, 0
	}
	groups := map[string]*collPattern{}
	type extra struct {
		e    collEntry
		rank int
	}
	order := func(a, b extra) int {
		return cmp.Or(cmp.Compare(b.rank, a.rank), strings.Compare(b.e.name, a.e.name))
	}
	var extras []extra
	eachDoc(arr, func(d bsoncore.Document) {
		e := collEntry{typ: "collection"}
		e.name, _ = d.Lookup("name").StringValueOK()
		if e.name == "" {
			return
		}
		if strings.HasPrefix(e.name, "system.") && !includeSystem {
			system++
			return
		}
		seen++
		if t, ok := d.Lookup("type").StringValueOK(); ok {
			e.typ = t
		}
		e.options, _ = d.Lookup("options").DocumentOK()
		p := redact.Name(e.name)
		g := groups[p]
		switch {
		case g == nil && len(groups) < maxCollPatterns:
			g = &collPattern{pattern: p, rank: rank(p), rep: e}
			groups[p] = g
		case g != nil && e.name > g.rep.name:
			g.rep, e = e, g.rep
		}
		r := 0
		if g != nil {
			g.count++
			if g.rep.name == e.name {
				return // the first member: it is the representative
			}
			r = g.rank
		} else {
			r = rank(p)
		}
		extras = insertBounded(extras, extra{e, r}, maxColls, order)
	})
	ranked := make([]*collPattern, 0, len(groups))
	for _, g := range groups {
		ranked = append(ranked, g)
	}
	slices.SortFunc(ranked, func(a, b *collPattern) int {
		return cmp.Or(cmp.Compare(b.rank, a.rank), cmp.Compare(b.count, a.count), strings.Compare(a.pattern, b.pattern))
	})
	taken := map[string]bool{}
	for _, g := range ranked {
		if len(chosen) < maxColls {
			chosen = append(chosen, g.rep)
			taken[g.rep.name] = true
		}
	}
	for _, x := range extras {
		if len(chosen) < maxColls && !taken[x.e.name] {
			chosen = append(chosen, x.e)
			taken[x.e.name] = true
		}
	}
	slices.SortFunc(chosen, func(a, b collEntry) int { return strings.Compare(a.name, b.name) })
	return chosen, seen, len(groups), system
}
