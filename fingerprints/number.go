package fingerprints

import "strings"

// otherNumbers returns the forms of the other grammatical number of a
// word that the matcher indexes: a final "s" added or dropped ("friend",
// "friends"; "childrens", "children"), and for English nouns whose plural
// is not made so, "es" after ss, x, z, ch or sh ("inbox", "inboxes";
// "address", "addresses"; "match", "matches") and "ies" after a consonant
// and "y" ("buddy", "buddies"; "history", "histories"). A plural ending in
// "es" gives both readings of its singular ("caches" -> "cache" and
// "cach"), since the spelling alone does not tell them apart; the reading
// that is no word starts no term.
//
// Two forms are left out on purpose. A word ending in a single "s"
// ("status", "alias", "bus") does not take "es": its "-es" plural is
// mostly another thing ("statuses" are Mastodon's posts, "aliases" a mail
// server's forwarding table). And a plural in "ies" does not give a
// singular in "y": a container term written in the plural names a
// collection ("entries", "identities", "categories"), whose singular is a
// generic record word ("acc:entry::<int>" is a Kamailio accounting row).
func otherNumbers(w string) []string {
	n := len(w)
	if strings.HasSuffix(w, "s") {
		out := []string{w[:n-1]}
		if strings.HasSuffix(w, "es") && sibilantEnd(w[:n-2]) {
			out = append(out, w[:n-2])
		}
		if sibilantEnd(w) {
			out = append(out, w+"es")
		}
		return out
	}
	out := []string{w + "s"}
	switch {
	case sibilantEnd(w):
		out = append(out, w+"es")
	case n > 2 && w[n-1] == 'y' && !strings.ContainsRune("aeiouy", rune(w[n-2])):
		out = append(out, w[:n-1]+"ies")
	}
	return out
}

// sibilantEnd reports whether w ends in ss, x, z, ch or sh, the endings
// whose plural adds "es".
func sibilantEnd(w string) bool {
	for _, s := range []string{"ss", "x", "z", "ch", "sh"} {
		if strings.HasSuffix(w, s) {
			return true
		}
	}
	return false
}
