package fingerprints

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
)

//go:embed model.json
var embeddedModel []byte

// HighProbability is the probability of the high-severity threshold: a
// container is likely messaging PII when the model gives it at least this.
// LikelyMessaging is the same threshold as a likelihood.
const HighProbability = 0.5

// CategoryMargin is how far above the log-odds of HighProbability the fit
// keeps the intercept plus each category feature's weight: firm evidence of
// one category alone scores at least σ(logit(0.5) + 0.4) ≈ 60.
const CategoryMargin = 0.4

// Model is the fitted additive model: the likelihood of messaging PII is
// σ(Intercept + Σ weight × feature), in percent. model.json, embedded, is
// written by `make fit` (go run ./fingerprints/internal/fit) from the
// labeled corpus; it records when and on what it was fitted.
type Model struct {
	Version int `json:"version"`
	// Trained is the date the fit ran (YYYY-MM-DD).
	Trained string `json:"trained"`
	// Corpus describes what the fit read.
	Corpus CorpusSize `json:"corpus"`
	// Method names the estimator and its regularization.
	Method string  `json:"method"`
	L2     float64 `json:"l2"`
	// HighThreshold is the probability of the unshifted regression from
	// which a container is high, chosen by cross-validation for the target
	// precision; the intercept is shifted by its log-odds, so that it reads
	// as likelihood 50 (LikelyMessaging). 0.5 means no shift.
	HighThreshold float64 `json:"high_threshold"`
	Intercept     float64 `json:"intercept"`
	// Features lists every feature with its weight (log-odds per unit),
	// in the order of FeatureNames.
	Features []FeatureWeight `json:"features"`
}

// CorpusSize is what a model was fitted on.
type CorpusSize struct {
	Schemas   int `json:"schemas"`
	Positives int `json:"positives"`
	Projects  int `json:"projects"`
	// Rows counts training rows: each schema alone and within its database.
	Rows int `json:"rows"`
}

// FeatureWeight is one fitted weight.
type FeatureWeight struct {
	Name   string  `json:"name"`
	Weight float64 `json:"weight"`
}

// ErrModel wraps every model-file error.
var ErrModel = errors.New("invalid model")

// ParseModel decodes and checks a model: its features must be this build's,
// in order, each weight must keep its feature's sign, and each category
// feature must make a store high on its own.
func ParseModel(data []byte) (*Model, error) {
	var m Model
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrModel, err)
	}
	if m.Version != 1 {
		return nil, fmt.Errorf("%w: version must be 1, got %d", ErrModel, m.Version)
	}
	names := make([]string, len(m.Features))
	for i, f := range m.Features {
		names[i] = f.Name
	}
	if !slices.Equal(names, FeatureNames()) {
		return nil, fmt.Errorf("%w: fitted for features %v, this build computes %v: run make fit", ErrModel, names, FeatureNames())
	}
	if !(m.HighThreshold >= HighProbability && m.HighThreshold < 1) {
		return nil, fmt.Errorf("%w: high_threshold %v: want a probability in [%.1f, 1)", ErrModel, m.HighThreshold, HighProbability)
	}
	if bad := math.IsNaN(m.Intercept) || math.IsInf(m.Intercept, 0); bad {
		return nil, fmt.Errorf("%w: intercept %v", ErrModel, m.Intercept)
	}
	for i, f := range m.Features {
		switch w := f.Weight; {
		case math.IsNaN(w) || math.IsInf(w, 0):
			return nil, fmt.Errorf("%w: feature %s: weight %v", ErrModel, f.Name, w)
		case features[i].Sign > 0 && w < 0, features[i].Sign < 0 && w > 0:
			return nil, fmt.Errorf("%w: feature %s: weight %v has the wrong sign", ErrModel, f.Name, w)
		}
	}
	if p0 := clamp100(sigmoid(m.Intercept)); p0 >= PossibleMessaging {
		return nil, fmt.Errorf("%w: intercept %.3f: a container with no evidence would score %d, possible messaging PII", ErrModel, m.Intercept, p0)
	}
	floor := logit(HighProbability) + CategoryMargin
	for d, x := range CategoryPoints() {
		z := m.Intercept
		for i, v := range x {
			z += m.Features[i].Weight * v
		}
		if z < floor-1e-6 {
			return nil, fmt.Errorf("%w: category %s alone scores log-odds %.3f, below %.3f: it would not be high on its own",
				ErrModel, definitions[d].Name, z, floor)
		}
	}
	return &m, nil
}

// EmbeddedModel returns the model compiled into the binary.
func EmbeddedModel() *Model {
	m, err := ParseModel(embeddedModel)
	if err != nil {
		panic(err) // a build whose model.json does not fit its features is broken; TestEmbeddedModel says so
	}
	return m
}

// WithModel returns a copy of e that scores with m (which ParseModel or the
// fitter produced), sharing its rules.
func (e *Engine) WithModel(m *Model) *Engine {
	c := &Engine{rules: e.rules, field: e.field, container: e.container}
	c.pool.New = func() any { return new(scratch) }
	c.setModel(m)
	return c
}

func (e *Engine) setModel(m *Model) {
	e.model = m
	for i, f := range m.Features {
		e.weights[i] = f.Weight
	}
	e.intercept = m.Intercept
}

// logOdds returns the linear score and each feature's contribution.
func (e *Engine) logOdds(x *vector, contrib *vector) float64 {
	z := e.intercept
	for i := range x {
		contrib[i] = e.weights[i] * x[i]
		z += contrib[i]
	}
	return z
}

func logit(p float64) float64 { return math.Log(p / (1 - p)) }

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// Logit is the log-odds of p, and Sigmoid its inverse, as the model uses
// them; the fitter shares them.
func Logit(p float64) float64 { return logit(p) }

// Sigmoid is 1/(1+e^-z).
func Sigmoid(z float64) float64 { return sigmoid(z) }
