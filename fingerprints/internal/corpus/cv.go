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

// Row is one training row: an entry's features, pooled over its containers
// (the largest value of each feature), scored in one mode.
type Row struct {
	Entry *Entry
	X     []float64
}

// Features scores nothing: it computes every entry's pooled features in
// mode m with engine e (whose model does not matter).
func Features(e *fingerprints.Engine, entries []*Entry, m Mode) []Row {
	rows := make([]Row, 0, len(entries))
	for _, grp := range groups(entries, m) {
		r := merged(grp)
		xs := e.ContainerFeatures(&r.res)
		for k, ent := range grp {
			x := make([]float64, len(fingerprints.FeatureNames()))
			for _, ci := range r.owner[k] {
				for j, v := range xs[ci] {
					x[j] = math.Max(x[j], v)
				}
			}
			rows = append(rows, Row{Entry: ent, X: x})
		}
	}
	return rows
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

// Fit fits the model on rows (labels from their entries) and describes the
// corpus it read.
func Fit(rows []Row, trained string) (*fingerprints.Model, error) {
	fs := fingerprints.Features()
	spec := logreg.Spec{L2: L2}
	for _, f := range fs {
		spec.Sign = append(spec.Sign, f.Sign)
	}
	floor := fingerprints.Logit(fingerprints.HighProbability) + fingerprints.CategoryMargin
	for d, at := range fingerprints.CategoryPoints() {
		spec.Floors = append(spec.Floors, logreg.Floor{At: at, Min: floor + 1e-6, Fix: d})
	}
	// No evidence at all stays well below possible messaging PII.
	spec.Ceilings = append(spec.Ceilings, logreg.Ceiling{At: make([]float64, len(fs)), Max: fingerprints.Logit(float64(fingerprints.PossibleMessaging-10) / 100)})
	x := make([][]float64, len(rows))
	y := make([]float64, len(rows))
	schemas, projects := map[string]bool{}, map[string]bool{}
	pos := 0
	for i, r := range rows {
		x[i] = r.X
		if r.Entry.Positive() {
			y[i] = 1
		}
		if !schemas[r.Entry.Name] && r.Entry.Positive() {
			pos++
		}
		schemas[r.Entry.Name], projects[r.Entry.Project] = true, true
	}
	f, err := spec.Fit(x, y, nil)
	if err != nil {
		return nil, err
	}
	m := &fingerprints.Model{
		Version: 1, Trained: trained,
		Corpus:    fingerprints.CorpusSize{Schemas: len(schemas), Positives: pos, Projects: len(projects), Rows: len(rows)},
		Method:    fmt.Sprintf("L2-regularized logistic regression (λ=%g), coordinate descent, signs constrained, each category alone at log-odds >= %.2f, no evidence at most likelihood %d", L2, floor, fingerprints.PossibleMessaging-10),
		L2:        L2,
		Intercept: round6(f.Intercept),
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
	return m, nil
}

func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

// TrainingRows are the rows a model learns from: every entry alone and
// every entry within its database, so the weights serve both a scan and a
// file scored on its own.
func TrainingRows(e *fingerprints.Engine, entries []*Entry) []Row {
	return append(Features(e, entries, Alone), Features(e, entries, WithDatabase)...)
}

// Prediction is one entry's out-of-fold score.
type Prediction struct {
	Entry      *Entry
	Fold       int
	Likelihood int
	High       bool
	Reason     string
}

// CrossValidate scores every entry in mode m with a model fitted on the
// other folds' entries only.
func CrossValidate(e *fingerprints.Engine, entries []*Entry, m Mode) ([]Prediction, error) {
	var out []Prediction
	for f := range Folds {
		var train, test []*Entry
		for _, ent := range entries {
			if Fold(ent.Project) == f {
				test = append(test, ent)
			} else {
				train = append(train, ent)
			}
		}
		if len(test) == 0 {
			continue
		}
		model, err := Fit(TrainingRows(e, train), "cv")
		if err != nil {
			return nil, fmt.Errorf("fold %d: %w", f, err)
		}
		ps := Score(e.WithModel(model), test, m)
		for i := range ps {
			ps[i].Fold = f
		}
		out = append(out, ps...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Entry.Name < out[j].Entry.Name })
	return out, nil
}

// HoldoutDir is the corpus subdirectory of schemas from projects new to
// the rest of the corpus (testdata/corpus/fresh, collected as a validation
// set): Holdout fits on everything else and scores it, an estimate of the
// model on projects it has never seen besides the cross-validation.
const HoldoutDir = "fresh/"

// InHoldout reports whether an entry belongs to the holdout batch.
func InHoldout(e *Entry) bool { return strings.HasPrefix(e.Name, HoldoutDir) }

// Holdout scores the entries of HoldoutDir in mode m with a model fitted on
// every other entry only; nil when the corpus has no such entry.
func Holdout(e *fingerprints.Engine, entries []*Entry, m Mode) ([]Prediction, error) {
	var train, test []*Entry
	for _, ent := range entries {
		if InHoldout(ent) {
			test = append(test, ent)
		} else {
			train = append(train, ent)
		}
	}
	if len(test) == 0 || len(train) == 0 {
		return nil, nil
	}
	model, err := Fit(TrainingRows(e, train), "holdout")
	if err != nil {
		return nil, fmt.Errorf("holdout: %w", err)
	}
	return Score(e.WithModel(model), test, m), nil
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
