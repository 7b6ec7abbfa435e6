package fingerprints_test

import (
	"os"
	"testing"

	"github.com/spillcheck/spillcheck/fingerprints"
	"github.com/spillcheck/spillcheck/fingerprints/internal/corpus"
)

// corpusDir holds the labeled corpus (testdata/corpus/README.md).
const corpusDir = "../testdata/corpus"

// TestCorpusFiles checks every corpus file's keys and labels: store,
// container, fields or keys, project, database, language, the labels with
// the definition's category ids and a reason, and a source. A source that
// cites no commit or URL is logged as a warning (make eval lists it in the
// corpus index).
func TestCorpusFiles(t *testing.T) {
	entries, probs, err := corpus.Load(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range probs {
		if p.Warning {
			t.Logf("%s", p)
			continue
		}
		t.Errorf("%s", p)
	}
	if len(entries) < 100 {
		t.Errorf("%d usable corpus files, want at least 100", len(entries))
	}
}

// TestCrossValidation runs `make eval`'s cross-validation, grouped by
// project and refitting on each training fold (threshold included), and
// holds its figures to corpus.TestFloors, each file alone and with its
// database; and scores the fresh/ batch with a model fitted without it,
// held to corpus.HoldoutFloors.
func TestCrossValidation(t *testing.T) {
	e, err := fingerprints.LoadWithModel(fingerprints.BlankModel())
	if err != nil {
		t.Fatal(err)
	}
	entries, probs, err := corpus.Load(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := corpus.Evaluate(e, entries, probs)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []corpus.Mode{corpus.Alone, corpus.WithDatabase} {
		x, f := corpus.Measure(ev.Preds(m)), corpus.TestFloors[m]
		t.Logf("%s: n=%d positives=%d AUC=%.3f precision=%.3f (%d/%d) recall=%.3f (%d/%d)", m, x.N, x.Pos,
			x.AUC, x.Precision, x.TP, x.TP+x.FP, x.Recall, x.TP, x.TP+x.FN)
		if x.AUC < f.AUC || x.Precision < f.Precision || x.Recall < f.Recall {
			t.Errorf("%s: below the floors AUC>=%.2f P>=%.2f R>=%.2f", m, f.AUC, f.Precision, f.Recall)
		}
		fresh := ev.FreshAlone
		if m == corpus.WithDatabase {
			fresh = ev.FreshDB
		}
		if len(fresh) > 0 {
			x, f := corpus.Measure(fresh), corpus.HoldoutFloors[m]
			t.Logf("%s, %s fitted without it: n=%d positives=%d AUC=%.3f precision=%.3f (%d/%d) recall=%.3f (%d/%d)", m, corpus.HoldoutDir, x.N, x.Pos,
				x.AUC, x.Precision, x.TP, x.TP+x.FP, x.Recall, x.TP, x.TP+x.FN)
			if x.AUC < f.AUC || x.Precision < f.Precision || x.Recall < f.Recall {
				t.Errorf("%s on %s: below the floors AUC>=%.2f P>=%.2f R>=%.2f", m, corpus.HoldoutDir, f.AUC, f.Precision, f.Recall)
			}
		}
		if os.Getenv("SPILLCHECK_EVAL_VERBOSE") != "" {
			for _, p := range ev.Preds(m) {
				if p.High != p.Entry.Positive() {
					t.Logf("  miss: %s positive=%v likelihood=%d: %s", p.Entry.Name, p.Entry.Positive(), p.Likelihood, p.Reason)
				}
			}
		}
	}
}

// TestEmbeddedModel checks model.json against this build's features and
// notes when it was fitted on a different corpus than the one here (run
// make fit).
func TestEmbeddedModel(t *testing.T) {
	m := fingerprints.EmbeddedModel()
	entries, _, err := corpus.Load(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	if m.Corpus.Schemas != len(entries) {
		t.Logf("model.json was fitted on %d schemas; the corpus now has %d: run make fit", m.Corpus.Schemas, len(entries))
	}
	if m.Trained == "" || m.Method == "" || len(m.Features) != len(fingerprints.FeatureNames()) {
		t.Errorf("model.json lacks its date, method or features: %+v", m)
	}
}
