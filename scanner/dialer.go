package scanner

import (
	"context"
	"fmt"
	"math"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// DialerConfig sets the scan-wide connection rate, the per-host request rate
// and the connect timeout.
type DialerConfig struct {
	// Rate caps new connections per second across the scan; 0 means no cap.
	Rate float64
	// PerHostRate caps requests (writes) per second to one IP; 0 means no cap.
	PerHostRate float64
	// Timeout bounds a connect, and each read and write.
	Timeout time.Duration
	// WrapConn, when set, wraps each raw connection before the scanner's own
	// accounting, so that tests can record the bytes on the socket.
	WrapConn func(t Target, c net.Conn) net.Conn
}

// Dialer opens every connection of a scan. It is safe for concurrent use.
type Dialer struct {
	cfg    DialerConfig
	global *rate.Limiter
	hosts  hostLimiters
	net    net.Dialer

	dials     atomic.Int64
	firstDial atomic.Int64 // unix nanos
	lastDial  atomic.Int64
}

// NewDialer checks cfg and returns a Dialer.
func NewDialer(cfg DialerConfig) (*Dialer, error) {
	if cfg.Rate < 0 || math.IsNaN(cfg.Rate) {
		return nil, fmt.Errorf("--rate must be 0 (no cap) or positive, got %v", cfg.Rate)
	}
	if cfg.PerHostRate < 0 || math.IsNaN(cfg.PerHostRate) {
		return nil, fmt.Errorf("--per-host-rate must be 0 (no cap) or positive, got %v", cfg.PerHostRate)
	}
	if cfg.Timeout <= 0 {
		return nil, fmt.Errorf("--timeout must be positive, got %v", cfg.Timeout)
	}
	return &Dialer{
		cfg:    cfg,
		global: newLimiter(cfg.Rate),
		hosts:  hostLimiters{rate: cfg.PerHostRate, m: map[string]*hostEntry{}},
		net:    net.Dialer{Timeout: cfg.Timeout, KeepAlive: -1},
	}, nil
}

// newLimiter returns a limiter for r events per second, unlimited for 0. The
// burst is kept small (10 ms worth, at least 1) so the achieved rate follows
// r closely instead of front-loading.
func newLimiter(r float64) *rate.Limiter {
	if r == 0 {
		return rate.NewLimiter(rate.Inf, 1)
	}
	return rate.NewLimiter(rate.Limit(r), max(1, int(r/100)))
}

// Env returns the environment a probe gets for one target. ctx bounds every
// connection opened through it: the target's whole time budget.
func (d *Dialer) Env(ctx context.Context, t Target, limits Limits) *Env {
	limits = limits.withDefaults()
	// One allocation for the Env and the byte budget its connections share.
	e := &struct {
		env    Env
		budget byteBudget
	}{budget: byteBudget{left: limits.MaxTargetBytes}}
	e.env = Env{
		ctx:     ctx,
		Limits:  limits,
		Timeout: d.cfg.Timeout,
		target:  t,
		addr:    t.Addr(),
		dialer:  d,
		budget:  &e.budget,
	}
	return &e.env
}

// DialStats says how many connections were opened and over what span.
type DialStats struct {
	Dials       int64
	First, Last time.Time
}

// Rate is the achieved connection rate between the first and last dial.
func (s DialStats) Rate() float64 {
	span := s.Last.Sub(s.First).Seconds()
	if s.Dials < 2 || span <= 0 {
		return 0
	}
	return float64(s.Dials-1) / span
}

// Stats returns the dial counters so far.
func (d *Dialer) Stats() DialStats {
	return DialStats{
		Dials: d.dials.Load(),
		First: time.Unix(0, d.firstDial.Load()),
		Last:  time.Unix(0, d.lastDial.Load()),
	}
}

// dial connects to t at addr (t.Addr()). dialCtx bounds the connect;
// targetCtx bounds the connection's life (client libraries often cancel
// their dial context as soon as the dial returns).
func (d *Dialer) dial(dialCtx, targetCtx context.Context, network string, t Target, addr string, budget *byteBudget, timeout time.Duration) (net.Conn, error) {
	ctx := dialCtx
	if dialCtx.Done() != targetCtx.Done() { // else targetCtx bounds the connect already
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(dialCtx)
		defer cancel()
		stop := context.AfterFunc(targetCtx, cancel)
		defer stop()
	}
	if err := d.global.Wait(ctx); err != nil {
		return nil, fmt.Errorf("waiting for the scan rate: %w", err)
	}
	now := time.Now().UnixNano()
	d.firstDial.CompareAndSwap(0, now)
	d.lastDial.Store(now)
	d.dials.Add(1)

	raw, err := d.net.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	if d.cfg.WrapConn != nil {
		raw = d.cfg.WrapConn(t, raw)
	}
	host := addr
	if t.IP.IsValid() {
		host = t.IP.String()
	}
	return &conn{Conn: raw, ctx: targetCtx, timeout: timeout, budget: budget,
		hosts: &d.hosts, host: host, entry: d.hosts.acquire(host)}, nil
}

// hostLimiters keeps one limiter per host while any connection to it is
// open, and for a short while after, so that the ports of one host share it.
type hostLimiters struct {
	rate float64
	mu   sync.Mutex
	m    map[string]*hostEntry
}

type hostEntry struct {
	limiter *rate.Limiter
	refs    int
	idle    time.Time
}

const hostLimiterSweep = 4096

func (h *hostLimiters) acquire(host string) *hostEntry {
	h.mu.Lock()
	defer h.mu.Unlock()
	e, ok := h.m[host]
	if !ok {
		if len(h.m) >= hostLimiterSweep {
			h.sweep()
		}
		lim := rate.NewLimiter(rate.Inf, 1)
		if h.rate > 0 {
			lim = rate.NewLimiter(rate.Limit(h.rate), max(1, int(h.rate)))
		}
		e = &hostEntry{limiter: lim}
		h.m[host] = e
	}
	e.refs++
	return e
}

func (h *hostLimiters) release(host string, e *hostEntry) {
	h.mu.Lock()
	defer h.mu.Unlock()
	e.refs--
	e.idle = time.Now()
}

// sweep drops limiters with no open connection whose bucket has refilled, so
// the map stays bounded on large scans without loosening any host's cap.
func (h *hostLimiters) sweep() {
	refill := time.Second
	if h.rate > 0 {
		refill = time.Duration(float64(time.Second) * math.Max(1, h.rate) / h.rate)
	}
	for k, e := range h.m {
		if e.refs == 0 && time.Since(e.idle) > refill {
			delete(h.m, k)
		}
	}
}

// byteBudget is shared by every connection to one target.
type byteBudget struct {
	left int64
}

func (b *byteBudget) spend(n int) bool {
	return atomic.AddInt64(&b.left, -int64(n)) >= 0
}

// conn enforces the per-host request rate on writes, a deadline on every
// read and write, and the target's byte budget on reads.
type conn struct {
	net.Conn
	ctx     context.Context
	timeout time.Duration
	budget  *byteBudget
	hosts   *hostLimiters
	host    string
	entry   *hostEntry
	closed  atomic.Bool

	mu        sync.Mutex
	readLimit time.Time // deadline the client library asked for, if any
	writeLim  time.Time
}

func (c *conn) deadline(asked time.Time) time.Time {
	d := time.Now().Add(c.timeout)
	if !asked.IsZero() && asked.Before(d) {
		d = asked
	}
	if cd, ok := c.ctx.Deadline(); ok && cd.Before(d) {
		d = cd
	}
	return d
}

func (c *conn) Read(p []byte) (int, error) {
	c.mu.Lock()
	asked := c.readLimit
	c.mu.Unlock()
	if err := c.Conn.SetReadDeadline(c.deadline(asked)); err != nil {
		return 0, err
	}
	n, err := c.Conn.Read(p)
	if n > 0 && !c.budget.spend(n) {
		return n, ErrBudget
	}
	return n, err
}

func (c *conn) Write(p []byte) (int, error) {
	if err := c.entry.limiter.Wait(c.ctx); err != nil {
		return 0, fmt.Errorf("waiting for the per-host rate: %w", err)
	}
	c.mu.Lock()
	asked := c.writeLim
	c.mu.Unlock()
	if err := c.Conn.SetWriteDeadline(c.deadline(asked)); err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}

func (c *conn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	c.readLimit, c.writeLim = t, t
	c.mu.Unlock()
	return c.Conn.SetDeadline(t)
}

func (c *conn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	c.readLimit = t
	c.mu.Unlock()
	return c.Conn.SetReadDeadline(t)
}

func (c *conn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	c.writeLim = t
	c.mu.Unlock()
	return c.Conn.SetWriteDeadline(t)
}

func (c *conn) Close() error {
	if c.closed.CompareAndSwap(false, true) {
		c.hosts.release(c.host, c.entry)
	}
	return c.Conn.Close()
}
