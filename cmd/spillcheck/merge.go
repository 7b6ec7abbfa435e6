package main

import (
	"context"
	"fmt"
	"os"
	"sort"

	"github.com/spillcheck/spillcheck/scanner"
)

const mergeExamples = `  spillcheck merge shard-*.jsonl --jsonl -o all.jsonl
  spillcheck merge shard-*.jsonl --sarif spillcheck.sarif --markdown summary.md
`

// runMerge combines result files (shards, resumed runs, repeated scans) into
// one, keeping one result per target: the most recent.
func runMerge(ctx context.Context, c *cli, args []string) error {
	var (
		of outputFlags
		lf logFlags
	)
	fs := newFlagSet(c, "merge", "spillcheck merge [flags] FILE...\n\n"+
		"Reads spillcheck results (--jsonl or --json files), keeps the newest result for\n"+
		"each target, and writes them as one report with the same outputs as scan.", mergeExamples)
	fs.group("Output", of.register)
	fs.group("Logging", lf.register)
	files, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("merge: name at least one result file")
	}
	if err := of.validate(); err != nil {
		return err
	}
	log := newLogger(lf, &stderrLine{w: c.stderr}, c.tty && !c.noColor(lf))
	byKey := map[string]scanner.Result{}
	for _, f := range files {
		if ctx.Err() != nil {
			return errInterrupted
		}
		n, err := readResultFile(f, func(r scanner.Result) {
			k := r.Target.Key()
			if old, ok := byKey[k]; !ok || r.Started.After(old.Started) {
				byKey[k] = r
			}
		})
		if err != nil {
			return &inputError{err}
		}
		log.Info().Msgf("%s: %d results", f, n)
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	rw, err := newResultWriter(c, &of, lf, log)
	if err != nil {
		return err
	}
	for _, k := range keys {
		r := byKey[k]
		rw.add(&r)
	}
	rw.reports.warnBaseline(log)
	if err := rw.close(); err != nil {
		return &scanError{err}
	}
	return rw.gate()
}

func readResultFile(path string, fn func(scanner.Result)) (int, error) {
	fh, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer fh.Close()
	n := 0
	err = scanner.ReadResults(fh, path, func(r scanner.Result) error {
		n++
		fn(r)
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("%s: %w", path, err)
	}
	return n, nil
}
