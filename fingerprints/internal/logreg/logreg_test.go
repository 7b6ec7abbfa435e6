package logreg

import (
	"math"
	"testing"
)

// TestFitRecoversWeights fits rows drawn from a known model: the fitted
// weights must come close to the true ones and keep their signs.
func TestFitRecoversWeights(t *testing.T) {
	trueB, trueW := -2.0, []float64{3, -1.5, 0}
	var x [][]float64
	var y []float64
	seed := uint64(1)
	next := func() float64 { // xorshift, deterministic
		seed ^= seed << 13
		seed ^= seed >> 7
		seed ^= seed << 17
		return float64(seed%10000) / 10000
	}
	for range 4000 {
		r := []float64{next(), next(), next()}
		z := trueB
		for j := range r {
			z += trueW[j] * r[j]
		}
		label := 0.0
		if next() < sigmoid(z) {
			label = 1
		}
		x, y = append(x, r), append(y, label)
	}
	f, err := Spec{Sign: []int{1, -1, 0}, L2: 0.01}.Fit(x, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(f.Intercept-trueB) > 0.4 || math.Abs(f.Weights[0]-3) > 0.5 || math.Abs(f.Weights[1]+1.5) > 0.5 || math.Abs(f.Weights[2]) > 0.5 {
		t.Errorf("fit b=%.2f w=%.2f, want about b=-2 w=[3 -1.5 0]", f.Intercept, f.Weights)
	}
	// The same rows fit again give the same numbers.
	g, _ := Spec{Sign: []int{1, -1, 0}, L2: 0.01}.Fit(x, y, nil)
	if g.Intercept != f.Intercept || g.Weights[0] != f.Weights[0] {
		t.Errorf("fit is not deterministic: %v vs %v", g, f)
	}
}

// TestFitConstraints: signs hold against the data, and a floor holds even
// when the data say it should not.
func TestFitConstraints(t *testing.T) {
	x := [][]float64{{1, 1}, {1, 0}, {0, 1}, {0, 0}, {1, 1}, {0, 0}}
	y := []float64{0, 0, 1, 0, 0, 0} // column 0 is evidence against
	floor := Floor{At: []float64{1, 1}, Min: 0.5, Fix: 0}
	f, err := Spec{Sign: []int{1, -1}, Floors: []Floor{floor}, L2: 0.1}.Fit(x, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	if f.Weights[0] < 0 || f.Weights[1] > 0 {
		t.Errorf("signs broken: %v", f.Weights)
	}
	if z := f.LogOdds(floor.At); z < 0.5-1e-9 {
		t.Errorf("floor broken: log-odds %.3f at %v, want >= 0.5", z, floor.At)
	}
	if _, err := (Spec{Sign: []int{1}}).Fit(x, y, nil); err == nil {
		t.Error("rows of 2 columns against a spec of 1: no error")
	}
	if _, err := (Spec{Sign: []int{1, -1}, Floors: []Floor{{At: []float64{0, 1}, Fix: 0}}}).Fit(x, y, nil); err == nil {
		t.Error("a floor whose fix feature is 0 at its point: no error")
	}
}

// TestFitCeiling: a ceiling holds even when the data push above it.
func TestFitCeiling(t *testing.T) {
	x := [][]float64{{1}, {1}, {1}, {0}, {0}, {1}}
	y := []float64{1, 1, 1, 1, 1, 1} // everything positive: the fit wants a large intercept
	c := Ceiling{At: []float64{0}, Max: -1}
	f, err := Spec{Sign: []int{0}, Ceilings: []Ceiling{c}, L2: 0.1}.Fit(x, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	if f.Intercept > -1+1e-9 {
		t.Errorf("intercept %.3f above its ceiling -1", f.Intercept)
	}
	if f.Weights[0] <= 0 {
		t.Errorf("weight %.3f: the feature should carry what the intercept may not", f.Weights[0])
	}
}
