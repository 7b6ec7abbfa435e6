package corpus

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// AuditFile is the corpus file of a blind second reading: every schema
// labeled again from the definition and its names alone, by a reader who
// saw neither the first label nor any score (testdata/corpus/REVIEW.md).
const AuditFile = "AUDIT.tsv"

// Audit is one schema's second reading.
type Audit struct {
	Positive   bool
	Categories []string
	// Sure is false where the second reader marked the reading as a
	// judgement call.
	Sure   bool
	Reason string
}

// readAudit attaches root's AuditFile, when there is one, to the entries
// it names: one line per schema, tab-separated: name, 0 or 1, categories
// (comma-separated), "sure" or "unsure", reason.
func readAudit(root string, entries []*Entry) []Problem {
	f, err := os.Open(filepath.Join(root, AuditFile))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return []Problem{{File: AuditFile, Text: err.Error()}}
	}
	defer f.Close()
	byName := make(map[string]*Entry, len(entries))
	for _, e := range entries {
		byName[e.Name] = e
	}
	var probs []Problem
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			continue
		}
		bad := func(format string, args ...any) {
			probs = append(probs, Problem{File: fmt.Sprintf("%s:%d", AuditFile, n), Text: fmt.Sprintf(format, args...)})
		}
		p := strings.Split(line, "\t")
		if len(p) != 5 {
			bad("want 5 tab-separated columns, have %d", len(p))
			continue
		}
		e := byName[p[0]]
		switch {
		case e == nil:
			bad("no corpus file %s.json", p[0])
			continue
		case e.Audit != nil:
			bad("%s is audited twice", p[0])
			continue
		case p[1] != "0" && p[1] != "1":
			bad("label %q: want 0 or 1", p[1])
			continue
		case p[3] != "sure" && p[3] != "unsure":
			bad("confidence %q: want sure or unsure", p[3])
			continue
		}
		a := &Audit{Positive: p[1] == "1", Sure: p[3] == "sure", Reason: p[4]}
		if p[2] != "" {
			a.Categories = strings.Split(p[2], ",")
		}
		e.Audit = a
	}
	if err := sc.Err(); err != nil {
		probs = append(probs, Problem{File: AuditFile, Text: err.Error()})
	}
	return probs
}

// Agreement is how often the second reading gave the label: the share of
// audited schemas where both agree and Cohen's kappa (agreement beyond
// chance).
type Agreement struct {
	N, Agree int
	Kappa    float64
}

// Agree measures the labels against their second reading.
func Agree(entries []*Entry) Agreement {
	var a Agreement
	var first, second int
	for _, e := range entries {
		if e.Audit == nil {
			continue
		}
		a.N++
		if e.Positive() == e.Audit.Positive {
			a.Agree++
		}
		if e.Positive() {
			first++
		}
		if e.Audit.Positive {
			second++
		}
	}
	if a.N == 0 {
		return a
	}
	n := float64(a.N)
	po := float64(a.Agree) / n
	p1, p2 := float64(first)/n, float64(second)/n
	pe := p1*p2 + (1-p1)*(1-p2)
	if pe < 1 {
		a.Kappa = (po - pe) / (1 - pe)
	}
	return a
}
