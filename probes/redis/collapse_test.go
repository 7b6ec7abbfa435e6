package redis

import (
	"slices"
	"strconv"
	"testing"
)

func TestCollapse(t *testing.T) {
	counts := map[string]int{
		"user:alice:profile": 1, "user:bob:profile": 1, "user:carol:profile": 1,
		"cache:users:<int>": 40, "cache:posts:<int>": 30, "cache:feeds:<int>": 20,
		"presence:<phone>": 5, "config": 1,
		"team:red:x": 1, "team:blue:x": 1,
	}
	want := map[string]string{
		"user:alice:profile": "user:<id>:profile", "user:bob:profile": "user:<id>:profile",
		"user:carol:profile": "user:<id>:profile",
		"cache:users:<int>":  "cache:users:<int>", "cache:posts:<int>": "cache:posts:<int>",
		"cache:feeds:<int>": "cache:feeds:<int>", "presence:<phone>": "presence:<phone>",
		"config": "config", "team:red:x": "team:<id>:x", "team:blue:x": "team:<id>:x",
	}
	names := sortedKeys(counts)
	keys := make([]int, len(names))
	for i, p := range names {
		keys[i] = counts[p]
	}
	got := map[string]string{}
	for i, f := range collapse(names, keys, newIDRules(), 0) {
		got[names[i]] = f
	}
	for in, w := range want {
		if got[in] != w {
			t.Errorf("collapse %q = %q, want %q", in, got[in], w)
		}
	}
}

// TestListerMembers: each pattern keeps its first raw keys in SCAN order,
// however the patterns interleave, up to keysPerPattern, and counts all.
func TestListerMembers(t *testing.T) {
	l := newLister(0, 0, &keyPatterns{})
	for _, k := range []string{"a:1", "b:x", "a:2", "c", "a:3", "b:y", "a:4", "b:z", "a:5"} {
		l.add([]byte(k))
	}
	for i := range 20 {
		l.add([]byte("d:" + strconv.Itoa(i)))
	}
	want := []struct {
		pattern string
		keys    int
		members []string
	}{
		{"a:<int>", 5, []string{"a:1", "a:2", "a:3", "a:4", "a:5"}},
		{"b:<id>", 3, []string{"b:x", "b:y", "b:z"}},
		{"c", 1, []string{"c"}},
		{"d:<int>", 20, []string{"d:0", "d:1", "d:2", "d:3", "d:4", "d:5", "d:6", "d:7", "d:8", "d:9", "d:10", "d:11", "d:12", "d:13", "d:14", "d:15"}},
	}
	groups := l.patterns()
	if len(groups) != len(want) || l.listed != 29 {
		t.Fatalf("%d groups of %d keys, want %d of 29", len(groups), l.listed, len(want))
	}
	for i, w := range want {
		g := groups[i]
		if g.pattern != w.pattern || g.keys != w.keys || !slices.Equal(g.members, w.members) || g.checked != 0 || g.types != nil {
			t.Errorf("group %d: %s %d %q, want %s %d %q", i, g.pattern, g.keys, g.members, w.pattern, w.keys, w.members)
		}
	}
}

// TestCollapseMultiID: keys with two or three identifiers become one
// pattern each, not one per key; namespaces with many keys per value stay
// apart, even when there are many of them.
func TestCollapseMultiID(t *testing.T) {
	users := []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
		"mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "zoe"}
	l := newLister(0, 0, &keyPatterns{})
	for i, a := range users {
		for _, b := range users[i+1:] {
			l.add([]byte("chat:" + a + ":" + b + ":last_seen"))
			l.add([]byte("dm:" + a + "/" + b + "/room:" + users[(i+3)%len(users)] + ":typing"))
		}
		l.add([]byte("presence:" + a))
	}
	for _, ns := range users {
		for i := range 40 {
			l.add([]byte("cache:" + ns + "_table:" + strconv.Itoa(i)))
		}
	}
	got := map[string]int{}
	for _, g := range l.patterns() {
		got[g.pattern] = g.keys
	}
	pairs := len(users) * (len(users) - 1) / 2
	for p, n := range map[string]int{
		"chat:<id>:<id>:last_seen":      pairs,
		"dm:<id>/<id>/room:<id>:typing": pairs,
		"presence:<id>":                 len(users),
		"cache:alice_table:<int>":       40,
		"cache:zoe_table:<int>":         40,
	} {
		if got[p] != n {
			t.Errorf("pattern %s: %d keys, want %d (patterns: %d)", p, got[p], n, len(got))
		}
	}
	if len(got) != 3+len(users) {
		t.Errorf("%d patterns, want %d", len(got), 3+len(users))
	}
}

// TestListerCompacts: past maxPatterns distinct names, the listing
// collapses what it holds and keeps grouping new keys by the rules
// learned, so one-key-per-name identifiers never fill it.
func TestListerCompacts(t *testing.T) {
	l := newLister(0, 0, &keyPatterns{})
	n := 3 * maxPatterns
	for i := range n {
		l.add([]byte("session:" + letters(i) + ":token"))
	}
	groups := l.patterns()
	if len(groups) != 1 || groups[0].pattern != "session:<id>:token" || groups[0].keys != n || l.overflow != 0 {
		t.Fatalf("%d groups, first %s %d, overflow %d", len(groups), groups[0].pattern, groups[0].keys, l.overflow)
	}
	if len(groups[0].members) != keysPerPattern {
		t.Errorf("%d members kept", len(groups[0].members))
	}
}

// letters spells i in base 26 with the letters a to z.
func letters(i int) string {
	s := ""
	for {
		s = string(rune('a'+i%26)) + s
		if i /= 26; i == 0 {
			return s
		}
	}
}
