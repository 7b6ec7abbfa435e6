package redis

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/fingerprints"
	"github.com/spillcheck/spillcheck/scanner"
)

// TestProbeRanksPatternsUnderMaxKeys: a real redis-server holds 200 log
// patterns of ten keys each and one messaging pattern of three keys, which
// SCAN returns wherever its hash order puts it. At --max-keys 250 the
// whole db is listed (up to 2,500 keys), grouped into 201 patterns, and
// the budget of 250 keys samples 63 of them, typeSample keys each at most: with the scan's name ranker the
// messaging pattern is always one (and its field names read); ranked by
// size alone, it never is.
func TestProbeRanksPatternsUnderMaxKeys(t *testing.T) {
	srv := startRedis(t)
	var seed [][]string
	for i := range 200 {
		for j := range 10 {
			seed = append(seed, []string{"SET", fmt.Sprintf("applog_%s:%d", letters(i), j), canary})
		}
	}
	for _, phone := range []string{"+8613800138000", "+447911123456", "+15551234567"} {
		seed = append(seed, []string{"HSET", "chat:" + phone + ":inbox", "sender_phone", canary, "body", canary})
	}
	srv.seed(t, seed)
	engine, err := fingerprints.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		ranker scanner.NameRanker
		found  bool
	}{{"ranked by name", engine, true}, {"by size only", nil, false}} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := probeRanked(t, srv.target(), scanner.Limits{MaxKeys: 250}, tc.ranker)
			if err != nil || res.Status != scanner.StatusOpen {
				t.Fatalf("status %s err %v", res.Status, err)
			}
			if res.Facts["key_patterns_seen"] != "201" || res.Skipped["keys-not-listed"] != 0 {
				t.Errorf("facts %v skipped %v", res.Facts, res.Skipped)
			}
			sampled := len(res.Containers)
			if sampled != 63 || res.Skipped["key-patterns-over-max-keys"] != 201-sampled {
				t.Errorf("%d patterns sampled, skipped %v", sampled, res.Skipped)
			}
			chat := find(res.Containers, "db0", "chat:<phone>:inbox")
			if (chat != nil) != tc.found {
				t.Fatalf("messaging pattern sampled: %v, want %v (%s)", chat != nil, tc.found, names(res.Containers[:5]))
			}
			if chat != nil && (chat.Type != "hash" || fieldList(chat) != "body/hash-field/3 sender_phone/hash-field/3") {
				t.Errorf("chat: type %s fields %s", chat.Type, fieldList(chat))
			}
			if strings.Contains(fmt.Sprint(res), canary) {
				t.Error("canary in the result")
			}
		})
	}
}

// probeRanked runs the probe with ranker as the scan's NameRanker.
func probeRanked(t *testing.T, target scanner.Target, lim scanner.Limits, ranker scanner.NameRanker) (scanner.Result, error) {
	t.Helper()
	d, err := scanner.NewDialer(scanner.DialerConfig{Timeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return New().Probe(ctx, target, d.Env(ctx, target, lim).WithRanker(ranker))
}
