package tokenbucket

import (
	"math"
	"testing"
	"time"
)

func at(ms ...int) []time.Time {
	t0 := time.Unix(0, 0)
	out := make([]time.Time, len(ms))
	for i, m := range ms {
		out[i] = t0.Add(time.Duration(m) * time.Millisecond)
	}
	return out
}

func TestLowAndMaxInWindow(t *testing.T) {
	// All at rate 10/s with a burst of 2.
	tests := []struct {
		name   string
		ts     []time.Time
		low    float64
		window int
	}{
		{"burst of 2 then 10/s", at(0, 0, 100, 200, 300), 0, 5},
		{"three at once over a burst of 2", at(0, 0, 0), -1, 3},
		{"too fast after the burst", at(0, 0, 50, 60), -1.4, 4},
		{"spread over two seconds", at(0, 500, 1000, 1500, 2000), 1, 2},
		{"one request", at(0), 1, 1},
		{"none", nil, 2, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Low(tc.ts, 10, 2); math.Abs(got-tc.low) > 1e-9 {
				t.Errorf("Low = %.3f, want %.3f", got, tc.low)
			}
			if got := MaxInWindow(tc.ts, time.Second); got != tc.window {
				t.Errorf("MaxInWindow = %d, want %d", got, tc.window)
			}
		})
	}
}
