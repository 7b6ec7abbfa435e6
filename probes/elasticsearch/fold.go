package elasticsearch

import (
	"container/heap"
	"strings"
)

// variants returns the names a unit key folds into: the key with one of
// its segments (between "-", "_" and ".") replaced by "*", for every
// segment but a trailing "*", as long as some other segment that is not
// "*" remains. "acme-logs-*" gives "*-logs-*" and "acme-*-*";
// "tenant-4f2a-events" gives "*-4f2a-events", "tenant-*-events" and
// "tenant-4f2a-*".
func variants(key string, out []string) []string {
	out = out[:0]
	var starts []int
	for i := 0; i <= len(key); i++ {
		if i == 0 || strings.IndexByte("-_.", key[i-1]) >= 0 {
			starts = append(starts, i)
		}
	}
	literal := 0
	seg := func(n int) string {
		end := len(key)
		if n+1 < len(starts) {
			end = starts[n+1] - 1
		}
		return key[starts[n]:end]
	}
	for n := range starts {
		if s := seg(n); s != "*" && s != "" {
			literal++
		}
	}
	if literal < 2 {
		return out
	}
	for n := range starts {
		s := seg(n)
		if s == "*" || s == "" {
			continue
		}
		end := starts[n] + len(s)
		out = append(out, key[:starts[n]]+"*"+key[end:])
	}
	return out
}

// foldFor returns the fold that takes a key, if one was made.
func (g *grouper) foldFor(key string) *unit {
	if len(g.folds) == 0 {
		return nil
	}
	var buf [8]string
	for _, v := range variants(key, buf[:0]) {
		if f := g.folds[v]; f != nil {
			return f
		}
	}
	return nil
}

// fold merges the table's units without name evidence that share a
// variant with at least one other into one unit per variant, the variant
// most of them share first. Units with name evidence are never folded:
// they keep their own name and representative.
func (g *grouper) fold() {
	g.admitted = 0
	shared := map[string]int{}
	var buf []string
	for key, u := range g.units {
		if u.rank > 0 {
			continue
		}
		buf = variants(key, buf)
		for _, v := range buf {
			shared[v]++
		}
	}
	for key, u := range g.units {
		if u.rank > 0 || g.folds[key] == u {
			continue
		}
		best, n := "", 1
		for _, v := range variants(key, buf) {
			if c := shared[v]; c > n || (c == n && c > 1 && v < best) {
				best, n = v, c
			}
		}
		if best == "" {
			continue
		}
		f := g.folds[best]
		if f == nil {
			if f = g.units[best]; f != nil && f.rank > 0 {
				continue // a unit with evidence keeps its own members
			} else if f == nil {
				f = newUnit("index-pattern", best, g.rank(best))
				g.insert(f)
			}
			g.folds[best] = f
		}
		heap.Remove(&g.weakest, u.heapAt)
		delete(g.units, key)
		f.merge(u)
		heap.Fix(&g.weakest, f.heapAt)
	}
}
