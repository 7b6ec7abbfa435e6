package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
	"github.com/spillcheck/spillcheck/scanner/baseline"
)

const baselineExamples = `  spillcheck baseline -l staging.txt -o accepted.json --reason "staging fixtures, SEC-142" --expires 2027-01-31
  spillcheck baseline --from results.jsonl -o accepted.json --reason "reviewed 2026-11-29"
  spillcheck scan -l staging.txt --baseline accepted.json     # accepted findings no longer fail the run
`

// runBaseline writes an accept list of every finding, from a fresh scan of
// TARGETS or from an earlier result file (--from).
func runBaseline(ctx context.Context, c *cli, args []string) error {
	var (
		inf             inputFlags
		sf              scanFlags
		lf              logFlags
		from, out       string
		reason, expires string
	)
	fs := newFlagSet(c, "baseline", "spillcheck baseline [flags] [TARGET ...] -o FILE\n"+
		"       spillcheck baseline --from RESULTS -o FILE\n\n"+
		"Writes an accept list with one entry per finding (per scored container), which\n"+
		"`scan --baseline FILE` honours until the entry expires. Review it before you\n"+
		"commit it: every entry says why its finding is acceptable.", baselineExamples)
	fs.group("Baseline", func(fs *flag.FlagSet) {
		fs.StringVar(&out, "o", "", "write the baseline to `FILE` (required)")
		fs.StringVar(&from, "from", "", "take the findings from this result `FILE` (--jsonl or --json) instead of scanning")
		fs.StringVar(&reason, "reason", "accepted when the baseline was written; review me", "why these findings are acceptable")
		fs.StringVar(&expires, "expires", "", "`DATE` (2027-01-31) after which the entries stop accepting")
	})
	fs.group("Targets and scope", inf.register)
	fs.group("Rate, time and limits", sf.register)
	fs.group("Logging", lf.register)
	targets, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if out == "" {
		return usagef("baseline: -o FILE is required")
	}
	if expires != "" {
		if _, err := time.Parse(time.DateOnly, expires); err != nil {
			return usagef("--expires %q is not a date such as 2027-01-31", expires)
		}
	}
	var results []scanner.Result
	keep := func(r scanner.Result) { // FromResults decides what is a finding
		if r.Status != scanner.StatusClosed && r.Status != scanner.StatusTimeout {
			results = append(results, r)
		}
	}
	switch {
	case from != "" && (len(targets) > 0 || len(inf.lists) > 0):
		return usagef("baseline: give --from or targets, not both")
	case from != "":
		if _, err := readResultFile(from, keep); err != nil {
			return &inputError{err}
		}
	default:
		of := outputFlags{failOn: "none", progress: "auto"}
		if err := of.validate(); err != nil {
			return err
		}
		rw, in, err := scan(ctx, c, targets, &inf, &sf, &of, lf, func(r *scanner.Result) { keep(*r) })
		if err != nil {
			return err
		}
		if err := scanOutcome(ctx, rw, in); err != nil {
			return err
		}
	}
	b := baseline.FromResults(results, reason)
	for i := range b.Entries {
		b.Entries[i].Expires = expires
	}
	fh, err := os.Create(out)
	if err != nil {
		return &inputError{err}
	}
	if err := b.Write(fh); err != nil {
		fh.Close()
		return &scanError{err}
	}
	if err := fh.Close(); err != nil {
		return &scanError{err}
	}
	fmt.Fprintf(c.stderr, "spillcheck: wrote %d baseline entries from %d results to %s\n", len(b.Entries), len(results), out)
	return nil
}
