package corpus

import (
	"math"
	"testing"

	"github.com/spillcheck/spillcheck/fingerprints"
)

// TestChooseShift: the threshold is the lowest out-of-fold log-odds at
// which precision reaches TargetPrecision, never below 0 (probability 0.5)
// nor above logit(MaxHighProbability).
func TestChooseShift(t *testing.T) {
	mk := func(zs []float64, pos []bool) []scored {
		out := make([]scored, len(zs))
		for i := range zs {
			out[i] = scored{z: zs[i], pos: pos[i]}
		}
		return out
	}
	limit := fingerprints.Logit(MaxHighProbability)
	for _, tt := range []struct {
		name string
		oof  []scored
		want float64
	}{
		{"separable above 0: no shift", mk([]float64{3, 2, 1, -1, -2}, []bool{true, true, true, false, false}), 0},
		// From the top: 10 positives at 2.0, then a negative at 1.0 (10/11 = 0.909), then a negative at 0.5 (10/12 = 0.83).
		{"cut between the last entry kept and the next", mk(
			[]float64{2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 0.5, 0.2},
			[]bool{true, true, true, true, true, true, true, true, true, true, false, false, true}), 0.75},
		{"never precise enough: the limit", mk([]float64{1, 0.5, 0.2}, []bool{false, true, false}), limit},
		{"a tie is taken whole", mk([]float64{1.5, 1, 1, 0}, []bool{true, true, false, false}), 1.25},
	} {
		if got := chooseShift(tt.oof); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%s: shift %.4f, want %.4f", tt.name, got, tt.want)
		}
	}
}
