package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/spillcheck/spillcheck/scanner"
	"github.com/spillcheck/spillcheck/scanner/report"
)

// reportFlags name the document reports written at the end of a run.
type reportFlags struct {
	sarif, markdown, html string
}

func (f *reportFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.sarif, "sarif", "", "also write a SARIF 2.1.0 report to `FILE` (code scanning)")
}

func (f *reportFlags) validate() error { return nil }

// reportSet keeps the results the document reports need (every result that
// is not closed or timed out, so memory follows findings, not targets).
type reportSet struct {
	flags   *reportFlags
	results []scanner.Result
}

func (f *reportFlags) open() (*reportSet, error) {
	return &reportSet{flags: f}, nil
}

func (rs *reportSet) wanted() bool { return rs.flags.sarif != "" }

// apply marks a result accepted by the baseline.
func (rs *reportSet) apply(r *scanner.Result) {}

func (rs *reportSet) keep(r *scanner.Result) {
	if !rs.wanted() || r.Status == scanner.StatusClosed || r.Status == scanner.StatusTimeout {
		return
	}
	rs.results = append(rs.results, *r)
}

func (rs *reportSet) write(sum *scanner.Summary) error {
	if rs.flags.sarif != "" {
		if err := writeReport(rs.flags.sarif, report.SARIF(version), rs.results, sum); err != nil {
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
