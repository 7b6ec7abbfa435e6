package main

import (
	"math"
	"net/netip"
	"slices"
	"time"

	"github.com/spillcheck/spillcheck/bench/internal/tokenbucket"
)

// tally counts the events of one capture.
type tally struct {
	nets  []netip.Prefix
	ports map[uint16]bool

	syns, retransmits int
	first, last       time.Time
	perSecond         map[int64]int
	seen              map[synKey]time.Time
	writes            map[netip.Addr][]time.Time
}

type synKey struct {
	dst         netip.Addr
	port, sport uint16
}

func newTally(nets []netip.Prefix, ports []uint16) *tally {
	t := &tally{nets: nets, ports: map[uint16]bool{}, perSecond: map[int64]int{},
		seen: map[synKey]time.Time{}, writes: map[netip.Addr][]time.Time{}}
	for _, p := range ports {
		t.ports[p] = true
	}
	return t
}

func (t *tally) inNets(a netip.Addr) bool {
	return slices.ContainsFunc(t.nets, func(p netip.Prefix) bool { return p.Contains(a) })
}

// add counts ev if its destination is in the nets. A SYN with the same
// addresses and ports as one in the last 10 s is a retransmission, not a new
// connection.
func (t *tally) add(ev event) {
	if !t.inNets(ev.dst) {
		return
	}
	if !ev.syn {
		if t.ports[ev.port] {
			t.writes[ev.dst] = append(t.writes[ev.dst], ev.at)
		}
		return
	}
	k := synKey{ev.dst, ev.port, ev.sport}
	if prev, ok := t.seen[k]; ok && ev.at.Sub(prev) < 10*time.Second {
		t.retransmits++
		return
	}
	t.seen[k] = ev.at
	if t.syns == 0 {
		t.first = ev.at
	}
	t.syns++
	t.last = ev.at
	t.perSecond[ev.at.Unix()]++
}

// Report is what a capture measured, printed as JSON.
type Report struct {
	SYNs        int     `json:"syns"`
	Retransmits int     `json:"syn_retransmits"`
	Span        float64 `json:"span_s"`
	// Rate is the achieved new-connection rate: (SYNs − 1) / span.
	Rate     float64 `json:"rate"`
	RateWant float64 `json:"rate_want,omitempty"`
	// RateError is (Rate − RateWant) / RateWant.
	RateError float64 `json:"rate_error,omitempty"`
	// MinSecond and MaxSecond are the fewest and most SYNs in one whole
	// calendar second, the first and last (partial) seconds left out.
	MinSecond int `json:"min_second"`
	MaxSecond int `json:"max_second"`

	Hosts  int `json:"hosts_with_requests"`
	Writes int `json:"requests"`
	// MaxHost1s is the most request segments to one host in any 1 s window.
	MaxHost1s   int     `json:"max_host_requests_1s"`
	PerHostWant float64 `json:"per_host_want,omitempty"`
	Burst       int     `json:"per_host_burst,omitempty"`
	// WorstDeficit is the lowest token count any host's bucket reached
	// (tokenbucket.Low). On the wire a packet can lag its limiter, so only
	// a level below −1 means the cap was broken.
	WorstDeficit float64 `json:"worst_bucket,omitempty"`
	HostsOverCap int     `json:"hosts_over_cap"`
	// OverCap lists up to five of those hosts.
	OverCap []HostReport `json:"over_cap,omitempty"`
	Drops   uint32       `json:"kernel_drops"`
}

// HostReport is one host's requests: how many, over what span, and the
// lowest level its token bucket reached.
type HostReport struct {
	Host     string  `json:"host"`
	Requests int     `json:"requests"`
	Span     float64 `json:"span_s"`
	Low      float64 `json:"bucket_low"`
}

// report summarises the tally against the wanted rates; 0 means no cap.
func (t *tally) report(rate, perHost float64) Report {
	r := Report{SYNs: t.syns, Retransmits: t.retransmits, RateWant: rate, PerHostWant: perHost}
	if t.syns > 1 {
		r.Span = t.last.Sub(t.first).Seconds()
		if r.Span > 0 {
			r.Rate = float64(t.syns-1) / r.Span
		}
	}
	if rate > 0 && r.Rate > 0 {
		r.RateError = (r.Rate - rate) / rate
	}
	r.MinSecond, r.MaxSecond = t.wholeSeconds()
	if perHost > 0 {
		r.Burst = max(1, int(perHost))
		r.WorstDeficit = math.Inf(1)
	}
	for host, ts := range t.writes {
		r.Hosts++
		r.Writes += len(ts)
		r.MaxHost1s = max(r.MaxHost1s, tokenbucket.MaxInWindow(ts, time.Second))
		if perHost > 0 {
			low := tokenbucket.Low(ts, perHost, r.Burst)
			r.WorstDeficit = min(r.WorstDeficit, low)
			if low < -1 {
				r.HostsOverCap++
				if len(r.OverCap) < 5 {
					r.OverCap = append(r.OverCap, HostReport{Host: host.String(), Requests: len(ts),
						Span: ts[len(ts)-1].Sub(ts[0]).Seconds(), Low: low})
				}
			}
		}
	}
	if math.IsInf(r.WorstDeficit, 1) {
		r.WorstDeficit = 0
	}
	return r
}

func (t *tally) wholeSeconds() (lo, hi int) {
	if t.syns == 0 {
		return 0, 0
	}
	lo = math.MaxInt
	for s := t.first.Unix() + 1; s < t.last.Unix(); s++ {
		n := t.perSecond[s]
		lo, hi = min(lo, n), max(hi, n)
	}
	if lo == math.MaxInt {
		lo = 0
	}
	return lo, hi
}
