// Package logreg fits an L2-regularized logistic regression with sign
// constraints on weights and linear floors on the model's log-odds at given
// points, by cyclic coordinate descent with one-dimensional Newton steps
// and a backtracking line search. It is deterministic: the same rows give
// the same weights, bit for bit, on any machine with IEEE floats.
//
// A floor says: at point e (a feature vector), the log-odds b + w·e must be
// at least Min. Each floor names a Fix feature that is 1 at its own point
// and 0 at every other floor's point; the fit writes that feature's weight
// as what the floor needs plus a slack u >= 0,
//
//	w_fix = Min - b - Σ_{j not a fix} w_j·e_j + u,
//
// which makes every floor hold exactly while the problem stays close to a
// box-constrained one in (b, the other weights, the slacks): each step is
// also kept from pushing a fix weight below 0. The ridge penalty λ/2
// applies to the other weights and the slacks, not to the intercept.
package logreg

import (
	"errors"
	"fmt"
	"math"
)

// Floor is one linear floor on the log-odds.
type Floor struct {
	At  []float64 // the point: one value per feature
	Min float64
	Fix int // the feature whose weight closes a remaining deficit
}

// Ceiling is one linear ceiling on the log-odds: at point At, b + w·At
// must stay at or below Max. Its point must be 0 at every floor's fix
// feature.
type Ceiling struct {
	At  []float64
	Max float64
}

// Spec says how to fit.
type Spec struct {
	// Sign per column: +1 keeps the weight >= 0, -1 keeps it <= 0, 0 free.
	Sign     []int
	Floors   []Floor
	Ceilings []Ceiling
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
	if len(y) != n || (w != nil && len(w) != n) {
		return nil, errors.New("logreg: rows, labels and weights disagree in length")
	}
	for i, r := range x {
		if len(r) != d {
			return nil, fmt.Errorf("logreg: row %d has %d columns, want %d", i, len(r), d)
		}
	}
	isFix := make([]int, d) // floor index + 1 of a fix feature, 0 otherwise
	for k, f := range s.Floors {
		if len(f.At) != d || f.Fix < 0 || f.Fix >= d || f.At[f.Fix] != 1 || s.Sign[f.Fix] < 0 || isFix[f.Fix] != 0 {
			return nil, fmt.Errorf("logreg: floor %d: want a point of %d values whose own Fix feature is 1 and may grow", k, d)
		}
		isFix[f.Fix] = k + 1
	}
	for k, f := range s.Floors {
		for l, g := range s.Floors {
			if k != l && g.At[f.Fix] != 0 {
				return nil, fmt.Errorf("logreg: floor %d's fix feature is not 0 at floor %d's point", k, l)
			}
		}
	}
	for k, c := range s.Ceilings {
		if len(c.At) != d {
			return nil, fmt.Errorf("logreg: ceiling %d: want a point of %d values", k, d)
		}
		for _, f := range s.Floors {
			if c.At[f.Fix] != 0 {
				return nil, fmt.Errorf("logreg: ceiling %d's point is not 0 at a floor's fix feature", k)
			}
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
	// Parameters: 0 the intercept, 1..d the weights of the features that
	// are no fix and the slacks of those that are. Their columns fold the
	// floors in; off is the part of the log-odds no parameter moves.
	cols := make([][]float64, d+1)
	off := make([]float64, n)
	for t := range cols {
		cols[t] = make([]float64, n)
	}
	for i := range n {
		cols[0][i] = 1
		for j := range d {
			cols[j+1][i] = x[i][j]
		}
		for _, f := range s.Floors {
			xf := x[i][f.Fix]
			if xf == 0 {
				continue
			}
			off[i] += xf * f.Min
			cols[0][i] -= xf
			for j := range d {
				if isFix[j] == 0 {
					cols[j+1][i] -= xf * f.At[j]
				}
			}
		}
	}
	// nz lists, per parameter, the rows where its column is not 0: most
	// features are 0 on most rows, and a step moves only those rows.
	nz := make([][]int32, d+1)
	for t, col := range cols {
		for i, v := range col {
			if v != 0 {
				nz[t] = append(nz[t], int32(i))
			}
		}
	}
	theta := make([]float64, d+1)
	// Start below every ceiling: the intercept alone at the lowest one
	// less 1, every weight 0.
	for _, c := range s.Ceilings {
		theta[0] = math.Min(theta[0], c.Max-1)
	}
	z := append([]float64(nil), off...)
	for i := range z {
		z[i] += theta[0] * cols[0][i]
	}
	lo, hi := make([]float64, d+1), make([]float64, d+1)
	lo[0], hi[0] = math.Inf(-1), math.Inf(1)
	for j := range d {
		lo[j+1], hi[j+1] = math.Inf(-1), math.Inf(1)
		if s.Sign[j] > 0 || isFix[j] != 0 {
			lo[j+1] = 0
		}
		if s.Sign[j] < 0 {
			hi[j+1] = 0
		}
	}
	// fixWeight is floor f's fix weight now: Min - b - Σ w_j·e_j + u.
	fixWeight := func(f Floor) float64 {
		v := f.Min - theta[0] + theta[f.Fix+1]
		for j := range d {
			if isFix[j] == 0 {
				v -= theta[j+1] * f.At[j]
			}
		}
		return v
	}
	// ceilingValue is the log-odds at ceiling c's point now.
	ceilingValue := func(c Ceiling) float64 {
		v := theta[0]
		for j := range d {
			if isFix[j] == 0 {
				v += theta[j+1] * c.At[j]
			}
		}
		return v
	}
	// coef is how much parameter t lowers floor f's fix weight per unit.
	coef := func(f Floor, t int) float64 {
		switch {
		case t == 0:
			return 1
		case t-1 == f.Fix:
			return -1
		case isFix[t-1] == 0:
			return f.At[t-1]
		}
		return 0
	}
	// objective is the penalized loss of the rows parameter t moves, with
	// t moved by delta (the other rows do not change).
	objective := func(t int, delta float64) float64 {
		col, sum := cols[t], 0.0
		for _, i := range nz[t] {
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
			for _, i := range nz[t] {
				p := sigmoid(z[i])
				g += w[i] * (p - y[i]) * col[i]
				h += w[i] * p * (1 - p) * col[i] * col[i]
			}
			if t > 0 {
				g += s.L2 * theta[t]
				h += s.L2
			}
			dlo, dhi := lo[t]-theta[t], hi[t]-theta[t]
			for _, f := range s.Floors {
				wf := fixWeight(f)
				switch c := coef(f, t); {
				case c > 0:
					dhi = math.Min(dhi, wf/c)
				case c < 0:
					dlo = math.Max(dlo, wf/c)
				}
			}
			for _, c := range s.Ceilings {
				a := 1.0
				if t > 0 {
					a = c.At[t-1]
				}
				if a == 0 {
					continue
				}
				room := c.Max - ceilingValue(c)
				if a > 0 {
					dhi = math.Min(dhi, room/a)
				} else {
					dlo = math.Max(dlo, room/a)
				}
			}
			delta := clip(-g/h, math.Min(0, dlo), math.Max(0, dhi))
			if delta == 0 {
				continue
			}
			before := objective(t, 0)
			for k := 0; k < 40 && objective(t, delta) > before; k++ {
				delta /= 2
			}
			theta[t] += delta
			for _, i := range nz[t] {
				z[i] += delta * col[i]
			}
			moved = math.Max(moved, math.Abs(delta))
		}
		if moved < tol {
			break
		}
	}
	// Back from slacks to weights: w_fix = Min - b - Σ w_j·e_j + u.
	fixed := make([]float64, len(s.Floors))
	for k, f := range s.Floors {
		fixed[k] = fixWeight(f)
	}
	for k, f := range s.Floors {
		theta[f.Fix+1] = fixed[k]
	}
	fit := &Fit{Intercept: theta[0], Weights: append([]float64(nil), theta[1:]...), Sweeps: sweep}
	for i := range n {
		zi := theta[0]
		for j := range d {
			zi += theta[j+1] * x[i][j]
		}
		fit.Loss += w[i] * (softplus(zi) - y[i]*zi)
	}
	for j := 1; j <= d; j++ {
		fit.Loss += s.L2 / 2 * theta[j] * theta[j]
	}
	return fit, nil
}

// LogOdds is b + w·x.
func (f *Fit) LogOdds(x []float64) float64 {
	z := f.Intercept
	for j, v := range x {
		z += f.Weights[j] * v
	}
	return z
}

// Predict is the fitted probability of row x.
func (f *Fit) Predict(x []float64) float64 { return sigmoid(f.LogOdds(x)) }

func clip(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// softplus is log(1 + e^z) without overflow.
func softplus(z float64) float64 {
	if z > 30 {
		return z
	}
	return math.Log1p(math.Exp(z))
}
