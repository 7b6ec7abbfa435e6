package redis

import (
	"slices"
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
	got := collapse(counts)
	for in, w := range want {
		if got[in] != w {
			t.Errorf("collapse %q = %q, want %q", in, got[in], w)
		}
	}
}

// TestGroupKeysMembers: each group lists its raw keys in SCAN order, however
// the patterns interleave, and groups come largest first.
func TestGroupKeysMembers(t *testing.T) {
	keys := []string{"a:1", "b:x", "a:2", "c", "a:3", "b:y", "a:4", "b:z", "a:5"}
	want := []struct {
		pattern string
		members []string
	}{
		{"a:<int>", []string{"a:1", "a:2", "a:3", "a:4", "a:5"}},
		{"b:<id>", []string{"b:x", "b:y", "b:z"}},
		{"c", []string{"c"}},
	}
	groups := groupKeys(keys)
	if len(groups) != len(want) {
		t.Fatalf("%d groups, want %d", len(groups), len(want))
	}
	for i, w := range want {
		g := groups[i]
		if g.pattern != w.pattern || g.keys != len(w.members) || !slices.Equal(g.members, w.members) || g.typed != 0 || g.types != nil {
			t.Errorf("group %d: %s %d %q, want %s %q", i, g.pattern, g.keys, g.members, w.pattern, w.members)
		}
	}
}
