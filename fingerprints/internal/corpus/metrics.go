package corpus

import (
	"math/rand/v2"
	"slices"
	"sort"
)

// Metrics are the figures of a set of predictions.
type Metrics struct {
	N, Pos, TP, FP, FN     int
	AUC, Precision, Recall float64
}

// Measure computes ROC AUC of the likelihoods (ties count half) and
// precision and recall of "severity >= high".
func Measure(ps []Prediction) Metrics {
	var m Metrics
	var pos, neg []int
	for _, p := range ps {
		m.N++
		if p.Entry.Positive() {
			m.Pos++
			pos = append(pos, p.Likelihood)
		} else {
			neg = append(neg, p.Likelihood)
		}
		switch {
		case p.High && p.Entry.Positive():
			m.TP++
		case p.High:
			m.FP++
		case p.Entry.Positive():
			m.FN++
		}
	}
	m.AUC = auc(pos, neg)
	if m.TP+m.FP > 0 {
		m.Precision = float64(m.TP) / float64(m.TP+m.FP)
	}
	if m.TP+m.FN > 0 {
		m.Recall = float64(m.TP) / float64(m.TP+m.FN)
	}
	return m
}

// auc is the Mann-Whitney statistic: the share of (positive, negative)
// pairs the positive wins, ties counting half; 0 without both classes.
func auc(pos, neg []int) float64 {
	if len(pos) == 0 || len(neg) == 0 {
		return 0
	}
	n := slices.Clone(neg)
	sort.Ints(n)
	wins := 0.0
	for _, p := range pos {
		below := sort.SearchInts(n, p)  // negatives < p
		upto := sort.SearchInts(n, p+1) // negatives <= p
		wins += float64(below) + float64(upto-below)/2
	}
	return wins / float64(len(pos)*len(neg))
}

// Interval is a bootstrap percentile interval.
type Interval struct{ Lo, Hi float64 }

// Intervals are 95% intervals of AUC, precision and recall.
type Intervals struct{ AUC, Precision, Recall Interval }

// Bootstraps is the number of resamples; the seed is fixed, so the same
// predictions give the same intervals.
const Bootstraps = 2000

// Bootstrap resamples projects with replacement (every entry of a drawn
// project comes along), Bootstraps times, and returns the 2.5th and 97.5th
// percentiles of each figure.
func Bootstrap(ps []Prediction) Intervals {
	byProject := map[string][]Prediction{}
	var projects []string
	for _, p := range ps {
		if _, ok := byProject[p.Entry.Project]; !ok {
			projects = append(projects, p.Entry.Project)
		}
		byProject[p.Entry.Project] = append(byProject[p.Entry.Project], p)
	}
	sort.Strings(projects)
	rng := rand.New(rand.NewPCG(17, 2024))
	var a, pr, rc []float64
	sample := make([]Prediction, 0, len(ps)*2)
	for range Bootstraps {
		sample = sample[:0]
		for range projects {
			sample = append(sample, byProject[projects[rng.IntN(len(projects))]]...)
		}
		m := Measure(sample)
		a, pr, rc = append(a, m.AUC), append(pr, m.Precision), append(rc, m.Recall)
	}
	return Intervals{percentiles(a), percentiles(pr), percentiles(rc)}
}

func percentiles(v []float64) Interval {
	sort.Float64s(v)
	at := func(q float64) float64 { return v[min(len(v)-1, int(q*float64(len(v))))] }
	return Interval{at(0.025), at(0.975)}
}

// Recall is the recall at high of a subset of positives.
type Recall struct {
	Key       string
	Positives int
	High      int
	N         int // all entries of the subset, negatives included
	FP        int // negatives of the subset at high
}

// RecallBy groups predictions by key (an entry may fall in several groups,
// as it may name several categories) and counts each group's positives
// found at high.
func RecallBy(ps []Prediction, keys func(*Entry) []string) []Recall {
	idx := map[string]*Recall{}
	for _, p := range ps {
		for _, k := range keys(p.Entry) {
			r := idx[k]
			if r == nil {
				r = &Recall{Key: k}
				idx[k] = r
			}
			r.N++
			switch {
			case p.Entry.Positive():
				r.Positives++
				if p.High {
					r.High++
				}
			case p.High:
				r.FP++
			}
		}
	}
	out := make([]Recall, 0, len(idx))
	for _, r := range idx {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}
