package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spillcheck/spillcheck/scanner"
)

// TestModelLinesAreNotFields: the scoring model's own evidence lines (its
// feature contributions and the store context) are explained by the
// reason, never listed as fields that drove a score.
func TestModelLinesAreNotFields(t *testing.T) {
	results, sum := fixture(t)
	for i := range results {
		for j := range results[i].Containers {
			if s := results[i].Containers[j].Score; s != nil && len(s.Evidence) > 0 {
				s.Evidence = append([]scanner.Evidence{
					{Field: "intercept", Category: scanner.EvidenceFeature, Rule: "model", Weight: -1.1},
					{Field: "messaging_name=1.00", Category: scanner.EvidenceFeature, Rule: "model", Weight: 1.55},
					{Field: "context: sibling containers rooms", Category: scanner.EvidenceContext, Rule: "siblings", Weight: 0.6},
				}, s.Evidence...)
			}
		}
	}
	for _, w := range []struct {
		name string
		w    Writer
	}{{"sarif", SARIF("test")}, {"markdown", Markdown()}, {"html", HTML()}} {
		var b bytes.Buffer
		if err := w.w.Write(&b, results, sum); err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"intercept", "messaging_name=1.00", "sibling containers rooms"} {
			if strings.Contains(b.String(), bad) {
				t.Errorf("%s report lists the model line %q as evidence", w.name, bad)
			}
		}
		if !strings.Contains(b.String(), "sender.phone") {
			t.Errorf("%s report lost the field evidence", w.name)
		}
	}
}
