package fingerprints

import (
	"slices"
	"testing"

	"github.com/spillcheck/spillcheck/scanner"
)

// TestPhoneKeyedConversationState checks that a Redis keyspace holding the
// session or state of conversations keyed by the phone number they come
// from (a WhatsApp agent's session:<phone>, orchestrator:state:<phone>) is
// read as a messaging product's record of those numbers, its other
// phone-keyed keys through store context; and that a shop's or an app's
// keys by phone (login codes, login tokens, an order's state) stay out.
func TestPhoneKeyedConversationState(t *testing.T) {
	e := mustDefault(t)
	keys := func(names ...string) []scanner.Container {
		out := make([]scanner.Container, len(names))
		for i, n := range names {
			out[i] = scanner.Container{Kind: "key-pattern", Name: n, Database: "db0"}
		}
		return out
	}
	agent := scanner.Result{Status: scanner.StatusOpen, Containers: keys(
		"session:<phone>", "orchestrator:state:<phone>", "orchestrator:batch:<phone>", "session_test")}
	e.ScoreResult(&agent)
	for _, c := range agent.Containers[:2] {
		if c.Score.Likelihood < LikelyMessaging || !slices.Contains(c.Score.Categories, "messaging_context") {
			t.Errorf("%s: likelihood %d, categories %v; want a messaging record of a phone (%s)", c.Name, c.Score.Likelihood, c.Score.Categories, c.Score.Reason)
		}
	}
	if b := agent.Containers[2].Score; b.Likelihood < PossibleMessaging {
		t.Errorf("orchestrator:batch:<phone> beside chat sessions by phone: likelihood %d, want at least %d (%s)", b.Likelihood, PossibleMessaging, b.Reason)
	}

	shop := scanner.Result{Status: scanner.StatusOpen, Containers: keys(
		"login:code:<phone>", "passenger_login_<phone>", "order:state:<phone>", "login:session:<phone>", "lock:session:<phone>", "cache:shop:<int>")}
	e.ScoreResult(&shop)
	for _, c := range shop.Containers {
		if c.Score.Likelihood >= LikelyMessaging || slices.Contains(c.Score.Categories, "messaging_context") {
			t.Errorf("%s: likelihood %d, categories %v; a shop's or a login's key by phone is not messaging (%s)", c.Name, c.Score.Likelihood, c.Score.Categories, c.Score.Reason)
		}
	}
}
