// Package logreg fits an L2-regularized logistic regression with sign
// constraints on weights and a floor on chosen ones, by cyclic coordinate
// descent with one-dimensional Newton steps. It is deterministic: the same
// rows give the same weights, bit for bit, on any machine with IEEE floats.
//
// Floors: for each column marked Floor, the fit keeps intercept + weight at
// or above Spec.FloorLogit, so that the feature at 1 alone reaches that
// log-odds. It does so by reparametrizing w = (FloorLogit - b) + u with
// u >= 0, which turns the coupled constraint into a box constraint:
//
//	z = b·(1 - S) + FloorLogit·S + Σ_floor u·x + Σ_other w·x,  S = Σ_floor x
//
// The penalty λ/2·Σ(u² + w²) leaves the intercept free.
package logreg

import (
	"errors"
	"fmt"
	"math"
)

// Spec says how to fit.
type Spec struct {
	// Sign per column: +1 keeps the weight >= 0, -1 keeps it <= 0, 0 free.
	Sign []int
	// Floor marks columns whose weight plus the intercept must reach
	// FloorLogit.
	Floor      []bool
	FloorLogit float64
	// L2 is λ, the ridge penalty on every weight but the intercept.
	L2 float64
	// MaxSweeps bounds the passes over the columns (default 20000); Tol
	// is the largest change of any parameter that ends the fit (default
	// 1e-9).
	MaxSweeps int
	Tol       float64
}

// Fit is a fitted model.
type Fit struct {
	Intercept float64
	Weights   []float64
	Sweeps    int
	Loss      float64 // penalized negative log-likelihood at the end
}

// Fit fits rows x (each of len(spec.Sign)) to labels y in {0, 1}, each row
// with weight w (nil means 1).
func (s Spec) Fit(x [][]float64, y, w []float64) (*Fit, error) {
	n, d := len(x), len(s.Sign)
	if n == 0 {
		return nil, errors.New("logreg: no rows")
	}
	if len(y) != n || (w != nil && len(w) != n) || len(s.Floor) != d {
		return nil, errors.New("logreg: rows, labels, weights and spec disagree in length")
	}
	for i, r := range x {
		if len(r) != d {
			return nil, fmt.Errorf("logreg: row %d has %d columns, want %d", i, len(r), d)
		}
	}
	if w == nil {
		w = make([]float64, n)
		for i := range w {
			w[i] = 1
		}
	}
	maxSweeps, tol := s.MaxSweeps, s.Tol
	if maxSweeps == 0 {
		maxSweeps = 20000
	}
	if tol == 0 {
		tol = 1e-9
	}
	// Column 0 is the intercept's: 1 - S; columns 1..d are the features.
	cols := make([][]float64, d+1)
	off := make([]float64, n)
	cols[0] = make([]float64, n)
	for i := range n {
		sum := 0.0
		for j := range d {
			if s.Floor[j] {
				sum += x[i][j]
			}
		}
		cols[0][i] = 1 - sum
		off[i] = s.FloorLogit * sum
	}
	for j := range d {
		cols[j+1] = make([]float64, n)
		for i := range n {
			cols[j+1][i] = x[i][j]
		}
	}
	theta := make([]float64, d+1)
	z := append([]float64(nil), off...)
	lo, hi := make([]float64, d+1), make([]float64, d+1)
	lo[0], hi[0] = math.Inf(-1), math.Inf(1)
	for j := range d {
		lo[j+1], hi[j+1] = math.Inf(-1), math.Inf(1)
		if s.Sign[j] > 0 || s.Floor[j] {
			lo[j+1] = 0
		}
		if s.Sign[j] < 0 {
			hi[j+1] = 0
		}
	}
	loss := func(t int, delta float64) float64 {
		col, sum := cols[t], 0.0
		for i := range n {
			zi := z[i] + delta*col[i]
			sum += w[i] * (softplus(zi) - y[i]*zi)
		}
		if t > 0 {
			v := theta[t] + delta
			sum += s.L2 / 2 * v * v
		}
		return sum
	}
	sweep := 0
	for ; sweep < maxSweeps; sweep++ {
		moved := 0.0
		for t := 0; t <= d; t++ {
			col := cols[t]
			g, h := 0.0, 1e-12
			for i := range n {
				if col[i] == 0 {
					continue
				}
				p := sigmoid(z[i])
				g += w[i] * (p - y[i]) * col[i]
				h += w[i] * p * (1 - p) * col[i] * col[i]
			}
			if t > 0 {
				g += s.L2 * theta[t]
				h += s.L2
			}
			delta := clip(theta[t]-g/h, lo[t], hi[t]) - theta[t]
			if delta == 0 {
				continue
			}
			before := loss(t, 0)
			for k := 0; k < 30 && loss(t, delta) > before; k++ {
				delta /= 2
			}
			theta[t] += delta
			for i := range n {
				z[i] += delta * col[i]
			}
			moved = math.Max(moved, math.Abs(delta))
		}
		if moved < tol {
			break
		}
	}
	f := &Fit{Intercept: theta[0], Weights: make([]float64, d), Sweeps: sweep}
	for j := range d {
		f.Weights[j] = theta[j+1]
		if s.Floor[j] {
			f.Weights[j] += s.FloorLogit - theta[0]
		}
	}
	for i := range n {
		f.Loss += w[i] * (softplus(z[i]) - y[i]*z[i])
	}
	for j := 1; j <= d; j++ {
		f.Loss += s.L2 / 2 * theta[j] * theta[j]
	}
	return f, nil
}

// Predict is the fitted probability of row x.
func (f *Fit) Predict(x []float64) float64 {
	z := f.Intercept
	for j, v := range x {
		z += f.Weights[j] * v
	}
	return sigmoid(z)
}

func clip(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// softplus is log(1 + e^z) without overflow.
func softplus(z float64) float64 {
	if z > 30 {
		return z
	}
	return math.Log1p(math.Exp(z))
}
