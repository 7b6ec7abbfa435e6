package fingerprints

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/spillcheck/spillcheck/scanner"
)

// corpusDir holds the labeled evaluation corpus (testdata/corpus/README.md).
const corpusDir = "../testdata/corpus"

// Floors of the evaluation. The tuning split is what the rules were tuned
// on; the held-out split was never used for tuning. The corpus was
// relabeled under issue 17's definition (rosters, device tokens, phone
// numbers of accounts and communication products' user profiles are now
// messaging PII), which the hand-tuned model does not know: these floors
// are what it measures on the new labels, until the fitted model replaces
// it.
var evalFloors = map[string]metrics{
	"all":     {AUC: 0.85, Precision: 0.95, Recall: 0.65},
	"tune":    {AUC: 0.85, Precision: 0.95, Recall: 0.65},
	"holdout": {AUC: 0.85, Precision: 0.95, Recall: 0.65},
}

type corpusLabels struct {
	Labels struct {
		Messaging  int      `json:"messaging_pii"`
		PII        int      `json:"pii"`
		Categories []string `json:"categories"`
	} `json:"labels"`
	Split string `json:"split"`
}

type scored struct {
	name       string
	split      string
	positive   bool
	likelihood int
	high       bool
	reason     string
}

type metrics struct {
	N, Pos                 int
	AUC, Precision, Recall float64
	TP, FP, FN             int
}

// scoreCorpus reads and scores every corpus file as `spillcheck score` would.
func scoreCorpus(t *testing.T, e *Engine) []scored {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.json"))
	if err != nil || len(files) < 60 {
		t.Fatalf("corpus: want at least 60 schemas in %s, found %d (%v)", corpusDir, len(files), err)
	}
	var out []scored
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var lab corpusLabels
		if err := json.Unmarshal(b, &lab); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if lab.Split != "tune" && lab.Split != "holdout" {
			t.Fatalf("%s: split %q, want tune or holdout", f, lab.Split)
		}
		results, err := ReadSchemas(f, strings.NewReader(string(b)), SchemaOptions{})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		best := scored{name: strings.TrimSuffix(filepath.Base(f), ".json"), split: lab.Split, positive: lab.Labels.Messaging == 1}
		for i := range results {
			e.ScoreResult(&results[i])
			s := results[i].Score
			if s.Likelihood >= best.likelihood {
				best.likelihood, best.reason = s.Likelihood, s.Reason
			}
			best.high = best.high || s.Severity >= scanner.SeverityHigh
		}
		out = append(out, best)
	}
	return out
}

// evaluate computes ROC AUC over likelihoods (ties count half) and
// precision and recall of "severity >= high".
func evaluate(rows []scored) metrics {
	var m metrics
	var pos, neg []int
	for _, r := range rows {
		m.N++
		if r.positive {
			m.Pos++
			pos = append(pos, r.likelihood)
		} else {
			neg = append(neg, r.likelihood)
		}
		switch {
		case r.high && r.positive:
			m.TP++
		case r.high:
			m.FP++
		case r.positive:
			m.FN++
		}
	}
	var wins float64
	for _, p := range pos {
		for _, n := range neg {
			switch {
			case p > n:
				wins++
			case p == n:
				wins += 0.5
			}
		}
	}
	if len(pos) > 0 && len(neg) > 0 {
		m.AUC = wins / float64(len(pos)*len(neg))
	}
	if m.TP+m.FP > 0 {
		m.Precision = float64(m.TP) / float64(m.TP+m.FP)
	}
	if m.TP+m.FN > 0 {
		m.Recall = float64(m.TP) / float64(m.TP+m.FN)
	}
	return m
}

func (m metrics) String() string {
	return fmt.Sprintf("n=%d positives=%d AUC=%.3f precision=%.3f recall=%.3f (TP=%d FP=%d FN=%d)",
		m.N, m.Pos, m.AUC, m.Precision, m.Recall, m.TP, m.FP, m.FN)
}

// TestEvaluationCorpus scores the labeled corpus and fails below the floors.
// Misses are listed for the tuning split only, so that reading the output
// does not leak the held-out split into tuning.
func TestEvaluationCorpus(t *testing.T) {
	rows := scoreCorpus(t, mustDefault(t))
	sort.Slice(rows, func(i, j int) bool { return rows[i].name < rows[j].name })
	bySplit := map[string][]scored{"all": rows}
	for _, r := range rows {
		bySplit[r.split] = append(bySplit[r.split], r)
		if r.split == "tune" && os.Getenv("SPILLCHECK_EVAL_VERBOSE") != "" {
			t.Logf("tune row: %-40s positive=%-5v likelihood=%3d", r.name, r.positive, r.likelihood)
		}
		if r.split == "tune" && r.positive != r.high {
			t.Logf("tune miss: %s positive=%v likelihood=%d: %s", r.name, r.positive, r.likelihood, r.reason)
		}
	}
	var table strings.Builder
	table.WriteString("| split | schemas | positives | ROC AUC | precision at high | recall at high | floor (AUC / P / R) |\n")
	table.WriteString("|---|---|---|---|---|---|---|\n")
	for _, split := range []string{"all", "tune", "holdout"} {
		m, floor := evaluate(bySplit[split]), evalFloors[split]
		t.Logf("%-7s %s", split, m)
		fmt.Fprintf(&table, "| %s | %d | %d | %.3f | %.3f (%d/%d) | %.3f (%d/%d) | %.2f / %.2f / %.2f |\n", split, m.N, m.Pos,
			m.AUC, m.Precision, m.TP, m.TP+m.FP, m.Recall, m.TP, m.TP+m.FN, floor.AUC, floor.Precision, floor.Recall)
		if m.AUC < floor.AUC || m.Precision < floor.Precision || m.Recall < floor.Recall {
			t.Errorf("%s split below floor AUC>=%.2f P>=%.2f R>=%.2f: %s", split, floor.AUC, floor.Precision, floor.Recall, m)
		}
	}
	checkDocBlock(t, "../docs/scoring.md", "metrics", table.String())
}

var updateDocs = flag.Bool("update-docs", false, "rewrite generated blocks of docs/scoring.md")

// checkDocBlock keeps a generated block of a document true: the text
// between <!-- NAME:start --> and <!-- NAME:end --> must equal want.
func checkDocBlock(t *testing.T, path, name, want string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	start, end := "<!-- "+name+":start -->\n", "<!-- "+name+":end -->"
	i, j := strings.Index(string(b), start), strings.Index(string(b), end)
	if i < 0 || j < i {
		t.Fatalf("%s: no %q ... %q block", path, start, end)
	}
	got := string(b[i+len(start) : j])
	if got == want {
		return
	}
	if *updateDocs {
		out := string(b[:i+len(start)]) + want + string(b[j:])
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s: the %s block is stale; run go test ./fingerprints -run EvaluationCorpus -update-docs\n--- got\n%s--- want\n%s", path, name, got, want)
}

func TestEvaluateMetrics(t *testing.T) {
	rows := []scored{
		{positive: true, likelihood: 90, high: true},
		{positive: true, likelihood: 50},
		{positive: false, likelihood: 50},
		{positive: false, likelihood: 10},
		{positive: false, likelihood: 80, high: true},
	}
	m := evaluate(rows)
	// pairs: 90 beats 50,10,80 (3); 50 ties 50 (0.5), beats 10 (1), loses to 80 -> 4.5/6
	if m.AUC != 0.75 || m.Precision != 0.5 || m.Recall != 0.5 || m.TP != 1 || m.FP != 1 || m.FN != 1 {
		t.Errorf("evaluate = %s, want AUC=0.75 P=0.5 R=0.5 TP=1 FP=1 FN=1", m)
	}
}
