package redis

import "testing"

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
