package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
	"github.com/spillcheck/spillcheck/scanner/baseline"
)

const baselineExamples = `  spillcheck baseline -l staging.txt -o accepted.json --reason "staging fixtures, SEC-142" --expires 2027-01-31
  spillcheck baseline --from results.jsonl -o accepted.json --reason "reviewed 2026-11-29" --expires 2027-03-01
  spillcheck scan -l staging.txt --baseline accepted.json     # accepted findings no longer fail the run
  spillcheck baseline --prune accepted.json --from results.jsonl   # drop entries that match nothing
  spillcheck baseline --prune accepted.json -l staging.txt          # the same, from a fresh scan
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
		prune           string
	)
	fs := newFlagSet(c, "baseline", "spillcheck baseline [flags] [TARGET ...] -o FILE\n"+
		"       spillcheck baseline --from RESULTS -o FILE\n"+
		"       spillcheck baseline --prune FILE (--from RESULTS | [TARGET ...]) [-o FILE]\n\n"+
		"Writes an accept list with one entry per finding (per scored container), which\n"+
		"`scan --baseline FILE` honours until the entry expires. Review it before you\n"+
		"commit it: every entry says why its finding is acceptable, and an entry\n"+
		"without --expires is accepted for ever (scan warns about such entries).\n\n"+
		"--prune rewrites an accept list without the entries that match no finding\n"+
		"of the results (or of a fresh scan), expired or not.", baselineExamples)
	fs.group("Baseline", func(fs *flag.FlagSet) {
		fs.StringVar(&out, "o", "", "write the baseline to `FILE` (required, except with --prune, which rewrites its file)")
		fs.StringVar(&prune, "prune", "", "remove the entries of the accept list `FILE` that match no finding")
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
	if out == "" && prune == "" {
		return usagef("baseline: -o FILE is required")
	}
	var old *baseline.Baseline
	if prune != "" {
		if out == "" {
			out = prune
		}
		if old, err = baseline.Load(prune); err != nil {
			return &inputError{fmt.Errorf("--prune: %w", err)}
		}
		if !old.AcceptList {
			return usagef("--prune %s: not an accept list (a result file used as a baseline has nothing to prune)", prune)
		}
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
	if old != nil {
		kept, removed := old.Prune(results)
		for _, e := range removed {
			fmt.Fprintf(c.stderr, "spillcheck: removing %q (%s): it matches no finding\n", e.Pattern(), e.Reason)
		}
		if err := writeBaseline(out, &baseline.Baseline{Entries: kept}); err != nil {
			return err
		}
		fmt.Fprintf(c.stderr, "spillcheck: kept %d of %d baseline entries (%d results read); wrote %s\n", len(kept), len(old.Entries), len(results), out)
		return nil
	}
	b := baseline.FromResults(results, reason)
	for i := range b.Entries {
		b.Entries[i].Expires = expires
	}
	if err := writeBaseline(out, b); err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "spillcheck: wrote %d baseline entries from %d results to %s\n", len(b.Entries), len(results), out)
	if expires == "" && len(b.Entries) > 0 {
		fmt.Fprintln(c.stderr, "spillcheck: the entries never expire; pass --expires DATE so that accepted findings get reviewed again")
	}
	return nil
}

// writeBaseline writes b to path through a temporary file in the same
// directory, so that a failed write never leaves half a baseline behind.
func writeBaseline(path string, b *baseline.Baseline) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".spillcheck-baseline-*")
	if err != nil {
		return &inputError{fmt.Errorf("-o: %w", err)}
	}
	defer os.Remove(tmp.Name())
	if err := b.Write(tmp); err != nil {
		tmp.Close()
		return &scanError{err}
	}
	if err := tmp.Close(); err != nil {
		return &scanError{err}
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return &scanError{err}
	}
	return nil
}
