// Package report writes scan results for people and for CI: SARIF 2.1.0 for
// code scanning, Markdown for pull requests and job summaries, and a
// self-contained HTML page to hand to a store's owner.
//
// Every format is one file behind Writer and reads the same findings
// (finding.go) and fix steps (fix.go), so the formats never disagree about
// what is wrong or how to fix it. Results carry field and key names, never
// values, and so do the reports; every name came from a server that may be
// hostile, so each format escapes it for its own syntax.
package report

import (
	"io"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
)

// Writer writes one report of results. results are the results worth
// reporting (the CLI leaves out closed and timed-out targets); sum may be nil,
// in which case the writer counts results itself.
type Writer interface {
	Write(w io.Writer, results []scanner.Result, sum *scanner.Summary) error
}

// summaryOf returns sum, or a summary counted from results when sum is nil.
func summaryOf(results []scanner.Result, sum *scanner.Summary) *scanner.Summary {
	if sum != nil {
		return sum
	}
	s := scanner.NewSummary(scanner.SeverityNone)
	s.Started = time.Time{}
	for i := range results {
		s.Add(&results[i])
	}
	return s
}
