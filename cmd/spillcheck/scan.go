package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
)

// scanFlags are the flags of `scan` beyond input and output.
type scanFlags struct {
	rate, perHostRate float64
	concurrency       int
	timeout           time.Duration
	targetTimeout     time.Duration
	limits            scanner.Limits
	rules             string
	resume            string
}

func (f *scanFlags) register(fs *flag.FlagSet) {
	d := scanner.DefaultLimits()
	fs.Float64Var(&f.rate, "rate", 100, "new connections per second across the scan (0: no cap, for your own lab)")
	fs.Float64Var(&f.perHostRate, "per-host-rate", 5, "requests per second to one host, deep sampling included (0: no cap)")
	fs.IntVar(&f.concurrency, "concurrency", 64, "targets probed at once")
	durationVar(fs, &f.timeout, "timeout", 5*time.Second, "bound on a connect and on each request: a `DURATION` with a unit, 5s or 500ms")
	durationVar(fs, &f.targetTimeout, "target-timeout", 60*time.Second, "bound on all the work on one target, sampling included (a `DURATION`)")
	fs.IntVar(&f.limits.MaxDBs, "max-dbs", d.MaxDBs, "MongoDB databases or Redis dbs sampled per target")
	fs.IntVar(&f.limits.MaxCollections, "max-collections", d.MaxCollections, "MongoDB collections sampled per database")
	fs.IntVar(&f.limits.MaxIndices, "max-indices", d.MaxIndices, "Elasticsearch indices or index patterns sampled per target, largest first")
	fs.IntVar(&f.limits.MaxKeys, "max-keys", d.MaxKeys, "Redis keys sampled per db (the listing may read up to 10 times as many names, to group them)")
	fs.IntVar(&f.limits.MaxFields, "max-fields", d.MaxFields, "field names kept per container")
	fs.IntVar(&f.limits.MaxDepth, "max-depth", d.MaxDepth, "depth of nested field paths read from mappings and samples")
	fs.IntVar(&f.limits.SampleDocs, "sample-docs", d.SampleDocs, "documents per collection whose key names MongoDB computes server-side")
	fs.Int64Var(&f.limits.MaxResponseBytes, "max-response-bytes", d.MaxResponseBytes, "size cap on one response")
	fs.Int64Var(&f.limits.MaxTargetBytes, "max-target-bytes", d.MaxTargetBytes, "bytes read from one target in all")
	fs.BoolVar(&f.limits.IncludeSystem, "include-system", false, "also sample system stores (admin/local/config, .kibana, .security, ...)")
	fs.StringVar(&f.rules, "rules", "", "extend or override the built-in PII rules with `FILE`")
	fs.StringVar(&f.resume, "resume", "", "record finished targets in `FILE`; rerun with the same flags to skip them and keep their results")
}

const scanExamples = `  spillcheck scan                                  # this machine (localhost), default ports
  spillcheck scan 10.0.4.0/24 --scope 10.0.4.0/24   # a subnet you own
  spillcheck scan -l hosts.txt --jsonl -o out.jsonl  # a host list, one result per line
  spillcheck scan -l describe-instances.json --address private --sarif spillcheck.sarif
  spillcheck scan redis://cache-1:6379 https://search.example.com --explain
  spillcheck scan -l fleet.txt --rate 500 --concurrency 256 --resume state.jsonl
  spillcheck scan -l fleet.txt --shard 2/8 --jsonl -o shard-2.jsonl
`

func runScan(ctx context.Context, c *cli, args []string) error {
	var (
		inf inputFlags
		of  outputFlags
		sf  scanFlags
		lf  logFlags
	)
	fs := newFlagSet(c, "scan", "spillcheck scan [flags] [TARGET ...]\n\n"+
		"TARGET is host, host:port, [v6]:port, a CIDR (every address in it), or a URL\n"+
		"(http, https, mongodb with one or more hosts, redis, rediss) whose scheme picks\n"+
		"the service; mongodb+srv names are resolved only with --resolve-srv and\n"+
		"--scope. With no target and no -l, scan localhost. A host without a port gets\n"+
		"every service's default ports (elasticsearch 9200 9243, mongodb 27017 27018\n"+
		"27019, redis 6379 6380). Each address, port and service is probed once,\n"+
		"however many inputs list it.", scanExamples)
	fs.group("Targets and scope", inf.register)
	fs.group("Rate, time and limits", sf.register)
	fs.group("Output", of.register)
	fs.group("Logging", lf.register)
	targets, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := of.validate(); err != nil {
		return err
	}
	rw, in, err := scan(ctx, c, targets, &inf, &sf, &of, lf, nil)
	if err != nil {
		return err
	}
	return scanOutcome(ctx, rw, in)
}

// scan runs a whole scan: it reads and plans the targets, probes them, and
// writes every result as it finishes. collect, when set, also sees every
// result (after the baseline).
func scan(ctx context.Context, c *cli, targets []string, inf *inputFlags, sf *scanFlags, of *outputFlags, lf logFlags,
	collect func(*scanner.Result)) (*resultWriter, *inputs, error) {
	if err := checkOutputs(of); err != nil {
		return nil, nil, err
	}
	line := &stderrLine{w: c.stderr}
	log := newLogger(lf, line, c.tty && !c.noColor(lf))
	if len(targets) == 0 && len(inf.lists) == 0 {
		targets = []string{"localhost"}
		log.Info().Msg("no targets given: scanning localhost (pass targets or -l FILE to scan others)")
	}
	reg, err := newRegistry(c)
	if err != nil {
		return nil, nil, err
	}
	dialer, err := scanner.NewDialer(scanner.DialerConfig{Rate: sf.rate, PerHostRate: sf.perHostRate, Timeout: sf.timeout})
	if err != nil {
		return nil, nil, usagef("%v", err)
	}
	var scorer scanner.Scorer
	rules, err := scorerFor(sf.rules)
	if err != nil {
		return nil, nil, err
	}
	if !c.noScorer {
		scorer = rules
	}
	runner := &scanner.Runner{Registry: reg, Dialer: dialer, Limits: sf.limits, Concurrency: sf.concurrency,
		TargetTimeout: sf.targetTimeout, Scorer: scorer, Names: rules}
	if err := runner.Validate(); err != nil {
		return nil, nil, usagef("%v", err)
	}
	inputCtx, stopInput := context.WithCancel(ctx)
	defer stopInput()
	in, err := newInputs(inputCtx, c, inf, reg, log)
	if err != nil {
		return nil, nil, err
	}
	in.stop = stopInput
	rw, err := newResultWriter(c, of, lf, log)
	if err != nil {
		return nil, nil, err
	}
	rw.collect = collect
	if sf.resume != "" {
		if err := rw.resume(sf.resume, in.planner); err != nil {
			return nil, nil, err
		}
	}

	entries := make(chan scanner.Entry, 256)
	jobs := make(chan scanner.Job, sf.concurrency)
	go in.read(inputCtx, c, targets, entries)
	go in.planner.Plan(inputCtx, entries, jobs)
	prog := startProgress(c, line, of, runner, in.planner)
	runner.Idle = rw.flush
	runner.Run(inputCtx, jobs, rw.add)
	prog.stop()
	if err := rules.wait(); err != nil { // the built-in rules: a broken build
		return nil, nil, &scanError{err}
	}

	rw.summary.Refused = int(in.refused.Load())
	rw.summary.BadInput = int(in.bad.Load())
	rw.summary.Interrupted = ctx.Err() != nil || (inf.strict && in.bad.Load() > 0)
	rw.reports.warnBaseline(log)
	if err := rw.close(); err != nil {
		return nil, nil, &scanError{err}
	}
	return rw, in, nil
}

// scanOutcome picks the error that decides the exit code: interrupted, then
// bad input, then the gate (rw.gate).
func scanOutcome(ctx context.Context, rw *resultWriter, in *inputs) error {
	sum := rw.summary
	switch {
	case ctx.Err() != nil:
		return errInterrupted
	case in.bad.Load() > 0:
		return in.badErr()
	case sum.Targets == 0 && in.refused.Load() > 0:
		return &inputError{fmt.Errorf("every target (%d) was outside the scope; nothing was probed", in.refused.Load())}
	case sum.Targets == 0 && !rw.resumed:
		return &inputError{errors.New("no targets to probe")}
	}
	return rw.gate()
}
