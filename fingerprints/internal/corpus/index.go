package corpus

import (
	"fmt"
	"strings"
)

// Requirement is one of issue 17's requirements on the corpus.
type Requirement struct {
	Text string
	Have string
	Met  bool
}

// Requirements checks the corpus against issue 17: size, projects, stores,
// positives, hard cases, languages and positives per category.
func Requirements(entries []*Entry) []Requirement {
	n := len(entries)
	stores, langs, cats := map[string]int{}, map[string]int{}, map[string]int{}
	projects := map[string]bool{}
	pos, hardPos, hardNeg := 0, 0, 0
	for _, e := range entries {
		stores[e.Store]++
		langs[e.Language]++
		projects[e.Project] = true
		if e.Positive() {
			pos++
			if e.HardCase {
				hardPos++
			}
		} else if e.HardCase {
			hardNeg++
		}
		for _, c := range e.Labels.Categories {
			cats[c]++
		}
	}
	share := func(k int) float64 {
		if n == 0 {
			return 0
		}
		return float64(k) / float64(n)
	}
	nonEnglish := 0
	for l := range langs {
		if l != "en" {
			nonEnglish++
		}
	}
	req := []Requirement{
		{"at least 400 labeled schemas", fmt.Sprint(n), n >= 400},
		{"at least 150 distinct projects", fmt.Sprint(len(projects)), len(projects) >= 150},
		{"at least 30% Elasticsearch", fmt.Sprintf("%.0f%% (%d)", 100*share(stores["elasticsearch"]), stores["elasticsearch"]), share(stores["elasticsearch"]) >= 0.30},
		{"at least 30% MongoDB", fmt.Sprintf("%.0f%% (%d)", 100*share(stores["mongodb"]), stores["mongodb"]), share(stores["mongodb"]) >= 0.30},
		{"at least 20% Redis", fmt.Sprintf("%.0f%% (%d)", 100*share(stores["redis"]), stores["redis"]), share(stores["redis"]) >= 0.20},
		{"at least 40% positives", fmt.Sprintf("%.0f%% (%d)", 100*share(pos), pos), share(pos) >= 0.40},
		{"hard cases on both sides (at least 10% of positives and of negatives marked hard_case)", fmt.Sprintf("%d positives, %d negatives", hardPos, hardNeg),
			n > 0 && hardPos*10 >= pos && hardNeg*10 >= n-pos && hardPos > 0 && hardNeg > 0},
		{"field names in at least 8 languages besides English", fmt.Sprint(nonEnglish), nonEnglish >= 8},
	}
	for _, c := range DefinitionIDs() {
		req = append(req, Requirement{fmt.Sprintf("at least 10 positives in category %s", c), fmt.Sprint(cats[c]), cats[c] >= 10})
	}
	return req
}

// Index is the block of testdata/corpus/README.md between the index
// markers: counts, the requirements, and one row per schema.
func Index(entries []*Entry, probs []Problem) string {
	var b strings.Builder
	stores, langs, cats := map[string]int{}, map[string]int{}, map[string]int{}
	storePos, storeProj := map[string]int{}, map[string]map[string]bool{}
	projects := map[string]bool{}
	for _, e := range entries {
		stores[e.Store]++
		langs[e.Language]++
		projects[e.Project] = true
		if storeProj[e.Store] == nil {
			storeProj[e.Store] = map[string]bool{}
		}
		storeProj[e.Store][e.Project] = true
		if e.Positive() {
			storePos[e.Store]++
		}
		for _, c := range e.Labels.Categories {
			cats[c]++
		}
	}
	fmt.Fprintf(&b, "%d schemas from %d projects.\n\n", len(entries), len(projects))
	b.WriteString("| store | schemas | positives | projects |\n|---|---|---|---|\n")
	for _, s := range sortedKeys(stores) {
		fmt.Fprintf(&b, "| %s | %d | %d | %d |\n", s, stores[s], storePos[s], len(storeProj[s]))
	}
	b.WriteString("\nLanguages of the field names: ")
	var parts []string
	for _, l := range sortedKeys(langs) {
		parts = append(parts, fmt.Sprintf("%s %d", l, langs[l]))
	}
	b.WriteString(strings.Join(parts, ", ") + ".\n\nPositives per category: ")
	parts = parts[:0]
	for _, c := range DefinitionIDs() {
		parts = append(parts, fmt.Sprintf("%s %d", c, cats[c]))
	}
	b.WriteString(strings.Join(parts, ", ") + ".\n\nIssue 17's requirements:\n\n")
	for _, r := range Requirements(entries) {
		mark := "not met yet"
		if r.Met {
			mark = "met"
		}
		fmt.Fprintf(&b, "- %s: %s (%s)\n", r.Text, r.Have, mark)
	}
	if len(probs) > 0 {
		fmt.Fprintf(&b, "\nProblems found in corpus files (%d):\n\n", len(probs))
		for _, p := range probs {
			fmt.Fprintf(&b, "- `%s`\n", cell(p.String(), 300))
		}
	}
	b.WriteString("\n| file | store | container | project | lang | messaging | categories | hard | source | read |\n|---|---|---|---|---|---|---|---|---|---|\n")
	for _, e := range entries {
		m, read, hard := "0", "no", ""
		if e.Positive() {
			m = "1"
		}
		if e.Read != nil && *e.Read {
			read = "yes"
		}
		if e.HardCase {
			hard = "yes"
		}
		fmt.Fprintf(&b, "| %s | %s | `%s` | %s | %s | %s | %s | %s | %s | %s |\n", e.Name, e.Store, cell(e.Container, 60), cell(e.Project, 60),
			e.Language, m, strings.Join(e.Labels.Categories, ", "), hard, cell(e.Source, 160), read)
	}
	return b.String()
}
