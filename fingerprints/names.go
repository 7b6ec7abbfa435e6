package fingerprints

import "math"

// RankName rates a container name alone, 0-100, with the fitted model: the
// name is matched against the container rules and, as a Redis key pattern
// is, against the field rules ("msg-archive-2023", "chat:<phone>:inbox"),
// and the model scores those features with no field seen. The rank is how
// far that probability rises above the model's probability for a container
// with no evidence at all, as a share of the way to 1; a name that only
// matches a log, statistics, content or commerce rule, or nothing, rates 0.
//
// It implements scanner.NameRanker, which probes use to choose what to
// sample under their caps; it is not a likelihood and reads no field.
func (e *Engine) RankName(name string) int {
	s := e.pool.Get().(*scratch)
	defer e.pool.Put(s)
	var a assessment
	for _, m := range []*matcher{e.container, e.field} {
		s.hits = m.match(&s.tok, name, s.hits[:0])
		for _, h := range s.hits {
			r := &m.rules[h.rule]
			acc := &a.cats[r.cat]
			acc.n++
			if math.Abs(r.Weight) > math.Abs(acc.w) {
				acc.w = r.Weight
			}
		}
	}
	a.features(&a.x, storeSignal{}, false, 0)
	z := e.logOdds(&a.x, &a.contrib)
	p, p0 := sigmoid(z), sigmoid(e.intercept)
	if p <= p0 {
		return 0
	}
	return clamp100((p - p0) / (1 - p0))
}
