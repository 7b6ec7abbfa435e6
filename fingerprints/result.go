package fingerprints

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/spillcheck/spillcheck/scanner"
)

// ScoreResult sets Score on every container of r and on r itself.
//
// Containers of the same database (the MongoDB database, the Redis db, or,
// for Elasticsearch, which has none, the cluster's indices together) inform
// each other: each container's store-context features read the strongest
// messaging signal among its siblings (signal in features.go), so a users
// collection beside messages, rooms and subscriptions is read as a
// messaging product's user table. The evidence names those siblings.
//
// The target's likelihood is its highest container likelihood; its severity
// is the highest container severity, or the exposure alone when no
// container was sampled; its reason is the worst container's.
func (e *Engine) ScoreResult(r *scanner.Result) {
	as := e.assessAll(r.Containers)
	e.storeContext(r.Containers, as)
	best := -1
	var bestSev scanner.Severity
	bestL, maxL := -1, 0
	catSeen := map[string]bool{}
	sc := e.pool.Get().(*scratch)
	defer e.pool.Put(sc)
	for i := range r.Containers {
		c := &r.Containers[i]
		c.Score = e.score(sc, c, as[i], r.Status)
		for _, name := range c.Score.Categories {
			catSeen[name] = true
		}
		maxL = max(maxL, c.Score.Likelihood)
		if c.Score.Severity > bestSev || (c.Score.Severity == bestSev && c.Score.Likelihood > bestL) || best < 0 {
			best, bestSev, bestL = i, c.Score.Severity, c.Score.Likelihood
		}
	}
	s := &scanner.Score{}
	switch {
	case best >= 0:
		bc := r.Containers[best].Score
		s.Likelihood, s.Severity = maxL, bc.Severity
		s.Reason = fmt.Sprintf("%s %q: %s", r.Containers[best].Kind, r.Containers[best].Name, bc.Reason)
		if len(r.Containers) > 1 {
			s.Reason += fmt.Sprintf(" (worst of %d containers)", len(r.Containers))
		}
		s.Evidence = targetEvidence(r.Containers, bestSev)
	default:
		s.Severity = SeverityFor(r.Status, 0, 0, nil)
		s.Reason = exposureReason(r.Status)
	}
	for _, c := range Categories() {
		if catSeen[c.Name] {
			s.Categories = append(s.Categories, c.Name)
		}
	}
	r.Score = s
}

// storeContext gives each container the strongest signal of the other
// containers of its database, names up to three of them, and computes the
// model's log-odds. It is linear in the number of containers: per database
// it keeps the two strongest signals.
func (e *Engine) storeContext(cs []scanner.Container, as []*assessment) {
	sig := make([]storeSignal, len(cs))
	type best2 struct{ msg, shop top2 }
	groups := map[string]*best2{}
	for i, a := range as {
		sig[i] = a.signal(&a.x)
		g := groups[cs[i].Database]
		if g == nil {
			g = &best2{top2{-1, -1}, top2{-1, -1}}
			groups[cs[i].Database] = g
		}
		g.msg.add(i, sig[i].messaging, func(j int) float64 { return sig[j].messaging })
		g.shop.add(i, sig[i].shop, func(j int) float64 { return sig[j].shop })
	}
	msg := make([]float64, len(cs))
	for i, a := range as {
		g := groups[cs[i].Database]
		var ctx storeSignal
		if o := g.msg.other(i); o >= 0 {
			ctx.messaging = sig[o].messaging
		}
		if o := g.shop.other(i); o >= 0 {
			ctx.shop = sig[o].shop
		}
		msg[i] = sig[i].messaging
		e.apply(a, &cs[i], ctx)
	}
	for i, a := range as {
		if a.contrib[fSiblings]+a.contrib[fSiblingPeople]+a.contrib[fPhoneNumbers]+a.contrib[fSiblingShop] != 0 && (a.x[fSiblings] > 0 || a.x[fSiblingShop] > 0) {
			a.sib = siblingNames(cs, sig, i)
		}
	}
}

// top2 keeps the indices of the strongest and second strongest values of
// one signal in a database, -1 if none.
type top2 struct{ i, j int }

func (t *top2) add(k int, v float64, val func(int) float64) {
	switch {
	case t.i < 0 || v > val(t.i):
		t.i, t.j = k, t.i
	case t.j < 0 || v > val(t.j):
		t.j = k
	}
}

// other is the strongest container of the database but k.
func (t *top2) other(k int) int {
	if t.i == k {
		return t.j
	}
	return t.i
}

// siblingNames names up to maxSiblingNames containers of i's database with
// a messaging or shop signal of at least half, strongest first.
func siblingNames(cs []scanner.Container, sig []storeSignal, i int) []string {
	var idx []int
	strength := func(j int) float64 { return max(sig[j].messaging, sig[j].shop) }
	for j := range cs {
		if j != i && cs[j].Database == cs[i].Database && strength(j) >= 0.5 {
			idx = append(idx, j)
		}
	}
	slices.SortStableFunc(idx, func(x, y int) int { return cmp.Compare(strength(y), strength(x)) })
	var names []string
	for _, j := range idx[:min(len(idx), maxSiblingNames)] {
		names = append(names, cs[j].Name)
	}
	return names
}

// assessAll assesses each container, the assessments in one allocation.
func (e *Engine) assessAll(cs []scanner.Container) []*assessment {
	s := e.pool.Get().(*scratch)
	defer e.pool.Put(s)
	buf := make([]assessment, len(cs))
	as := make([]*assessment, len(cs))
	for i := range cs {
		as[i] = &buf[i]
		e.assess(s, &cs[i], as[i])
	}
	return as
}

// ScoreContainer scores one container alone, as found at a target of the
// given status: without siblings, store context adds nothing. Its
// assessment lives in the pooled scratch: the Score copies what it keeps.
func (e *Engine) ScoreContainer(c *scanner.Container, status scanner.Status) *scanner.Score {
	s := e.pool.Get().(*scratch)
	defer e.pool.Put(s)
	a := &s.a
	e.assess(s, c, a)
	e.apply(a, c, storeSignal{})
	return e.score(s, c, a, status)
}

func (e *Engine) score(s *scratch, c *scanner.Container, a *assessment, status scanner.Status) *scanner.Score {
	l, p := a.likelihood(), a.piiLevel()
	return &scanner.Score{
		Likelihood: l,
		Severity:   SeverityFor(status, l, p, c.Docs),
		Categories: a.categoryNames(),
		Evidence:   e.explain(c, a),
		Reason:     e.containerReason(&s.reason, a, l, p, status, c.Docs),
	}
}

// Evidence categories of the model's own lines.
const (
	// EvidenceFeature lines carry one feature: Field is "name=value",
	// Weight its contribution in log-odds (weight × value); the intercept
	// is the line "intercept".
	EvidenceFeature = "feature"
	// EvidenceContext is the store-context line: Field names the sibling
	// containers, Weight is their signal.
	EvidenceContext = "store_context"
)

// explain is a container's evidence: the model's contributions, strongest
// first, the store context, then the fields, within maxEvidence.
func (e *Engine) explain(c *scanner.Container, a *assessment) []scanner.Evidence {
	type fc struct {
		i int
		v float64
	}
	var buf [numFeatures]fc // on the stack: no allocation per container
	fs := buf[:0]
	for i, v := range a.contrib {
		if math.Abs(v) >= 0.005 {
			fs = append(fs, fc{i, v})
		}
	}
	slices.SortStableFunc(fs, func(x, y fc) int { return cmp.Compare(math.Abs(y.v), math.Abs(x.v)) })
	out := make([]scanner.Evidence, 0, min(maxEvidence, len(fs)+2+len(a.recs)))
	out = append(out, scanner.Evidence{Container: c.Name, Field: "intercept", Category: EvidenceFeature, Rule: "model", Weight: round2(e.intercept)})
	for _, f := range fs {
		out = append(out, scanner.Evidence{Container: c.Name, Field: featureField(f.i, a.x[f.i]),
			Category: EvidenceFeature, Rule: "model", Weight: round2(f.v)})
	}
	if len(a.sib) > 0 {
		out = append(out, scanner.Evidence{Container: c.Name, Field: "context: sibling containers " + strings.Join(a.sib, ", "),
			Category: EvidenceContext, Rule: "siblings", Weight: round2(a.x[fSiblings])})
	}
	for _, rec := range a.recs {
		if len(out) == maxEvidence {
			break
		}
		field, r := e.recField(c, rec)
		out = append(out, scanner.Evidence{Container: c.Name, Field: field, Category: r.Category, Rule: r.ID, Weight: r.Weight})
	}
	return out
}

func round2(x float64) float64 { return math.Round(100*x) / 100 }

// targetEvidence keeps the evidence of the containers at the target's
// severity, in container order, each container's strongest first, bounded.
func targetEvidence(cs []scanner.Container, sev scanner.Severity) []scanner.Evidence {
	var out []scanner.Evidence
	for _, c := range cs {
		if c.Score.Severity != sev {
			continue
		}
		for _, ev := range c.Score.Evidence {
			if len(out) == maxTargetEvents {
				return out
			}
			out = append(out, ev)
		}
	}
	return out
}

// ContainerFeatures returns each container's feature values as ScoreResult
// computes them, store context included: the fitter and the evaluation
// read them. It sets no score.
func (e *Engine) ContainerFeatures(r *scanner.Result) [][]float64 {
	as := e.assessAll(r.Containers)
	e.storeContext(r.Containers, as)
	out := make([][]float64, len(as))
	for i, a := range as {
		out[i] = append([]float64(nil), a.x[:]...)
	}
	return out
}

// featureFields holds "name=0.00" ... "name=1.00" for every feature, so an
// explanation line allocates nothing.
var featureFields = func() (t [numFeatures][101]string) {
	for i, f := range features {
		for v := range 101 {
			t[i][v] = f.Name + "=" + strconv.FormatFloat(float64(v)/100, 'f', 2, 64)
		}
	}
	return t
}()

func featureField(i int, x float64) string {
	return featureFields[i][min(100, max(0, int(math.Round(100*x))))]
}
