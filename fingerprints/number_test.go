package fingerprints

import (
	"slices"
	"testing"
)

// TestOtherNumbers: the forms indexed for the other number of a word.
func TestOtherNumbers(t *testing.T) {
	for _, c := range []struct {
		word string
		want []string
	}{
		{"friend", []string{"friends"}},
		{"friends", []string{"friend"}},
		{"inbox", []string{"inboxs", "inboxes"}},
		{"inboxes", []string{"inboxe", "inbox"}},
		{"address", []string{"addres", "addresses"}},
		{"addresses", []string{"addresse", "address"}},
		{"match", []string{"matchs", "matches"}},
		{"caches", []string{"cache", "cach"}},
		{"history", []string{"historys", "histories"}},
		{"buddy", []string{"buddys", "buddies"}},
		{"day", []string{"days"}},
		{"status", []string{"statu"}},
		{"statuses", []string{"statuse"}},
		{"entries", []string{"entrie"}},
	} {
		if got := otherNumbers(c.word); !slices.Equal(got, c.want) {
			t.Errorf("otherNumbers(%q) = %q, want %q", c.word, got, c.want)
		}
	}
}

// TestOtherNumberInEsAndIes: plurals in "es" and "ies" start the terms of
// their singulars and the other way; a word in a single "s" and a plural
// in "ies" of a container term do not.
func TestOtherNumberInEsAndIes(t *testing.T) {
	e := mustLoad(t, `{"version": 1, "rules": [
		{"id": "zorbox", "category": "contact_list", "weight": 0.8, "terms": ["zorbox"], "match": ["zorbox"]},
		{"id": "blatch-user-id", "category": "contact_list", "weight": 0.8, "terms": ["blatches user id"], "match": ["blatches_user_id"]},
		{"id": "florby", "category": "contact_list", "weight": 0.8, "terms": ["florby"], "match": ["florby"]},
		{"id": "gleness", "category": "contact_list", "weight": 0.8, "terms": ["gleness"], "match": ["gleness"]},
		{"id": "quatus", "category": "presence", "weight": 0.8, "terms": ["quatus"], "match": ["quatus"]},
		{"id": "trenties", "category": "contact_list", "weight": 0.8, "terms": ["trenties"], "match": ["trenties"]}]}`)
	checkMatches(t, e, []ruleCase{
		{"zorbox", "zorboxes", true},
		{"zorbox", "user_zorboxes", true},
		{"blatch-user-id", "blatch_user_id", true},
		{"florby", "florbies", true},
		{"gleness", "glenesses", true},
		{"quatus", "quatuses", false},
		{"trenties", "trenty", false},
	})
	// The embedded rules: an inbox collection, the addresses of a shop's
	// customer (postal, not a push binding outside a push container), a
	// retry queue; Mastodon's statuses are no subscriber status, a
	// school's classes no child's class, Kamailio's acc:entry no content.
	d := mustDefault(t)
	checkMatches(t, d, []ruleCase{
		{"messaging-container", "inboxes", true},
		{"messaging-container", "wa_inboxes", true},
		{"postal-address", "addresses", true},
		{"postal-address", "customer.addresses", true},
		{"device-id", "mac_addresses", true},
		{"nonpii-container", "retries", true},
		{"subscriber-status", "statuses", false},
		{"child-weak", "classes", false},
		{"content-container", "acc:entry::<int>", false},
		{"push-token-bare", "customers > addresses", false},
	})
}
