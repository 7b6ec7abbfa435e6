package fingerprints

import "testing"

// TestRankName: names of messaging, telephony and contact containers rank
// above neutral names, which rank above nothing; log, metric and catalog
// names rate 0.
func TestRankName(t *testing.T) {
	e := mustDefault(t)
	rank := func(n string) int { return e.RankName(n) }
	for _, n := range []string{"logs-app-2024.01.01", "products", "metrics-system", "celery-task-meta-<uuid>"} {
		if got := rank(n); got != 0 {
			t.Errorf("RankName(%q) = %d, want 0", n, got)
		}
	}
	for _, n := range []string{"msg-archive-2023", "messages", "chat:<phone>:inbox", "cdr", "rocketchat_message"} {
		if got, floor := rank(n), rank("settings"); got <= floor || got < 5 {
			t.Errorf("RankName(%q) = %d, want at least 5 and above a neutral name's %d", n, got, floor)
		}
	}
	if a, b := rank("chat:<phone>:inbox"), rank("chat"); a < b {
		t.Errorf("a chat key with a phone ranks %d, below a bare chat's %d", a, b)
	}
}
