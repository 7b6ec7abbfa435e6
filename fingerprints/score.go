package fingerprints

import (
	"bytes"
	"cmp"
	"math"
	"slices"

	"github.com/spillcheck/spillcheck/scanner"
)

// scratch holds the buffers of one scoring call, pooled so that scoring
// a container allocates only what its Score keeps: the tokenizer's words,
// the rule hits and evidence records of every field, and, for
// ScoreContainer, the assessment itself.
type scratch struct {
	tok    tokenizer
	hits   []hit
	recs   []evRec
	named  []int32 // container rules the container's name matches
	a      assessment
	reason bytes.Buffer // a container's reason, copied into its Score
}

// evRec is one match, kept without pointers until the strongest are chosen.
type evRec struct {
	w     float64
	field int32 // index into Container.Fields; -1 for the container name
	rule  int32
	name  bool // matched by a container rule
}

// catAcc accumulates one category's evidence in a container.
type catAcc struct {
	w float64 // strongest weight (most negative for negative categories)
	n int     // matching fields
}

// assessment is what the fields and name of one container add up to.
type assessment struct {
	cats    [numCategories]catAcc
	recs    []evRec                  // strongest matches first, at most maxEvidence
	top     [numCategories][2]string // up to two fields per category, strongest first
	x       vector                   // features
	contrib vector                   // weight × feature
	z       float64                  // log-odds
	sib     []string                 // sibling containers that gave store context
}

const (
	maxEvidence     = 40 // evidence entries kept per container
	maxTargetEvents = 60 // evidence entries kept per target
	maxSiblingNames = 3  // sibling containers named in a reason
)

// assess matches a container's name and fields against the rules into a,
// which it resets first (keeping a.recs' buffer), using s's buffers.
func (e *Engine) assess(s *scratch, c *scanner.Container, a *assessment) {
	*a = assessment{recs: a.recs[:0]}
	s.recs = s.recs[:0]
	record := func(m *matcher, idx int32, name bool) {
		for _, h := range s.hits {
			r := &m.rules[h.rule]
			if !r.inContainer(s.named) {
				continue
			}
			acc := &a.cats[r.cat]
			acc.n++
			if math.Abs(r.Weight) > math.Abs(acc.w) {
				acc.w = r.Weight
			}
			s.recs = append(s.recs, evRec{w: r.Weight, field: idx, rule: h.rule, name: name})
		}
	}
	add := func(m *matcher, field string, idx int32, name bool) {
		s.hits = m.match(&s.tok, field, s.hits[:0])
		record(m, idx, name)
	}
	// The container rules the name matches are kept for the field rules
	// with within, which count only in a container named for them, and
	// with outside, which do not count in one.
	s.hits = e.container.match(&s.tok, c.Name, s.hits[:0])
	s.named = ruleIndexes(s.named[:0], s.hits)
	record(e.container, -1, true)
	// Redis key patterns carry identifiers and roles in the name itself:
	// "chat:<phone>:inbox" names a phone number.
	if c.Kind == "key-pattern" {
		add(e.field, c.Name, -1, false)
	}
	for i := range c.Fields {
		add(e.field, c.Fields[i].Path, int32(i), false)
	}
	slices.SortStableFunc(s.recs, func(x, y evRec) int { return cmp.Compare(math.Abs(y.w), math.Abs(x.w)) })
	a.recs = append(a.recs, s.recs[:min(len(s.recs), maxEvidence)]...)
	for _, rec := range a.recs {
		field, r := e.recField(c, rec)
		switch top := &a.top[r.cat]; {
		case top[0] == "":
			top[0] = field
		case top[1] == "" && top[0] != field:
			top[1] = field
		}
	}
	a.features(&a.x, storeSignal{}, c.Kind == "key-pattern", len(c.Fields))
}

// recField returns the name a match was made in (a field path, or the
// container's name) and the rule that matched.
func (e *Engine) recField(c *scanner.Container, rec evRec) (string, *compiledRule) {
	m, field := e.field, c.Name
	if rec.name {
		m = e.container
	}
	if rec.field >= 0 {
		field = c.Fields[rec.field].Path
	}
	return field, &m.rules[rec.rule]
}

// apply computes the features with the siblings' signal ctx and the
// model's log-odds.
func (e *Engine) apply(a *assessment, c *scanner.Container, ctx storeSignal) {
	a.features(&a.x, ctx, c.Kind == "key-pattern", len(c.Fields))
	a.z = e.logOdds(&a.x, &a.contrib)
}

// likelihood is the model's probability of messaging PII, 0-100.
func (a *assessment) likelihood() int { return clamp100(sigmoid(a.z)) }

// piiLevel is the strongest weight of a personal-data category, 0-100.
func (a *assessment) piiLevel() int {
	p := 0.0
	for i, c := range categories {
		if c.PII {
			p = math.Max(p, a.cats[i].w)
		}
	}
	return clamp100(p)
}

// categoryNames lists the definition's categories whose feature is at least
// half firm, then the evidence categories with positive evidence, in report
// order.
func (a *assessment) categoryNames() []string {
	out := make([]string, 0, 8)
	for i, d := range definitions {
		if a.x[i] >= 0.5 {
			out = append(out, d.Name)
		}
	}
	for i, c := range categories {
		if a.cats[i].w > 0 {
			out = append(out, c.Name)
		}
	}
	return out
}

func clamp100(x float64) int {
	v := int(math.Round(100 * x))
	return min(100, max(0, v))
}
