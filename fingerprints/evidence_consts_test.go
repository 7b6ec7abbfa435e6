package fingerprints

import (
	"testing"

	"github.com/spillcheck/spillcheck/scanner"
)

// TestEvidenceCategoriesMatchTheResultModel: reports tell the model's own
// lines from names by scanner's constants; the engine must write the same.
func TestEvidenceCategoriesMatchTheResultModel(t *testing.T) {
	if EvidenceFeature != scanner.EvidenceFeature || EvidenceContext != scanner.EvidenceContext {
		t.Errorf("fingerprints writes %q and %q, scanner reads %q and %q", EvidenceFeature, EvidenceContext, scanner.EvidenceFeature, scanner.EvidenceContext)
	}
}
