package fingerprints

import "testing"

func TestRankName(t *testing.T) {
	e, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		min, max int
	}{
		{"msg-archive-2023", 50, 100},
		{"messages", 50, 100},
		{"chat:<phone>:inbox", 50, 100},
		{"cdr", 50, 100},
		{"logs-app-2024.01.01", 0, 0},
		{"products", 0, 0},
		{"metrics-system", 0, 0},
	} {
		if got := e.RankName(tc.name); got < tc.min || got > tc.max {
			t.Errorf("RankName(%q) = %d, want %d..%d", tc.name, got, tc.min, tc.max)
		}
	}
}
