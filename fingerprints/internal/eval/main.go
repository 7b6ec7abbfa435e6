// Command eval cross-validates the model on the labeled corpus by project
// and writes the figures into docs/scoring.md, the corpus index into
// testdata/corpus/README.md and the severity changes against the previous
// release's baseline.json into docs/scoring-changes.md, each between its
// markers: `make eval`, or
//
//	go run ./fingerprints/internal/eval [-corpus DIR] [-docs FILE] [-index FILE] [-baseline FILE] [-changes FILE] [-oof FILE]
//
// -oof writes every schema's out-of-fold likelihoods as tab-separated
// lines, for measuring a subset of the corpus (say, without the projects
// a vocabulary was read from).
//
// It prints the corpus requirements of issue 17 that are not met yet.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/spillcheck/spillcheck/fingerprints"
	"github.com/spillcheck/spillcheck/fingerprints/internal/corpus"
)

func main() {
	dir := flag.String("corpus", "testdata/corpus", "corpus `DIR`")
	docs := flag.String("docs", "docs/scoring.md", "`FILE` whose eval block to rewrite")
	index := flag.String("index", "testdata/corpus/README.md", "`FILE` whose index block to rewrite")
	baseline := flag.String("baseline", "fingerprints/internal/eval/baseline.json", "recorded severities of the previous release (`FILE`)")
	changes := flag.String("changes", "docs/scoring-changes.md", "`FILE` whose changes block to rewrite")
	oof := flag.String("oof", "", "also write every schema's out-of-fold likelihoods to `FILE` (tab-separated)")
	flag.Parse()
	if err := run(*dir, *docs, *index, *baseline, *changes, *oof); err != nil {
		fmt.Fprintln(os.Stderr, "eval:", err)
		os.Exit(1)
	}
}

func run(dir, docs, index, baseline, changes, oof string) error {
	e, err := fingerprints.LoadWithModel(fingerprints.BlankModel())
	if err != nil {
		return err
	}
	entries, probs, err := corpus.Load(dir)
	if err != nil {
		return err
	}
	for _, p := range probs {
		fmt.Println("corpus problem:", p)
	}
	ev, err := corpus.Evaluate(e, entries, probs)
	if err != nil {
		return err
	}
	for _, m := range []corpus.Mode{corpus.Alone, corpus.WithDatabase} {
		x := corpus.Measure(ev.Preds(m))
		fmt.Printf("%-18s AUC %.3f  precision %.3f (%d/%d)  recall %.3f (%d/%d)\n", m.String()+":", x.AUC,
			x.Precision, x.TP, x.TP+x.FP, x.Recall, x.TP, x.TP+x.FN)
	}
	for _, r := range corpus.Requirements(entries) {
		if !r.Met {
			fmt.Printf("not met yet: %s: %s\n", r.Text, r.Have)
		}
	}
	if oof != "" {
		if err := os.WriteFile(oof, []byte(ev.OutOfFold()), 0o644); err != nil {
			return err
		}
	}
	if err := corpus.ReplaceBlock(docs, "eval", ev.Markdown(corpus.TestFloors)); err != nil {
		return err
	}
	if err := corpus.ReplaceBlock(index, "index", corpus.Index(entries, probs)); err != nil {
		return err
	}
	shipped, err := fingerprints.Default()
	if err != nil {
		return err
	}
	bl, err := corpus.ReadBaseline(baseline)
	if err != nil {
		return err
	}
	return corpus.ReplaceBlock(changes, "changes", corpus.Changes(shipped, entries, bl))
}
