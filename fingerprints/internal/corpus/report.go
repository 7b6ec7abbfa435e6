package corpus

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/spillcheck/spillcheck/fingerprints"
)

// Evaluation is everything `make eval` reports.
type Evaluation struct {
	Entries   []*Entry
	Problems  []Problem
	Alone, DB []Prediction
	// FreshAlone and FreshDB are the holdout batch (HoldoutDir) scored by
	// a model fitted without it.
	FreshAlone, FreshDB []Prediction
}

// Evaluate cross-validates entries in both modes.
func Evaluate(e *fingerprints.Engine, entries []*Entry, probs []Problem) (*Evaluation, error) {
	ev := &Evaluation{Entries: entries, Problems: probs}
	d := Prepare(e, entries)
	var err error
	if ev.Alone, ev.DB, err = CrossValidate(e, d); err != nil {
		return nil, err
	}
	if ev.FreshAlone, ev.FreshDB, err = Holdout(e, d); err != nil {
		return nil, err
	}
	return ev, nil
}

// Floors are the least figures the evaluation test accepts, per mode.
type Floors struct{ AUC, Precision, Recall float64 }

func pct(x float64) string { return fmt.Sprintf("%.3f", x) }

// Markdown is the block of docs/scoring.md between the eval markers.
func (ev *Evaluation) Markdown(floors map[Mode]Floors) string {
	var b strings.Builder
	projects := map[string]bool{}
	pos := 0
	for _, e := range ev.Entries {
		projects[e.Project] = true
		if e.Positive() {
			pos++
		}
	}
	fmt.Fprintf(&b, "%d schemas from %d projects (%d positives), %d-fold cross-validation grouped by project, the model refitted on each training fold; intervals are 95%% bootstrap intervals over projects (%d resamples).\n\n",
		len(ev.Entries), len(projects), pos, Folds, Bootstraps)
	b.WriteString("| scored | ROC AUC | precision at high | recall at high | floor (AUC / P / R) |\n|---|---|---|---|---|\n")
	for _, m := range []Mode{Alone, WithDatabase} {
		figuresRow(&b, m, ev.Preds(m), floors[m])
	}
	if len(ev.FreshAlone) > 0 {
		fresh := map[string]bool{}
		fpos := 0
		for _, p := range ev.FreshAlone {
			fresh[p.Entry.Project] = true
			if p.Entry.Positive() {
				fpos++
			}
		}
		fmt.Fprintf(&b, "\nThe `%s` batch (%d schemas from %d projects new to the rest of the corpus, %d positives), scored by a model fitted on every other schema only (the cross-validation above includes them, out of fold):\n\n",
			strings.TrimSuffix(HoldoutDir, "/"), len(ev.FreshAlone), len(fresh), fpos)
		b.WriteString("| scored | ROC AUC | precision at high | recall at high | floor (AUC / P / R) |\n|---|---|---|---|---|\n")
		for _, m := range []Mode{Alone, WithDatabase} {
			ps := ev.FreshAlone
			if m == WithDatabase {
				ps = ev.FreshDB
			}
			figuresRow(&b, m, ps, HoldoutFloors[m])
		}
	}
	ev.auditTable(&b)
	b.WriteString("\nOperating points of the cross-validated likelihoods, each file alone (high is likelihood 50, where each fold's fit put the precision it chose on its own training folds; the other rows show what another cut would give):\n\n")
	b.WriteString("| high from likelihood | precision | recall | precision on `" + strings.TrimSuffix(HoldoutDir, "/") + "` | recall on `" + strings.TrimSuffix(HoldoutDir, "/") + "` |\n|---|---|---|---|---|\n")
	for _, cut := range []int{20, 30, 40, 50, 60, 70, 80} {
		x, h := atCut(ev.Alone, cut), atCut(ev.FreshAlone, cut)
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s |\n", cut, ratio(x.TP, x.TP+x.FP), ratio(x.TP, x.TP+x.FN), ratio(h.TP, h.TP+h.FP), ratio(h.TP, h.TP+h.FN))
	}
	b.WriteString("\nRecall at high per category of the definition (a schema counts under each category its label names):\n\n")
	ev.recallTable(&b, "category", func(e *Entry) []string { return e.Labels.Categories }, false)
	b.WriteString("\nPer store (negatives at high are false positives):\n\n")
	ev.recallTable(&b, "store", func(e *Entry) []string { return []string{e.Store} }, true)
	b.WriteString("\nPer language of the field names:\n\n")
	ev.recallTable(&b, "language", func(e *Entry) []string { return []string{e.Language} }, true)
	b.WriteString("\nMisses at high, each file alone (likelihood with its database in brackets), with the label's reason and the score's:\n\n")
	ev.misses(&b)
	return b.String()
}

// figuresRow writes one row of the figures tables: mode, AUC, precision
// and recall with their bootstrap intervals, and the floors.
func figuresRow(b *strings.Builder, m Mode, ps []Prediction, f Floors) {
	x, ci := Measure(ps), Bootstrap(ps)
	fmt.Fprintf(b, "| %s | %s [%s, %s] | %s (%d/%d) [%s, %s] | %s (%d/%d) [%s, %s] | %.2f / %.2f / %.2f |\n", m,
		pct(x.AUC), pct(ci.AUC.Lo), pct(ci.AUC.Hi),
		pct(x.Precision), x.TP, x.TP+x.FP, pct(ci.Precision.Lo), pct(ci.Precision.Hi),
		pct(x.Recall), x.TP, x.TP+x.FN, pct(ci.Recall.Lo), pct(ci.Recall.Hi),
		f.AUC, f.Precision, f.Recall)
}

// atCut measures predictions as if high began at likelihood cut.
func atCut(ps []Prediction, cut int) Metrics {
	out := make([]Prediction, len(ps))
	for i, p := range ps {
		p.High = p.Likelihood >= cut
		out[i] = p
	}
	return Measure(out)
}

func (ev *Evaluation) Preds(m Mode) []Prediction {
	if m == Alone {
		return ev.Alone
	}
	return ev.DB
}

func (ev *Evaluation) recallTable(b *strings.Builder, key string, keys func(*Entry) []string, withFP bool) {
	a, d := RecallBy(ev.Alone, keys), RecallBy(ev.DB, keys)
	dm := map[string]Recall{}
	for _, r := range d {
		dm[r.Key] = r
	}
	if withFP {
		fmt.Fprintf(b, "| %s | schemas | positives | recall alone | recall with database | false positives alone / with database | precision alone |\n|---|---|---|---|---|---|---|\n", key)
	} else {
		fmt.Fprintf(b, "| %s | positives | recall alone | recall with database |\n|---|---|---|---|\n", key)
	}
	for _, r := range a {
		rd := dm[r.Key]
		if withFP {
			fmt.Fprintf(b, "| %s | %d | %d | %s | %s | %d / %d | %s |\n", r.Key, r.N, r.Positives, ratio(r.High, r.Positives), ratio(rd.High, rd.Positives), r.FP, rd.FP, ratio(r.High, r.High+r.FP))
		} else {
			fmt.Fprintf(b, "| %s | %d | %s | %s |\n", r.Key, r.Positives, ratio(r.High, r.Positives), ratio(rd.High, rd.Positives))
		}
	}
}

func ratio(k, n int) string {
	if n == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f (%d/%d)", float64(k)/float64(n), k, n)
}

func (ev *Evaluation) misses(b *strings.Builder) {
	db := map[string]Prediction{}
	for _, p := range ev.DB {
		db[p.Entry.Name] = p
	}
	var fn, fp []Prediction
	for _, p := range ev.Alone {
		switch {
		case p.Entry.Positive() && !p.High:
			fn = append(fn, p)
		case !p.Entry.Positive() && p.High:
			fp = append(fp, p)
		}
	}
	for _, list := range []struct {
		title string
		ps    []Prediction
	}{{"False negatives (messaging PII below high)", fn}, {"False positives (high without messaging PII)", fp}} {
		fmt.Fprintf(b, "%s: %d\n\n", list.title, len(list.ps))
		if len(list.ps) == 0 {
			continue
		}
		b.WriteString("| schema | likelihood | label | score |\n|---|---|---|---|\n")
		for _, p := range list.ps {
			fmt.Fprintf(b, "| %s | %d [%d] | %s: %s | %s |\n", p.Entry.Name, p.Likelihood, db[p.Entry.Name].Likelihood,
				strings.Join(p.Entry.Labels.Categories, ", "), cell(p.Entry.Labels.Reason, 200), cell(p.Reason, 400))
		}
		b.WriteString("\n")
	}
}

// cell makes text safe for a table cell and clips it.
func cell(s string, n int) string {
	s = strings.NewReplacer("|", "\\|", "\n", " ").Replace(s)
	if r := []rune(s); len(r) > n {
		s = string(r[:n-1]) + "…"
	}
	return s
}

// ReplaceBlock rewrites the text between <!-- name:start --> and <!--
// name:end --> in the file at path.
func ReplaceBlock(path, name, body string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	start, end := "<!-- "+name+":start -->\n", "<!-- "+name+":end -->"
	i, j := strings.Index(string(b), start), strings.Index(string(b), end)
	if i < 0 || j < i {
		return fmt.Errorf("%s: no %q ... %q block", path, start, end)
	}
	out := string(b[:i+len(start)]) + body + string(b[j:])
	return os.WriteFile(path, []byte(out), 0o644)
}

// sortedKeys returns a count map's keys, most first, then by name.
func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys
}

// HoldoutFloors are the least figures the evaluation test accepts on the
// holdout batch, scored by a model fitted without it.
var HoldoutFloors = map[Mode]Floors{
	Alone:        {AUC: 0.93, Precision: 0.88, Recall: 0.78},
	WithDatabase: {AUC: 0.93, Precision: 0.88, Recall: 0.78},
}

// TestFloors are the floors the evaluation test holds the cross-validated
// figures to. They pass today and rise as the corpus grows; issue 17's
// targets are 0.95 / 0.90 / 0.85. Since the threshold is chosen for
// precision 0.90 (TargetPrecision), recall is what the ranking leaves.
var TestFloors = map[Mode]Floors{
	Alone:        {AUC: 0.93, Precision: 0.88, Recall: 0.83},
	WithDatabase: {AUC: 0.93, Precision: 0.88, Recall: 0.83},
}

// OutOfFold is every entry's out-of-fold likelihood, alone and with its
// database, one tab-separated line per entry under a header: name,
// project, store, language, label, categories, fold, likelihood alone,
// high alone, likelihood with database, high with database.
func (ev *Evaluation) OutOfFold() string {
	db := map[*Entry]Prediction{}
	for _, p := range ev.DB {
		db[p.Entry] = p
	}
	var b strings.Builder
	b.WriteString("name\tproject\tstore\tlanguage\tlabel\tcategories\tfold\talone\thigh_alone\tdb\thigh_db\n")
	for _, p := range ev.Alone {
		e, q := p.Entry, db[p.Entry]
		label := 0
		if e.Positive() {
			label = 1
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%d\t%s\t%d\t%d\t%t\t%d\t%t\n", e.Name, e.Project, e.Store, e.Language,
			label, strings.Join(e.Labels.Categories, ","), p.Fold, p.Likelihood, p.High, q.Likelihood, q.High)
	}
	return b.String()
}

// auditTable measures the cross-validated scores apart on the schemas a
// blind second reader was sure of and on the judgement calls.
func (ev *Evaluation) auditTable(b *strings.Builder) {
	ag := Agree(ev.Entries)
	if ag.N == 0 {
		return
	}
	fmt.Fprintf(b, "\nA blind second reading of the labels (`testdata/corpus/%s`: each schema labeled again from the definition and its names, by a reader who saw neither the first label nor any score) agrees with %d of %d labels (%.1f%%, Cohen's kappa %.2f; the disagreements were adjudicated, see its REVIEW.md). The cross-validated figures on the schemas the second reader was sure of, and on those it marked as judgement calls:\n\n",
		AuditFile, ag.Agree, ag.N, 100*float64(ag.Agree)/float64(ag.N), ag.Kappa)
	b.WriteString("| schemas, each file alone | n | ROC AUC | precision at high | recall at high |\n|---|---|---|---|---|\n")
	for _, sure := range []bool{true, false} {
		var ps []Prediction
		for _, p := range ev.Alone {
			if a := p.Entry.Audit; a != nil && a.Sure == sure {
				ps = append(ps, p)
			}
		}
		name := "the second reader sure"
		if !sure {
			name = "a judgement call for the second reader"
		}
		x := Measure(ps)
		fmt.Fprintf(b, "| %s | %d | %s | %s | %s |\n", name, len(ps), pct(x.AUC), ratio(x.TP, x.TP+x.FP), ratio(x.TP, x.TP+x.FN))
	}
}
