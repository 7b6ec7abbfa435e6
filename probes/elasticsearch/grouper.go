package elasticsearch

import (
	"container/heap"
	"strings"
)

// Bounds of the grouping state, whatever the listing's length.
const (
	// minGroupTable is the least number of units the grouper holds; it
	// holds 8 × Limits.MaxIndices when that is more.
	minGroupTable = 4096
	// maxBackingTotal bounds the backing index names remembered over all
	// data streams.
	maxBackingTotal = 16384
	// maxStreams bounds the data streams kept.
	maxStreams = 1024
)

// grouper turns a streamed index listing into units with bounded state: at
// most size units, each a handful of strings and counters, however many
// indices stream by. When a new pattern finds the table full, it first
// folds patterns that differ in one segment (tenants: acme-logs-*,
// globex-logs-* into *-logs-*, see fold.go), and failing that drops the
// smaller of the new pattern and the weakest unit held (weakest by name
// evidence, then size), counting the indices so dropped.
type grouper struct {
	rank          func(string) int
	size          int
	includeSystem bool

	units   map[string]*unit // patterns and single indices, by key
	weakest unitHeap         // the same units, weakest at the root
	folds   map[string]*unit // fold name to its unit, for later members
	streams map[string]*unit // data streams by name
	backing map[string]*unit // backing index name to its data stream
	aliases *aliasBook

	indices  int      // indices counted into a unit (not system ones)
	system   int      // system indices passed over
	dropped  int      // indices in units dropped from the table
	admitted int      // units admitted since the last fold
	full     bool     // the table overflowed: counts of units are estimates
	keys     distinct // distinct unit keys seen, for when the table overflowed
}

func newGrouper(rank func(string) int, maxIndices int, includeSystem bool, aliases *aliasBook) *grouper {
	return &grouper{
		rank: rank, size: max(minGroupTable, 8*maxIndices), includeSystem: includeSystem,
		units: map[string]*unit{}, folds: map[string]*unit{}, streams: map[string]*unit{},
		backing: map[string]*unit{}, aliases: aliases,
	}
}

// addStream records a data stream before the index listing, so its backing
// indices are counted into it. It reports false when the stream was not
// kept (a system stream, or over maxStreams).
func (g *grouper) addStream(ds *dataStream) bool {
	if len(g.streams) >= maxStreams || g.streams[ds.Name] != nil {
		return false
	}
	u := newUnit("data-stream", ds.Name, g.rank(ds.Name))
	u.ds = ds
	g.streams[ds.Name] = u
	for _, name := range ds.Indices {
		if len(g.backing) >= maxBackingTotal {
			break
		}
		g.backing[name] = u
	}
	return true
}

// add counts one row of the index listing into its unit.
func (g *grouper) add(r *indexRow) {
	if u := g.backing[r.Name]; u != nil {
		g.indices++
		u.add(r)
		g.aliases.index(r, u)
		return
	}
	if !g.includeSystem && strings.HasPrefix(r.Name, ".") {
		g.system++
		g.aliases.system(r.Name)
		return
	}
	g.indices++
	key := r.Name
	if p, ok := patternOf(r.Name); ok {
		key = p
	}
	g.keys.add(key)
	u := g.units[key]
	if u == nil {
		if u = g.admit(key, r); u == nil {
			g.dropped++
			g.aliases.index(r, nil)
			return
		}
	}
	u.add(r)
	if u.heapAt >= 0 {
		heap.Fix(&g.weakest, u.heapAt)
	}
	g.aliases.index(r, u)
}

// admit finds or makes the unit for a key not in the table: a fold that
// takes it, or a new unit, making room when the table is full. It returns
// nil when the new unit would be the weakest in a full table.
func (g *grouper) admit(key string, r *indexRow) *unit {
	rank := g.rank(key)
	if rank == 0 {
		if f := g.foldFor(key); f != nil {
			return f
		}
	}
	u := newUnit("index-pattern", key, rank)
	if len(g.units) >= g.size {
		g.full = true
		if g.admitted >= g.size/4 {
			g.fold()
			if f := g.foldFor(key); rank == 0 && f != nil {
				return f
			}
		}
		if len(g.units) >= g.size {
			probe := *u
			probe.add(r)
			if g.weakest[0].outranks(&probe) {
				return nil
			}
			g.drop(g.weakest[0])
		}
	}
	g.admitted++
	g.insert(u)
	return u
}

func (g *grouper) insert(u *unit) {
	g.units[u.name] = u
	heap.Push(&g.weakest, u)
}

func (g *grouper) drop(u *unit) {
	heap.Remove(&g.weakest, u.heapAt)
	delete(g.units, u.name)
	delete(g.folds, u.name)
	g.dropped += u.members
}

// all returns every unit held: data streams, then the table's units.
func (g *grouper) all() []*unit {
	out := make([]*unit, 0, len(g.streams)+len(g.units))
	for _, u := range g.streams {
		out = append(out, u)
	}
	for _, u := range g.units {
		out = append(out, u)
	}
	return out
}

// seen counts the units the listing made, those folded or dropped
// included; exact unless the table overflowed (then estimated is true).
func (g *grouper) seen() (n int, estimated bool) {
	if !g.full {
		return len(g.streams) + len(g.units), false
	}
	return len(g.streams) + g.keys.estimate(), true
}

// unitHeap is a min-heap of units, the weakest (see unit.outranks) first.
type unitHeap []*unit

func (h unitHeap) Len() int           { return len(h) }
func (h unitHeap) Less(i, j int) bool { return h[j].outranks(h[i]) }
func (h unitHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].heapAt, h[j].heapAt = i, j
}
func (h *unitHeap) Push(x any) {
	u := x.(*unit)
	u.heapAt = len(*h)
	*h = append(*h, u)
}
func (h *unitHeap) Pop() any {
	old := *h
	u := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	u.heapAt = -1
	return u
}
