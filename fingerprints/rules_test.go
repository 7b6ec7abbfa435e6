package fingerprints

import (
	"testing"
)

// TestRuleExamples checks every embedded rule against its own examples, one
// subtest per rule and example, so a failure names both.
func TestRuleExamples(t *testing.T) {
	e := mustDefault(t)
	for _, r := range e.Rules() {
		for _, ex := range r.Match {
			t.Run(r.ID+"/match/"+ex, func(t *testing.T) {
				if !e.RuleMatches(r.ID, ex) {
					t.Errorf("rule %s does not match %q (words %q)", r.ID, ex, Tokenize(ex))
				}
			})
		}
		for _, ex := range r.NoMatch {
			t.Run(r.ID+"/no_match/"+ex, func(t *testing.T) {
				if e.RuleMatches(r.ID, ex) {
					t.Errorf("rule %s matches %q (words %q)", r.ID, ex, Tokenize(ex))
				}
			})
		}
	}
}

func mustDefault(t testing.TB) *Engine {
	t.Helper()
	e, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return e
}
