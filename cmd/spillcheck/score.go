package main

import (
	"context"
	"flag"
	"os"

	"github.com/spillcheck/spillcheck/fingerprints"
)

const scoreExamples = `  spillcheck score index-template.json --fail-on high      # CI: fail a messaging template
  spillcheck score mapping.json validator.json --explain
  spillcheck score fields.txt --store mongodb --container messages
  spillcheck score old-scan.jsonl --rules my-rules.json --jsonl -o rescored.jsonl
  curl -s localhost:9200/_mapping | spillcheck score -
`

// scoreFlags are the flags of `score` beyond output.
type scoreFlags struct {
	rules, store, container string
}

func (f *scoreFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.rules, "rules", "", "extend or override the built-in PII rules with `FILE`")
	fs.StringVar(&f.store, "store", "", "`STORE` a plain field list describes: elasticsearch, mongodb or redis")
	fs.StringVar(&f.container, "container", "", "`NAME` of the index, collection or key pattern of a field list or bare mapping (default: the file name)")
}

// runScore scores schemas offline: no network. Schemas are rated as if the
// store were open with unknown volume; spillcheck results are re-scored with
// their own status and volume.
func runScore(ctx context.Context, c *cli, args []string) error {
	var (
		of outputFlags
		sf scoreFlags
		lf logFlags
	)
	fs := newFlagSet(c, "score", "spillcheck score [flags] FILE...\n\n"+
		"Scores schemas without connecting anywhere. FILE ('-' for stdin) is spillcheck\n"+
		"JSON/JSONL results (re-scored), an Elasticsearch/OpenSearch GET _mapping response\n"+
		"or index template, a MongoDB $jsonSchema validator (bare or in collMod/create),\n"+
		"a schema document {\"store\",\"container\",\"fields\"} (Redis: \"keys\", \"hash_fields\"),\n"+
		"or a plain list of field names, one per line. A schema is rated as if its store\n"+
		"were open and its volume unknown: what would it be if it leaked?", scoreExamples)
	fs.group("Scoring", sf.register)
	fs.group("Output", of.register)
	fs.group("Logging", lf.register)
	files, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("score: name at least one schema file ('-' for stdin)")
	}
	if err := of.validate(); err != nil {
		return err
	}
	switch sf.store {
	case "", "elasticsearch", "opensearch", "mongodb", "redis":
	default:
		return usagef("--store must be elasticsearch, mongodb or redis, got %q", sf.store)
	}
	engine, err := newScorer(sf.rules)
	if err != nil {
		return err
	}
	log := newLogger(lf, &stderrLine{w: c.stderr}, c.tty && !c.noColor(lf))
	opts := fingerprints.SchemaOptions{Store: sf.store, Container: sf.container}
	rw, err := newResultWriter(c, &of, lf, log)
	if err != nil {
		return err
	}
	var readErr error
	for _, f := range files {
		if ctx.Err() != nil {
			readErr = errInterrupted
			break
		}
		if err := scoreFile(c, engine, f, opts, rw); err != nil {
			readErr = &inputError{err}
			break
		}
	}
	rw.reports.warnBaseline(log)
	if err := rw.close(); err != nil {
		return &scanError{err}
	}
	if readErr != nil {
		return readErr
	}
	return rw.gate()
}

// scoreFile reads one schema file, scores each result and hands it on.
func scoreFile(c *cli, engine *fingerprints.Engine, name string, opts fingerprints.SchemaOptions, rw *resultWriter) error {
	in := c.stdin
	if name != "-" {
		fh, err := os.Open(name)
		if err != nil {
			return err
		}
		defer fh.Close()
		in = fh
	}
	results, err := fingerprints.ReadSchemas(name, in, opts)
	if err != nil {
		return err
	}
	for i := range results {
		engine.ScoreResult(&results[i])
		rw.add(&results[i])
	}
	return nil
}
