package scanner

import (
	"context"
	"fmt"
	"net"
	"sort"
	"time"
)

// Probe checks one kind of store. Probe must return within ctx's deadline,
// send only the commands its package documents, never send credentials, and
// never dial any address but t.Addr() (env.DialContext enforces that).
//
// Probe returns the result so far together with any error; the scanner
// classifies a non-nil error with Classify when the result has no status of
// its own. A result is never thrown away because of an error.
type Probe interface {
	Name() string
	DefaultPorts() []int
	Probe(ctx context.Context, t Target, env *Env) (Result, error)
}

// Registry holds the probes a scan may use, by service name.
type Registry struct {
	probes map[string]Probe
	names  []string       // sorted
	byPort map[int]string // default port to service, the first name in sort order
}

// NewRegistry registers the given probes. Names must be unique.
func NewRegistry(probes ...Probe) (*Registry, error) {
	r := &Registry{probes: map[string]Probe{}}
	for _, p := range probes {
		if _, dup := r.probes[p.Name()]; dup {
			return nil, fmt.Errorf("probe %q registered twice", p.Name())
		}
		r.probes[p.Name()] = p
	}
	for n := range r.probes {
		r.names = append(r.names, n)
	}
	sort.Strings(r.names)
	r.byPort = map[int]string{}
	for _, n := range r.names {
		for _, port := range r.probes[n].DefaultPorts() {
			if _, taken := r.byPort[port]; !taken {
				r.byPort[port] = n
			}
		}
	}
	return r, nil
}

// Get returns the probe for a service.
func (r *Registry) Get(service string) (Probe, bool) {
	p, ok := r.probes[service]
	return p, ok
}

// Names lists the registered services, sorted, in a slice the caller owns.
func (r *Registry) Names() []string {
	return append(make([]string, 0, len(r.names)), r.names...)
}

// ServiceForPort returns the service whose default ports include port (the
// first in name order, should two share it). The ports are read once, when
// the registry is made.
func (r *Registry) ServiceForPort(port int) (string, bool) {
	n, ok := r.byPort[port]
	return n, ok
}

// Limits bound what a probe may read from one target. Zero means the
// default from DefaultLimits, never "unlimited".
type Limits struct {
	MaxDBs           int   // MongoDB databases or Redis dbs sampled
	MaxCollections   int   // MongoDB collections per database
	MaxIndices       int   // Elasticsearch indices or index patterns, largest first
	MaxKeys          int   // Redis keys sampled per db; the listing covers ten times as many
	MaxFields        int   // field names kept per container
	SampleDocs       int   // documents per collection in the key-name aggregation
	MaxDepth         int   // depth of nested field paths
	MaxResponseBytes int64 // size cap of one response
	MaxTargetBytes   int64 // bytes read from one target in all, enforced by the connection
	IncludeSystem    bool  // also sample admin/local/config, .kibana, .security, ...
}

// DefaultLimits are the limits a scan uses unless told otherwise.
func DefaultLimits() Limits {
	return Limits{
		MaxDBs:           16,
		MaxCollections:   100,
		MaxIndices:       100,
		MaxKeys:          1000,
		MaxFields:        500,
		SampleDocs:       100,
		MaxDepth:         5,
		MaxResponseBytes: 8 << 20,
		MaxTargetBytes:   64 << 20,
	}
}

// Validate reports a limit that is negative.
func (l Limits) Validate() error {
	for name, v := range map[string]int64{
		"max-dbs": int64(l.MaxDBs), "max-collections": int64(l.MaxCollections),
		"max-indices": int64(l.MaxIndices), "max-keys": int64(l.MaxKeys),
		"max-fields": int64(l.MaxFields), "sample-docs": int64(l.SampleDocs),
		"max-depth": int64(l.MaxDepth), "max-response-bytes": l.MaxResponseBytes,
		"max-target-bytes": l.MaxTargetBytes,
	} {
		if v < 0 {
			return fmt.Errorf("--%s must not be negative, got %d", name, v)
		}
	}
	return nil
}

// withDefaults fills zero limits from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	fill := func(v *int, def int) {
		if *v == 0 {
			*v = def
		}
	}
	fill(&l.MaxDBs, d.MaxDBs)
	fill(&l.MaxCollections, d.MaxCollections)
	fill(&l.MaxIndices, d.MaxIndices)
	fill(&l.MaxKeys, d.MaxKeys)
	fill(&l.MaxFields, d.MaxFields)
	fill(&l.SampleDocs, d.SampleDocs)
	fill(&l.MaxDepth, d.MaxDepth)
	if l.MaxResponseBytes == 0 {
		l.MaxResponseBytes = d.MaxResponseBytes
	}
	if l.MaxTargetBytes == 0 {
		l.MaxTargetBytes = d.MaxTargetBytes
	}
	return l
}

// Env is what the scanner lends a probe for one target: the only way to open
// connections, the limits, and the per-request timeout.
type Env struct {
	Limits Limits
	// Timeout bounds a connect and each request or read.
	Timeout time.Duration

	ranker NameRanker

	ctx    context.Context
	target Target
	addr   string // target.Addr()
	dialer *Dialer
	budget *byteBudget
}

// DialContext connects to the target. It refuses any address other than the
// target's own (no redirects, replica-set members or cluster nodes), waits
// for the scan-wide connection rate, and returns a connection that waits for
// the per-host request rate before each write, sets a fresh deadline of
// Timeout before each read and write, and fails once the target's byte
// budget is spent. Its signature fits net.Dialer, http.Transport, the MongoDB
// driver's ContextDialer and go-redis's Dialer option.
func (e *Env) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if addr != e.addr {
		return nil, fmt.Errorf("%w: refusing to dial %s, the target is %s", ErrOutOfScope, addr, e.addr)
	}
	return e.dialer.dial(ctx, e.ctx, network, e.target, e.addr, e.budget, e.Timeout)
}

// ReplyTimeouts is how many timeouts one whole request or reply may take.
// Each read already gets one timeout, which a server sending a byte at a
// time would never reach.
const ReplyTimeouts = 3

// ReplyDeadline bounds one whole request or reply: ReplyTimeouts × Timeout.
func (e *Env) ReplyDeadline() time.Duration { return ReplyTimeouts * e.Timeout }

// Target is the target this Env was made for.
func (e *Env) Target() Target { return e.target }

// NameRanker rates a container name (an index or index pattern, a
// database or collection, a redacted Redis key pattern) by the
// messaging-PII evidence in the name alone, from 0 (none) to 100. It reads
// no field and must be cheap: probes call it once per distinct name while
// streaming a catalog, to choose what to sample when a store holds more
// containers than their caps allow.
type NameRanker interface {
	RankName(name string) int
}

// RankName rates name with the scan's NameRanker, or 0 when it has none.
func (e *Env) RankName(name string) int {
	if e.ranker == nil {
		return 0
	}
	return e.ranker.RankName(name)
}

// retarget returns a copy of e for t, the same address (a target whose
// service was identified), sharing e's byte budget and ranker.
func (e *Env) retarget(t Target) *Env {
	c := *e
	c.target = t
	return &c
}

// WithRanker sets the NameRanker that RankName consults and returns e.
func (e *Env) WithRanker(r NameRanker) *Env {
	e.ranker = r
	return e
}
