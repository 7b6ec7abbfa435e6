package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
	"github.com/spillcheck/spillcheck/scanner/baseline"
	"github.com/spillcheck/spillcheck/scanner/report"
)

// reportFlags name the document reports written at the end of a run, and
// the baseline of accepted findings.
type reportFlags struct {
	sarif, markdown, html string
	baseline              string
}

func (f *reportFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.sarif, "sarif", "", "also write a SARIF 2.1.0 report to `FILE` (code scanning)")
	fs.StringVar(&f.markdown, "markdown", "", "also write a Markdown report to `FILE` (pull requests, job summaries)")
	fs.StringVar(&f.html, "html", "", "also write a self-contained HTML report to `FILE`")
	fs.StringVar(&f.baseline, "baseline", "", "accept the findings listed in `FILE` (an accept list or earlier results) until they expire")
}

func (f *reportFlags) validate() error { return nil }

// reportSet applies the baseline and keeps the results the document reports
// need: every result that is not closed or timed out, so memory follows
// findings, not targets.
type reportSet struct {
	flags    *reportFlags
	baseline *baseline.Baseline
	now      time.Time
	results  []scanner.Result
}

func (f *reportFlags) open() (*reportSet, error) {
	rs := &reportSet{flags: f, now: time.Now()}
	if f.baseline != "" {
		b, err := baseline.Load(f.baseline)
		if err != nil {
			return nil, &inputError{fmt.Errorf("--baseline: %w", err)}
		}
		rs.baseline = b
	}
	return rs, nil
}

func (rs *reportSet) wanted() bool {
	return rs.flags.sarif != "" || rs.flags.markdown != "" || rs.flags.html != ""
}

// apply marks what the baseline accepts in r.
func (rs *reportSet) apply(r *scanner.Result) {
	if rs.baseline != nil {
		rs.baseline.Apply(r, rs.now)
	}
}

func (rs *reportSet) keep(r *scanner.Result) {
	if !rs.wanted() || r.Status == scanner.StatusClosed || r.Status == scanner.StatusTimeout {
		return
	}
	rs.results = append(rs.results, *r)
}

// unused lists baseline entries that accepted nothing in this run.
func (rs *reportSet) unused() []baseline.Entry {
	if rs.baseline == nil {
		return nil
	}
	return rs.baseline.Unused()
}

func (rs *reportSet) write(sum *scanner.Summary) error {
	for _, r := range []struct {
		path string
		w    report.Writer
	}{
		{rs.flags.sarif, report.SARIF(buildVersion())},
		{rs.flags.markdown, report.Markdown()},
		{rs.flags.html, report.HTML()},
	} {
		if r.path == "" {
			continue
		}
		if err := writeReport(r.path, r.w, rs.results, sum); err != nil {
			return err
		}
	}
	return nil
}

func writeReport(path string, w report.Writer, results []scanner.Result, sum *scanner.Summary) error {
	fh, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := w.Write(fh, results, sum); err != nil {
		fh.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return fh.Close()
}
