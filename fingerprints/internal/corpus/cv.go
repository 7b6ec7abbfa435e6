package corpus

import (
	"fmt"
	"hash/fnv"
	"math"
	"sort"
	"strings"

	"github.com/spillcheck/spillcheck/fingerprints"
	"github.com/spillcheck/spillcheck/fingerprints/internal/logreg"
	"github.com/spillcheck/spillcheck/scanner"
)

// Mode says how schemas are scored: each file alone (as `spillcheck score
// FILE` does; a Redis file's key patterns still inform each other), or
// together with the other files of its database (as a scan of the store
// would see them).
type Mode int

const (
	Alone Mode = iota
	WithDatabase
)

func (m Mode) String() string {
	if m == Alone {
		return "each file alone"
	}
	return "with its database"
}

// Folds is the number of cross-validation folds; Fold assigns each project
// to one, by FNV-1a hash of its name, so every container of a project lands
// in the same fold and the assignment never depends on the rest of the
// corpus.
const Folds = 10

// Fold is the fold of a project.
func Fold(project string) int {
	h := fnv.New32a()
	h.Write([]byte(project))
	return int(h.Sum32() % Folds)
}

// L2 is the ridge penalty of the fit, per training row set; fixed, not tuned
// on the folds.
const L2 = 1.0

// Row is one entry scored in one mode: the features of each of its
// containers (a Redis file has one per key pattern).
type Row struct {
	Entry *Entry
	Xs    [][]float64
}

// Pooled is the largest value of each feature over the row's containers.
func (r Row) Pooled() []float64 {
	x := make([]float64, len(fingerprints.FeatureNames()))
	for _, c := range r.Xs {
		for j, v := range c {
			x[j] = math.Max(x[j], v)
		}
	}
	return x
}

// Features scores nothing: it computes every entry's container features in
// mode m with engine e (whose model does not matter).
func Features(e *fingerprints.Engine, entries []*Entry, m Mode) []Row {
	rows := make([]Row, 0, len(entries))
	for _, grp := range groups(entries, m) {
		r := merged(grp)
		xs := e.ContainerFeatures(&r.res)
		for k, ent := range grp {
			row := Row{Entry: ent}
			for _, ci := range r.owner[k] {
				row.Xs = append(row.Xs, xs[ci])
			}
			if len(row.Xs) == 0 {
				row.Xs = [][]float64{make([]float64, len(fingerprints.FeatureNames()))}
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// MILRounds is how many times the fit re-chooses, for each positive entry
// of several containers, the container its current model scores highest.
const MILRounds = 2

// design turns rows into the fit's instances. An entry of one container is
// one instance. An entry of several (a Redis db of key patterns) is scored
// as its highest container, so a negative one gives every container as a
// negative instance (weighted 1/√n, so a db of many keys does not swamp the
// fit) and a positive one gives the container that the previous fit scores
// highest (multiple-instance learning), or, before any fit, the pooled
// features.
func design(rows []Row, prev *logreg.Fit) (x [][]float64, y, w []float64) {
	for _, r := range rows {
		label := 0.0
		if r.Entry.Positive() {
			label = 1
		}
		switch {
		case len(r.Xs) == 1:
			x, y, w = append(x, r.Xs[0]), append(y, label), append(w, 1)
		case label == 0:
			wt := 1 / math.Sqrt(float64(len(r.Xs)))
			for _, c := range r.Xs {
				x, y, w = append(x, c), append(y, 0), append(w, wt)
			}
		case prev == nil:
			x, y, w = append(x, r.Pooled()), append(y, 1), append(w, 1)
		default:
			best, bz := 0, math.Inf(-1)
			for i, c := range r.Xs {
				if z := prev.LogOdds(c); z > bz {
					best, bz = i, z
				}
			}
			x, y, w = append(x, r.Xs[best]), append(y, 1), append(w, 1)
		}
	}
	return x, y, w
}

// group is the entries scored together, as one result.
type group struct {
	res   scanner.Result
	owner [][]int // per entry of the group: its container indices in res
}

// groups splits entries into the sets scored together in mode m, in a
// stable order.
func groups(entries []*Entry, m Mode) [][]*Entry {
	if m == Alone {
		out := make([][]*Entry, len(entries))
		for i, e := range entries {
			out[i] = []*Entry{e}
		}
		return out
	}
	byDB := map[string][]*Entry{}
	var order []string
	for _, e := range entries {
		if _, ok := byDB[e.Database]; !ok {
			order = append(order, e.Database)
		}
		byDB[e.Database] = append(byDB[e.Database], e)
	}
	out := make([][]*Entry, len(order))
	for i, db := range order {
		out[i] = byDB[db]
	}
	return out
}

// merged makes one open result of a group's containers. A group of more
// than one file puts every container in the group's database, so they are
// siblings; a file alone keeps its own databases (a Redis file's db).
func merged(grp []*Entry) group {
	g := group{res: scanner.Result{Status: scanner.StatusOpen}, owner: make([][]int, len(grp))}
	for k, e := range grp {
		for _, r := range e.Results {
			for _, c := range r.Containers {
				c.Score = nil
				if len(grp) > 1 {
					c.Database = e.Database
				}
				g.owner[k] = append(g.owner[k], len(g.res.Containers))
				g.res.Containers = append(g.res.Containers, c)
			}
		}
	}
	return g
}

// TargetPrecision is the precision at high the fit chooses its threshold
// for (issue 17's target): the lowest model probability at which the
// cross-validated precision of the training corpus reaches it becomes
// likelihood 50, so recall is as high as that precision allows.
const TargetPrecision = 0.90

// MaxHighProbability bounds the chosen threshold: a corpus whose precision
// never reaches the target does not push high out of reach.
const MaxHighProbability = 0.90

// Data is every entry's rows in both modes, computed once: a fold's
// training rows are a subset (a database never spans projects, so an
// entry's siblings are in its fold).
type Data struct {
	Entries   []*Entry
	Alone, DB []Row // index-aligned with Entries
}

// Prepare computes the rows of every entry in both modes with engine e
// (whose model does not matter).
func Prepare(e *fingerprints.Engine, entries []*Entry) *Data {
	d := &Data{Entries: entries}
	index := map[*Entry]int{}
	for i, ent := range entries {
		index[ent] = i
	}
	for _, m := range []Mode{Alone, WithDatabase} {
		rows := make([]Row, len(entries))
		for _, r := range Features(e, entries, m) {
			rows[index[r.Entry]] = r
		}
		if m == Alone {
			d.Alone = rows
		} else {
			d.DB = rows
		}
	}
	return d
}

// Subset is the data of the entries keep accepts.
func (d *Data) Subset(keep func(*Entry) bool) *Data {
	out := &Data{}
	for i, ent := range d.Entries {
		if keep(ent) {
			out.Entries = append(out.Entries, ent)
			out.Alone = append(out.Alone, d.Alone[i])
			out.DB = append(out.DB, d.DB[i])
		}
	}
	return out
}

// rows are the training rows: every entry alone and within its database,
// so the weights serve both a scan and a file scored on its own.
func (d *Data) rows() []Row { return append(append([]Row(nil), d.Alone...), d.DB...) }

// Fit fits the model on d and chooses its high threshold: a
// cross-validation of d by project (the folds of Fold present in d) gives
// every entry an out-of-fold log-odds, alone; the lowest log-odds at which
// their precision reaches TargetPrecision is the threshold; the final fit
// on all of d holds the category floors and the no-evidence ceiling that
// far higher, and its intercept is shifted by it, so that likelihood 50 is
// the chosen threshold.
func Fit(d *Data, trained string) (*fingerprints.Model, error) {
	var oof []scored
	for f := range Folds {
		train := d.Subset(func(e *Entry) bool { return Fold(e.Project) != f })
		test := d.Subset(func(e *Entry) bool { return Fold(e.Project) == f })
		if len(test.Entries) == 0 || len(train.Entries) == 0 {
			continue
		}
		fit, err := fitRows(train.rows(), 0)
		if err != nil {
			return nil, fmt.Errorf("threshold fold %d: %w", f, err)
		}
		for _, r := range test.Alone {
			oof = append(oof, scored{z: r.maxLogOdds(fit), pos: r.Entry.Positive()})
		}
	}
	shift := chooseShift(oof)
	fit, err := fitRows(d.rows(), shift)
	if err != nil {
		return nil, err
	}
	return describe(d, fit, shift, trained), nil
}

// fitRows fits the constrained regression with the floors and the
// ceiling raised by shift (log-odds); the intercept it returns is not yet
// shifted.
func fitRows(rows []Row, shift float64) (*logreg.Fit, error) {
	fs := fingerprints.Features()
	spec := logreg.Spec{L2: L2}
	for _, f := range fs {
		spec.Sign = append(spec.Sign, f.Sign)
	}
	floor := fingerprints.Logit(fingerprints.HighProbability) + fingerprints.CategoryMargin + shift
	for d, at := range fingerprints.CategoryPoints() {
		spec.Floors = append(spec.Floors, logreg.Floor{At: at, Min: floor + 1e-6, Fix: d})
	}
	// No evidence at all stays well below possible messaging PII.
	spec.Ceilings = append(spec.Ceilings, logreg.Ceiling{At: make([]float64, len(fs)), Max: noEvidenceCeiling + shift})
	var f *logreg.Fit
	for round := 0; round <= MILRounds; round++ {
		x, y, w := design(rows, f)
		var err error
		if f, err = spec.Fit(x, y, w); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// noEvidenceCeiling is the log-odds a container with no evidence may reach:
// likelihood PossibleMessaging-10.
var noEvidenceCeiling = fingerprints.Logit(float64(fingerprints.PossibleMessaging-10) / 100)

// scored is one out-of-fold entry: its highest container log-odds.
type scored struct {
	z   float64
	pos bool
}

func (r Row) maxLogOdds(f *logreg.Fit) float64 {
	z := math.Inf(-1)
	for _, c := range r.Xs {
		z = math.Max(z, f.LogOdds(c))
	}
	return z
}

// chooseShift returns the log-odds from which out-of-fold entries reach
// TargetPrecision with the most recall: 0 (probability 0.5) when they
// already do there, never more than logit(MaxHighProbability). The cut
// lies halfway between the lowest entry taken and the next below it.
func chooseShift(oof []scored) float64 {
	sort.SliceStable(oof, func(i, j int) bool { return oof[i].z > oof[j].z })
	best, tp := math.Inf(1), 0
	limit := fingerprints.Logit(MaxHighProbability)
	for k, s := range oof {
		if s.pos {
			tp++
		}
		if k+1 < len(oof) && oof[k+1].z == s.z {
			continue // ties are taken together
		}
		if float64(tp) >= TargetPrecision*float64(k+1) && s.z <= limit {
			cut := s.z
			if k+1 < len(oof) {
				cut = (s.z + oof[k+1].z) / 2
			}
			best = math.Min(best, cut)
		}
	}
	if math.IsInf(best, 1) {
		best = limit
	}
	return math.Min(limit, math.Max(0, best))
}

// describe writes a fit as a model: weights rounded, the intercept shifted
// so that the chosen threshold reads as likelihood 50.
func describe(d *Data, f *logreg.Fit, shift float64, trained string) *fingerprints.Model {
	schemas, projects := map[string]bool{}, map[string]bool{}
	pos := 0
	for _, e := range d.Entries {
		if e.Positive() {
			pos++
		}
		schemas[e.Name], projects[e.Project] = true, true
	}
	fs := fingerprints.Features()
	floor := fingerprints.Logit(fingerprints.HighProbability) + fingerprints.CategoryMargin
	m := &fingerprints.Model{
		Version: 1, Trained: trained,
		Corpus: fingerprints.CorpusSize{Schemas: len(schemas), Positives: pos, Projects: len(projects), Rows: 2 * len(d.Entries)},
		Method: fmt.Sprintf("L2-regularized logistic regression (λ=%g), coordinate descent, signs constrained, multiple-instance rows for files of several containers (%d rounds); "+
			"high threshold chosen by %d-fold project-grouped cross-validation for precision %.2f (model probability %.3f, shifted to likelihood 50); "+
			"each category alone at log-odds >= %.2f, no evidence at most likelihood %d",
			L2, MILRounds, Folds, TargetPrecision, fingerprints.Sigmoid(shift), floor, fingerprints.PossibleMessaging-10),
		L2:            L2,
		HighThreshold: round6(fingerprints.Sigmoid(shift)),
		Intercept:     round6(f.Intercept - shift),
	}
	for j, fe := range fs {
		m.Features = append(m.Features, fingerprints.FeatureWeight{Name: fe.Name, Weight: round6(f.Weights[j])})
	}
	// Rounding may cross a floor by a hair: nudge the category's weight.
	for d, at := range fingerprints.CategoryPoints() {
		z := m.Intercept
		for j, v := range at {
			z += m.Features[j].Weight * v
		}
		if z < floor {
			m.Features[d].Weight = round6(m.Features[d].Weight + floor - z + 2e-6)
		}
	}
	return m
}

func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

// Prediction is one entry's out-of-fold score.
type Prediction struct {
	Entry      *Entry
	Fold       int
	Likelihood int
	High       bool
	Reason     string
}

// CrossValidate scores every entry, alone and with its database, with a
// model fitted (threshold included) on the other folds' entries only.
func CrossValidate(e *fingerprints.Engine, d *Data) (alone, db []Prediction, err error) {
	for f := range Folds {
		train := d.Subset(func(x *Entry) bool { return Fold(x.Project) != f })
		test := d.Subset(func(x *Entry) bool { return Fold(x.Project) == f })
		if len(test.Entries) == 0 {
			continue
		}
		model, err := Fit(train, "cv")
		if err != nil {
			return nil, nil, fmt.Errorf("fold %d: %w", f, err)
		}
		em := e.WithModel(model)
		for _, m := range []Mode{Alone, WithDatabase} {
			ps := Score(em, test.Entries, m)
			for i := range ps {
				ps[i].Fold = f
			}
			if m == Alone {
				alone = append(alone, ps...)
			} else {
				db = append(db, ps...)
			}
		}
	}
	for _, ps := range [][]Prediction{alone, db} {
		sort.Slice(ps, func(i, j int) bool { return ps[i].Entry.Name < ps[j].Entry.Name })
	}
	return alone, db, nil
}

// HoldoutDir is the corpus subdirectory of schemas from projects new to
// the rest of the corpus (testdata/corpus/fresh, collected as a validation
// set): Holdout fits on everything else and scores it, an estimate of the
// model on projects it has never seen besides the cross-validation.
const HoldoutDir = "fresh/"

// InHoldout reports whether an entry belongs to the holdout batch.
func InHoldout(e *Entry) bool { return strings.HasPrefix(e.Name, HoldoutDir) }

// Holdout scores the entries of HoldoutDir, alone and with their
// database, with a model fitted (threshold included) on every other entry
// only; nil when the corpus has no such entry.
func Holdout(e *fingerprints.Engine, d *Data) (alone, db []Prediction, err error) {
	train := d.Subset(func(x *Entry) bool { return !InHoldout(x) })
	test := d.Subset(InHoldout)
	if len(test.Entries) == 0 || len(train.Entries) == 0 {
		return nil, nil, nil
	}
	model, err := Fit(train, "holdout")
	if err != nil {
		return nil, nil, fmt.Errorf("holdout: %w", err)
	}
	em := e.WithModel(model)
	return Score(em, test.Entries, Alone), Score(em, test.Entries, WithDatabase), nil
}

// Score scores entries in mode m with e's model: an entry's likelihood is
// its highest container likelihood, and it is high when any container is.
func Score(e *fingerprints.Engine, entries []*Entry, m Mode) []Prediction {
	var out []Prediction
	for _, grp := range groups(entries, m) {
		g := merged(grp)
		e.ScoreResult(&g.res)
		for k, ent := range grp {
			p := Prediction{Entry: ent, Likelihood: -1}
			for _, ci := range g.owner[k] {
				c := &g.res.Containers[ci]
				if c.Score.Likelihood > p.Likelihood {
					p.Likelihood = c.Score.Likelihood
					p.Reason = fmt.Sprintf("%s %q: %s", c.Kind, c.Name, c.Score.Reason)
				}
				p.High = p.High || c.Score.Severity >= scanner.SeverityHigh
			}
			p.Likelihood = max(p.Likelihood, 0)
			out = append(out, p)
		}
	}
	return out
}
