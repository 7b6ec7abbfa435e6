package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/projectdiscovery/gologger"

	"github.com/spillcheck/spillcheck/scanner"
	"github.com/spillcheck/spillcheck/scanner/output"
)

// outputFlags choose formats and the --fail-on threshold; scan, score and
// merge share them.
type outputFlags struct {
	json, jsonl bool
	out         string
	failOn      string
	explain     bool
	progress    string
	reports     reportFlags
	// failUnassessed fails the run when any target timed out or errored.
	failUnassessed bool

	failSev scanner.Severity
}

func (f *outputFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&f.json, "json", false, "write one JSON document (results and summary) instead of the table")
	fs.BoolVar(&f.jsonl, "jsonl", false, "write one JSON result per line as each target finishes")
	fs.StringVar(&f.out, "o", "", "write results to `FILE` instead of stdout")
	fs.StringVar(&f.failOn, "fail-on", "high", "exit 1 when a finding is at or above `SEVERITY`: none, low, medium, high, critical")
	fs.BoolVar(&f.failUnassessed, "fail-on-unassessed", false, "exit 3 when any target timed out or failed with an error (a gate that must see every target)")
	fs.BoolVar(&f.explain, "explain", false, "show the evidence behind each score in the table")
	fs.StringVar(&f.progress, "progress", "auto", "progress line on stderr: `auto` (on a terminal, runs over 2s), always, never")
	f.reports.register(fs)
}

func (f *outputFlags) validate() error {
	if f.json && f.jsonl {
		return usagef("--json and --jsonl exclude each other; pick one")
	}
	sev, err := scanner.ParseSeverity(f.failOn)
	if err != nil {
		return usagef("--fail-on: %v", err)
	}
	f.failSev = sev
	switch f.progress {
	case "auto", "always", "never":
	default:
		return usagef("--progress must be auto, always or never, got %q", f.progress)
	}
	return f.reports.validate()
}

// resultWriter takes every finished result: it applies the baseline, counts
// it, writes it to the chosen format and the resume file, and keeps what the
// document reports need.
type resultWriter struct {
	sink    output.Sink
	closers []io.Closer
	summary *scanner.Summary
	log     *gologger.Logger
	verbose bool
	reports *reportSet
	state   *resumeState
	resumed bool
	err     error
	// logSummary repeats the summary on stderr when stdout is not the table.
	logSummary bool
	// failUnassessed is --fail-on-unassessed.
	failUnassessed bool
	// collect, when set, sees every result after the baseline.
	collect func(*scanner.Result)
}

func newResultWriter(c *cli, f *outputFlags, lf logFlags, log *gologger.Logger) (*resultWriter, error) {
	rw := &resultWriter{summary: scanner.NewSummary(f.failSev), log: log, verbose: lf.verbose, failUnassessed: f.failUnassessed}
	w := c.stdout
	if f.out != "" {
		fh, err := os.Create(f.out)
		if err != nil {
			return nil, &inputError{fmt.Errorf("-o: %w", err)}
		}
		rw.closers = append(rw.closers, fh)
		w = fh
	}
	rw.logSummary = f.json || f.jsonl || f.out != ""
	switch {
	case f.jsonl:
		rw.sink = output.NewJSONL(w)
	case f.json:
		rw.sink = output.NewJSON(w, buildVersion())
	default:
		t := output.NewTable(w)
		t.All, t.Explain = lf.verbose, f.explain
		t.Color = f.out == "" && c.stdoutTTY && !c.noColor(lf)
		rw.sink = t
	}
	reports, err := f.reports.open()
	if err != nil {
		return nil, err
	}
	rw.reports = reports
	return rw, nil
}

// gate decides the exit code of a run whose results are all written: no
// target assessed (every one timed out or errored) fails with exit 3, then
// findings at or above --fail-on exit 1, then any unassessed target exits 3
// with --fail-on-unassessed.
func (rw *resultWriter) gate() error {
	sum := rw.summary
	switch {
	case sum.Targets > 0 && sum.Unassessed == sum.Targets:
		return &scanError{fmt.Errorf("no target could be assessed: %s; see the errors above or in the results", unassessedText(sum))}
	case sum.Failing > 0:
		return errFindings
	case rw.failUnassessed && sum.Unassessed > 0:
		return &scanError{fmt.Errorf("--fail-on-unassessed: %d of %d targets were not assessed (%s)", sum.Unassessed, sum.Targets, unassessedText(sum))}
	}
	return nil
}

func unassessedText(sum *scanner.Summary) string {
	return fmt.Sprintf("%d timed out, %d failed with an error", sum.ByStatus[scanner.StatusTimeout], sum.ByStatus[scanner.StatusError])
}

// add handles one finished result; the runner calls it from one goroutine.
func (rw *resultWriter) add(r *scanner.Result) {
	rw.reports.apply(r)
	rw.summary.Add(r)
	if rw.verbose {
		rw.log.Verbose().Msgf("%s: %s %s", r.Target.Key(), r.Status, r.Error)
	}
	if err := rw.sink.Result(r); err != nil && rw.err == nil {
		rw.err = fmt.Errorf("writing results: %w", err)
		rw.log.Error().Msg(rw.err.Error())
	}
	if rw.state != nil {
		if err := rw.state.record(r); err != nil && rw.err == nil {
			rw.err = fmt.Errorf("writing the resume file: %w", err)
			rw.log.Error().Msg(rw.err.Error())
		}
	}
	rw.reports.keep(r)
	if rw.collect != nil {
		rw.collect(r)
	}
}

// flush writes out the results the outputs buffer: the results file first,
// then the resume file, so that after each flush the resume file lists no
// result the results file lacks. (A buffer that fills up is written on its
// own; a rerun with --resume rewrites the results file from the resume file
// anyway.) The runner calls it whenever no finished result is waiting.
func (rw *resultWriter) flush() {
	if f, ok := rw.sink.(output.Flusher); ok {
		if err := f.Flush(); err != nil && rw.err == nil {
			rw.err = fmt.Errorf("writing results: %w", err)
			rw.log.Error().Msg(rw.err.Error())
		}
	}
	if rw.state != nil {
		if err := rw.state.flush(); err != nil && rw.err == nil {
			rw.err = fmt.Errorf("writing the resume file: %w", err)
			rw.log.Error().Msg(rw.err.Error())
		}
	}
}

// close writes the trailers and the document reports and closes files.
func (rw *resultWriter) close() error {
	rw.summary.Duration = scanner.Duration(time.Since(rw.summary.Started))
	err := rw.sink.Close(rw.summary)
	if err2 := rw.reports.write(rw.summary); err == nil {
		err = err2
	}
	if rw.state != nil {
		if err2 := rw.state.close(); err == nil {
			err = err2
		}
	}
	for _, c := range rw.closers {
		if err2 := c.Close(); err == nil {
			err = err2
		}
	}
	if err == nil {
		err = rw.err
	}
	if rw.logSummary {
		rw.log.Info().Msg(output.SummaryLine(rw.summary))
		rw.log.Info().Msg(output.FindingsLine(rw.summary))
	}
	return err
}
