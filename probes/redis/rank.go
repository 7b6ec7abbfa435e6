package redis

import (
	"maps"
	"slices"
	"strings"
)

// choose orders a db's patterns by name evidence (rank, from
// Env.RankName), then by size (keys listed), then by name, and shares the
// db's sampling budget of maxKeys keys among them in that order: first up
// to typeSample members each, then what is left tops patterns up to all
// their members (at most keysPerPattern). Patterns left without a key are
// not sampled, and counted in Skipped: the messaging pattern among many
// cache patterns is sampled wherever SCAN listed it.
func (s *sampler) choose(groups []*group) []*group {
	for _, g := range groups {
		g.rank = s.rank(g.pattern)
	}
	slices.SortStableFunc(groups, func(a, b *group) int {
		switch {
		case a.rank != b.rank:
			return b.rank - a.rank
		case a.keys != b.keys:
			return b.keys - a.keys
		}
		return strings.Compare(a.pattern, b.pattern)
	})
	left := s.lim.MaxKeys
	take := make([]int, len(groups))
	for _, share := range []int{typeSample, keysPerPattern} {
		for i, g := range groups {
			n := min(len(g.members), share) - take[i]
			if n <= 0 || left <= 0 {
				continue
			}
			n = min(n, left)
			take[i] += n
			left -= n
		}
	}
	kept := groups[:0:0]
	notSampled := 0
	for i, g := range groups {
		if take[i] == 0 {
			notSampled += g.keys
			continue
		}
		g.members = g.members[:take[i]]
		kept = append(kept, g)
	}
	addSkipped(s.res, "key-patterns-over-max-keys", len(groups)-len(kept))
	addSkipped(s.res, "keys-in-patterns-not-sampled", notSampled)
	return kept
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
