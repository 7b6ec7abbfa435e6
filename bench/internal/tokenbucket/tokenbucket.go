// Package tokenbucket checks recorded request times against a rate limit:
// the lowest level a token bucket reaches when it replays them, and the most
// requests in any window. The bench tests and bench/wiretap use it to show
// that --per-host-rate held.
package tokenbucket

import "time"

// Low replays ts (ascending) through a bucket of rate r per second and size
// burst, full at the start, and returns the lowest token count left after a
// request. A limiter that held its cap never takes the bucket below 0.
// Timestamps taken after the limiter (on the wire, or in a wrapped
// connection) add jitter, so callers allow a small negative margin.
func Low(ts []time.Time, r float64, burst int) float64 {
	tokens, low := float64(burst), float64(burst)
	for i, at := range ts {
		if i > 0 {
			tokens = min(float64(burst), tokens+r*at.Sub(ts[i-1]).Seconds())
		}
		tokens--
		low = min(low, tokens)
	}
	return low
}

// MaxInWindow is the largest number of times in ts (ascending) within any
// window of length w.
func MaxInWindow(ts []time.Time, w time.Duration) int {
	best, j := 0, 0
	for i := range ts {
		for ts[i].Sub(ts[j]) >= w {
			j++
		}
		best = max(best, i-j+1)
	}
	return best
}
