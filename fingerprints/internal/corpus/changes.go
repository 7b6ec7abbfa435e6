package corpus

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/spillcheck/spillcheck/fingerprints"
)

// Baseline is a release's recorded severities of the corpus schemas, each
// scored alone: what the next release's changelog compares against.
type Baseline struct {
	Engine string                   `json:"engine"`
	Scores map[string]BaselineScore `json:"scores"`
}

// BaselineScore is one schema's recorded score.
type BaselineScore struct {
	Severity   string `json:"severity"`
	Likelihood int    `json:"likelihood"`
}

// ReadBaseline reads a baseline file.
func ReadBaseline(path string) (*Baseline, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var bl Baseline
	if err := json.Unmarshal(b, &bl); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return &bl, nil
}

// Changes scores every entry alone with e (the shipped engine, not a
// cross-validation fold) and lists the schemas whose severity differs from
// the baseline's, old -> new, with whether the change agrees with the label.
func Changes(e *fingerprints.Engine, entries []*Entry, bl *Baseline) string {
	type row struct {
		name, old, new string
		ol, nl         int
		positive, seen bool
	}
	var rows []row
	counts := map[string]*[2]int{} // old → new: negatives, positives
	for _, p := range Score(e, entries, Alone) {
		old, ok := bl.Scores[p.Entry.Name]
		sev := severityOf(p)
		r := row{name: p.Entry.Name, old: old.Severity, new: sev, ol: old.Likelihood, nl: p.Likelihood, positive: p.Entry.Positive(), seen: ok}
		if !ok {
			r.old = "(new schema)"
		}
		k := r.old + " → " + r.new
		if counts[k] == nil {
			counts[k] = &[2]int{}
		}
		if r.positive {
			counts[k][1]++
		} else {
			counts[k][0]++
		}
		if r.old != r.new {
			rows = append(rows, r)
		}
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].old+rows[i].new != rows[j].old+rows[j].new {
			return rows[i].old+rows[i].new < rows[j].old+rows[j].new
		}
		return rows[i].name < rows[j].name
	})
	var b strings.Builder
	fmt.Fprintf(&b, "Baseline: %s. Now: the embedded model, each schema scored alone as `spillcheck score FILE` does (%d schemas).\n\n", bl.Engine, len(entries))
	b.WriteString("| old → new | positives | negatives |\n|---|---|---|\n")
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "| %s | %d | %d |\n", k, counts[k][1], counts[k][0])
	}
	fmt.Fprintf(&b, "\n%d schemas changed severity. \"Label\" is the schema's messaging-PII label: a change to `high` of a positive, or away from `high` of a negative, is a fix.\n\n", len(rows))
	b.WriteString("| schema | label | old | new |\n|---|---|---|---|\n")
	for _, r := range rows {
		label := "0"
		if r.positive {
			label = "1"
		}
		old := r.old
		if r.seen {
			old = fmt.Sprintf("%s (%d)", r.old, r.ol)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s (%d) |\n", r.name, label, old, r.new, r.nl)
	}
	return b.String()
}

// severityOf is the prediction's severity as `spillcheck score` reports it
// for an open store of unknown volume: high or medium.
func severityOf(p Prediction) string {
	if p.High {
		return "high"
	}
	return "medium"
}
