package fingerprints

import (
	"strings"
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

// mustLoad loads an engine from a rules file written in the test.
func mustLoad(t testing.TB, rules string) *Engine {
	t.Helper()
	e, err := LoadWith([]byte(rules))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// badRules is a rules file that must not load, and part of its error.
type badRules struct{ file, want string }

// wantLoadErrors checks that each rules file fails to load with an error
// containing its want.
func wantLoadErrors(t *testing.T, bad []badRules) {
	t.Helper()
	for _, b := range bad {
		_, err := LoadWith([]byte(b.file))
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("LoadWith(%s) error %v, want one containing %q", b.file, err, b.want)
		}
	}
}

// TestListedTwice: a term or an unless word listed twice in one rule is a
// slip (two merged edits, one word twice), and loading names it.
func TestListedTwice(t *testing.T) {
	wantLoadErrors(t, []badRules{
		{`{"version": 1, "rules": [{"id": "r", "category": "child", "weight": 0.5,
			"terms": ["pupil", "pupil"], "match": ["pupil"]}]}`, `term "pupil" listed twice`},
		{`{"version": 1, "rules": [{"id": "r", "category": "child", "weight": 0.5,
			"terms": ["pupil"], "unless": ["count", "id", "count"], "match": ["pupil"]}]}`, `unless word "count" listed twice`},
	})
}

// TestTermVetoedByItsOwnRule: a term holding one of its rule's unless words
// could never match (the veto applies to the whole path, the match
// included), so loading such a rule fails and names the term and the word.
func TestTermVetoedByItsOwnRule(t *testing.T) {
	bad := []byte(`{"version": 1, "rules": [{"id": "pupil-id", "category": "child", "weight": 0.45,
		"terms": ["pupil", "pupil id"], "unless": ["id"], "match": ["pupil"]}]}`)
	_, err := LoadWith(bad)
	if err == nil || !strings.Contains(err.Error(), `term "pupil id" can never match`) || !strings.Contains(err.Error(), `"id"`) {
		t.Fatalf("LoadWith: %v; want an error naming the dead term and its veto word", err)
	}
	// Ideographs are written together but are words of their own.
	cjk := []byte(`{"version": 1, "rules": [{"id": "xiaoxi", "category": "message_body", "weight": 0.8,
		"terms": ["消息"], "unless": ["息"], "match": ["消"]}]}`)
	if _, err := LoadWith(cjk); err == nil || !strings.Contains(err.Error(), `term "消息" can never match`) {
		t.Fatalf("LoadWith: %v; want an error naming the dead ideograph term", err)
	}
	good := []byte(`{"version": 1, "rules": [{"id": "pupil-id", "category": "child", "weight": 0.45,
		"terms": ["pupil"], "unless": ["id"], "match": ["pupil"]}]}`)
	if _, err := LoadWith(good); err != nil {
		t.Fatalf("LoadWith without the dead term: %v", err)
	}
}

// TestOtherNumberReachesLongerTerms: a word that starts terms of its own
// keeps its one-word meaning but still starts the other number's longer
// terms ("zorbles_list" is a "zorble list"); a term whose other words are
// placeholders stays one-word ("blorps <int>" is no "blorp:<int>").
func TestOtherNumberReachesLongerTerms(t *testing.T) {
	e := mustLoad(t, `{"version": 1, "rules": [
		{"id": "zorbles", "category": "contact_list", "weight": 0.8, "terms": ["zorbles"], "match": ["zorbles"]},
		{"id": "zorble-list", "category": "contact_list", "weight": 0.8, "terms": ["zorble list"], "match": ["zorble_list"]},
		{"id": "blorps", "category": "geolocation", "weight": 0.8, "terms": ["blorps <int>"], "match": ["blorps:<int>"]},
		{"id": "blorp-lat", "category": "geolocation", "weight": 0.8, "terms": ["blorp lat"], "match": ["blorp_lat"]}]}`)
	checkMatches(t, e, []ruleCase{
		{"zorble-list", "zorbles_list", true},
		{"zorble-list", "zorblesList", true},
		{"zorbles", "zorble", false},
		{"zorbles", "zorble_id", false},
		{"blorps", "blorp:<int>", false},
		{"blorp-lat", "blorps_lat", true},
	})
}

// TestLastWordBeforePlaceholders: a key's last word and leaf segment are
// its last ones that are not placeholders, so a rule for the last word
// reads "online" in "user:online:<uuid>" and not in "online:<uuid>:count".
func TestLastWordBeforePlaceholders(t *testing.T) {
	checkMatches(t, mustDefault(t), []ruleCase{
		{"presence-online", "user:online:<uuid>", true},
		{"presence-online", "online:<int>", true},
		{"presence-online", "user_online", true},
		{"presence-online", "online:<uuid>:count", false},
		{"presence-online", "online_since", false},
	})
}

// ruleCase says whether a rule should match a name.
type ruleCase struct {
	rule, name string
	want       bool
}

// checkMatches checks each case against e, naming the name's words on a
// failure.
func checkMatches(t *testing.T, e *Engine, cases []ruleCase) {
	t.Helper()
	for _, c := range cases {
		if got := e.RuleMatches(c.rule, c.name); got != c.want {
			t.Errorf("rule %s on %q: %v, want %v (words %q)", c.rule, c.name, got, c.want, Tokenize(c.name))
		}
	}
}

// TestTermAcrossSegments: a term written with ':' spans two segments of a
// key, the word after the ':' starting the next one: "blorps:geo" reads
// "onlineBlorps:geo" and "blorps:geo:<id>", not "blorps_geo" (one
// segment), "blorps_count:geo" (another word ends the segment) or
// "blorps:x:geo" (not the next segment).
func TestTermAcrossSegments(t *testing.T) {
	e := mustLoad(t, `{"version": 1, "rules": [
		{"id": "blorp-geo", "category": "user_id", "weight": 0.8, "terms": ["blorps:geo", "blorp <int>:pos"], "match": ["blorps:geo"]}]}`)
	checkMatches(t, e, []ruleCase{
		{"blorp-geo", "blorps:geo", true},
		{"blorp-geo", "onlineBlorps:geo:", true},
		{"blorp-geo", "blorps:geo:<id>", true},
		{"blorp-geo", "app.blorps.geo", true},
		{"blorp-geo", "blorp:<int>:pos", true},
		{"blorp-geo", "blorps_geo", false},
		{"blorp-geo", "blorps_count:geo", false},
		{"blorp-geo", "blorps:x:geo", false},
		{"blorp-geo", "blorps:geoip", false},
		{"blorp-geo", "blorp:<int>_pos", false},
	})
	bad := []byte(`{"version": 1, "rules": [{"id": "blorp-geo", "category": "user_id", "weight": 0.8,
		"terms": ["blorps.geo"], "match": ["blorps:geo"]}]}`)
	if _, err := LoadWith(bad); err == nil || !strings.Contains(err.Error(), `"blorps:geo"`) {
		t.Fatalf("LoadWith: %v; want an error naming the canonical form blorps:geo", err)
	}
}
