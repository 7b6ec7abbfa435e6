package fingerprints

import (
	"cmp"
	"math"
	"slices"

	"github.com/spillcheck/spillcheck/scanner"
)

// scratch holds the per-call buffers of one scoring, pooled.
type scratch struct {
	tok  tokenizer
	hits []hit
	recs []evRec
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
	w float64 // strongest weight
	n int     // matching fields
}

// assessment is what the fields and name of one container add up to.
type assessment struct {
	cats     [numCategories]catAcc
	evidence []scanner.Evidence       // strongest first, at most maxEvidence
	top      [numCategories][2]string // up to two fields per category, strongest first
}

// The scoring model. Every constant here is documented in docs/scoring.md.
const (
	contentFloor    = 0.40 // share of content alone, without a party
	timeShare       = 0.30 // share of time or conversation structure
	convBonus       = 0.25 // conversation ids close this part of the gap
	contextBonus    = 0.50 // a messaging container name closes this part
	nonPIIDamp      = 0.60 // a log/metric container name removes this part
	repeatBonus     = 0.10 // a second field of the same category
	nameOnlyShare   = 0.25 // a messaging name with no field evidence
	metaAsContent   = 0.50 // conversation structure counts this much as content
	comboBonus      = 0.50 // party and time firm up content by this share
	maxEvidence     = 40   // evidence entries kept per container
	maxTargetEvents = 60   // evidence entries kept per target
)

// assess matches a container's name and fields against the rules.
func (e *Engine) assess(c *scanner.Container) *assessment {
	s := e.pool.Get().(*scratch)
	defer e.pool.Put(s)
	a := &assessment{}
	s.recs = s.recs[:0]
	add := func(m *matcher, field string, idx int32, name bool) {
		s.hits = m.match(&s.tok, field, s.hits[:0])
		for _, h := range s.hits {
			r := &m.rules[h.rule]
			acc := &a.cats[r.cat]
			acc.n++
			if r.Weight > acc.w || (r.Weight < 0 && r.Weight < acc.w) {
				acc.w = r.Weight
			}
			s.recs = append(s.recs, evRec{w: r.Weight, field: idx, rule: h.rule, name: name})
		}
	}
	add(e.container, c.Name, -1, true)
	// Redis key patterns carry identifiers in the name itself:
	// "chat:<phone>:inbox" names a phone number.
	if c.Kind == "key-pattern" {
		add(e.field, c.Name, -1, false)
	}
	for i := range c.Fields {
		add(e.field, c.Fields[i].Path, int32(i), false)
	}
	slices.SortStableFunc(s.recs, func(x, y evRec) int { return cmp.Compare(y.w, x.w) })
	n := min(len(s.recs), maxEvidence)
	a.evidence = make([]scanner.Evidence, n)
	for i, rec := range s.recs[:n] {
		m, field := e.field, c.Name
		if rec.name {
			m = e.container
		}
		if rec.field >= 0 {
			field = c.Fields[rec.field].Path
		}
		r := &m.rules[rec.rule]
		a.evidence[i] = scanner.Evidence{Container: c.Name, Field: field, Category: r.Category, Rule: r.ID, Weight: r.Weight}
		switch top := &a.top[r.cat]; {
		case top[0] == "":
			top[0] = field
		case top[1] == "" && top[0] != field:
			top[1] = field
		}
	}
	return a
}

func (a *assessment) w(cat int) float64 {
	acc := a.cats[cat]
	if acc.n > 1 && acc.w > 0 {
		return math.Min(1, acc.w+repeatBonus)
	}
	return acc.w
}

// likelihood is the messaging-PII likelihood, 0-100: message content or
// call records, with who sent them to whom, and when.
func (a *assessment) likelihood() int {
	// Delivery state and conversation ids stand in, weakly, for content:
	// who wrote to whom, and when, is messaging data without the text.
	content := max(a.w(catMessageBody), a.w(catCallRecord), metaAsContent*a.w(catConversation))
	party := max(a.w(catSenderRecipient), a.w(catPhone), 0.8*a.w(catEmail),
		a.w(catVirtualNumber), a.w(catUserID))
	when := a.w(catTimestamp)
	conv := a.w(catConversation)
	ctx := math.Max(a.w(catMessagingContext), a.w(catTelephonyContext))
	neg := a.cats[catNonPIIContext].w

	// Ambiguous content words ("content", "text") firm up when a party and
	// a time or conversation id stand beside them.
	if content > 0 {
		content += (1 - content) * comboBonus * min(party, math.Max(when, conv))
	}
	l := content * (contentFloor + (1-contentFloor)*party)
	l *= (1 - timeShare) + timeShare*math.Max(when, conv)
	if content > 0 {
		l += (1 - l) * convBonus * conv
	}
	switch {
	case ctx > 0 && (content > 0 || party > 0):
		l += (1 - l) * contextBonus * ctx
	case ctx > 0:
		l = math.Max(l, nameOnlyShare*ctx)
	case neg < 0:
		l *= 1 + nonPIIDamp*neg
	}
	return clamp100(l)
}

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

// categoryNames lists the categories with positive evidence, in report
// order.
func (a *assessment) categoryNames() []string {
	out := make([]string, 0, numCategories)
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
