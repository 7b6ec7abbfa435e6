package elasticsearch

import (
	"hash/maphash"
	"math"
	"math/bits"
)

// distinctRegisters is the HyperLogLog register count: 4 KiB of state,
// about 1.6 % standard error, at any number of keys.
const distinctRegisters = 1 << 12

var distinctSeed = maphash.MakeSeed()

// distinct estimates how many different strings it was given, in fixed
// memory (HyperLogLog, Flajolet et al. 2007, with the small-range
// correction). Its zero value is ready; it allocates on the first add.
type distinct struct {
	reg []uint8
}

func (d *distinct) add(s string) {
	if d.reg == nil {
		d.reg = make([]uint8, distinctRegisters)
	}
	h := maphash.String(distinctSeed, s)
	i := h >> (64 - 12)
	rho := uint8(bits.LeadingZeros64(h<<12|1<<11)) + 1
	if rho > d.reg[i] {
		d.reg[i] = rho
	}
}

func (d *distinct) estimate() int {
	if d.reg == nil {
		return 0
	}
	m := float64(distinctRegisters)
	sum, zeros := 0.0, 0
	for _, r := range d.reg {
		sum += math.Ldexp(1, -int(r))
		if r == 0 {
			zeros++
		}
	}
	e := 0.7213 / (1 + 1.079/m) * m * m / sum
	if e <= 2.5*m && zeros > 0 {
		e = m * math.Log(m/float64(zeros))
	}
	return int(math.Round(e))
}
