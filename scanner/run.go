package scanner

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spillcheck/spillcheck/scanner/redact"
)

// Runner probes planned targets with a bounded pool of workers.
type Runner struct {
	Registry *Registry
	Dialer   *Dialer
	Limits   Limits
	// Concurrency is how many targets are probed at once (at least 1).
	Concurrency int
	// TargetTimeout bounds all the work on one target, sampling included.
	TargetTimeout time.Duration
	// Scorer rates each result; nil leaves results unscored.
	Scorer Scorer
	// Names rates container names for probes choosing what to sample under
	// their caps (Env.RankName); nil rates every name 0.
	Names NameRanker
	// Idle, when set, is called by Run on emit's goroutine after an emit
	// that left no other finished result waiting: the moment for outputs
	// that batch their writes to flush, so that results still show as soon
	// as the scan pauses.
	Idle func()

	done     atomic.Int64
	findings atomic.Int64
}

// Validate reports settings that cannot work.
func (r *Runner) Validate() error {
	switch {
	case r.Registry == nil || r.Dialer == nil:
		return errors.New("runner needs a registry and a dialer")
	case r.Concurrency < 1:
		return fmt.Errorf("--concurrency must be at least 1, got %d", r.Concurrency)
	case r.TargetTimeout <= 0:
		return fmt.Errorf("--target-timeout must be positive, got %v", r.TargetTimeout)
	}
	return r.Limits.Validate()
}

// Progress is a snapshot of a run.
type Progress struct {
	Done, Findings int64
}

// Progress returns how many targets are finished and how many had a
// finding (severity above none).
func (r *Runner) Progress() Progress {
	return Progress{Done: r.done.Load(), Findings: r.findings.Load()}
}

// Run probes every job until jobs closes or ctx is cancelled, and calls emit
// for each finished result, from one goroutine at a time. A target whose
// probe was cut short by ctx's cancellation is not emitted: it was not
// finished, and a resumed run will probe it again.
func (r *Runner) Run(ctx context.Context, jobs <-chan Job, emit func(*Result)) {
	results := make(chan *Result, r.Concurrency)
	var wg sync.WaitGroup
	for range r.Concurrency {
		wg.Go(func() {
			for j := range jobs {
				if ctx.Err() != nil {
					continue // drain so the planner can finish
				}
				res := r.probe(ctx, j)
				if ctx.Err() != nil {
					continue
				}
				results <- res
			}
		})
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	for res := range results {
		r.done.Add(1)
		if res.Severity() > SeverityNone {
			r.findings.Add(1)
		}
		emit(res)
		if r.Idle != nil && len(results) == 0 {
			r.Idle()
		}
	}
}

// probe runs one target's probe within its time budget and never panics.
func (r *Runner) probe(ctx context.Context, j Job) (res *Result) {
	start := time.Now()
	t := j.Target
	res = &Result{Target: t}
	defer func() {
		if p := recover(); p != nil {
			res = &Result{Target: t, Status: StatusError,
				Error: Printable(fmt.Sprintf("internal error: the %s probe panicked: %v", t.Service, p))}
		}
		res.Started = start.UTC()
		res.Duration = Duration(time.Since(start))
		if r.Scorer != nil {
			r.Scorer.ScoreResult(res)
		}
	}()
	if j.Err != nil {
		res.Status, res.Error = StatusError, j.Err.Error()
		return res
	}
	pr, ok := r.Registry.Get(t.Service)
	if !ok && !t.Identified {
		res.Status, res.Error = StatusError, fmt.Sprintf("no probe for service %q", t.Service)
		return res
	}
	tctx, cancel := context.WithTimeout(ctx, r.TargetTimeout)
	defer cancel()
	env := r.Dialer.Env(tctx, t, r.Limits).WithRanker(r.Names)
	var out Result
	var err error
	if t.Identified && t.Service == "" {
		out, err = r.probeUnknown(tctx, env, j)
	} else {
		out, err = pr.Probe(tctx, t, env)
		out.Target = t
	}
	*res = out
	if res.Status == "" {
		res.Status = Classify(err)
		if res.Status == StatusOpen && err == nil && res.Product == "" {
			res.Status = StatusError
			err = fmt.Errorf("the %s probe returned no status", t.Service)
		}
	}
	recordProtocol(res, err)
	if err != nil && res.Error == "" {
		res.Error = err.Error()
		if errors.Is(tctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
			res.Error = fmt.Sprintf("target budget of %v spent: %v", r.TargetTimeout, err)
		}
	}
	redactFields(res)
	printableResult(res)
	return res
}

// redactFields passes every reported field path through redact.Name, so an
// identifier a store uses as a field name (a phone number as a MongoDB key)
// is reported as <phone>, whichever probe found it. Names already redacted
// pass through unchanged.
func redactFields(r *Result) {
	for i := range r.Containers {
		for j := range r.Containers[i].Fields {
			f := &r.Containers[i].Fields[j]
			f.Path = redact.Name(f.Path)
		}
	}
}
