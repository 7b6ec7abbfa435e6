package redis

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
)

// TestProbeScanNeverEnds: a server whose SCAN cursor never returns to 0 is
// asked at most maxScanCalls times, and its repeated keys count once.
func TestProbeScanNeverEnds(t *testing.T) {
	f := &fakeRedis{}
	target := f.start(t, func(cmd []string) string {
		switch cmd[0] {
		case "INFO":
			return infoReply(cmd, "redis_version:7.0.15", "db0:keys=5")
		case "SCAN":
			return array(bulk("7"), bulks("same:key"))
		}
		return "+string\r\n"
	})
	res, _, err := runProbe(t, target, scanner.Limits{}, time.Second)
	if err != nil || res.Status != scanner.StatusOpen {
		t.Fatalf("status %s err %v", res.Status, err)
	}
	if n := len(f.sent("SCAN")); n != maxScanCalls {
		t.Errorf("sent SCAN %d times, want %d", n, maxScanCalls)
	}
	if len(res.Containers) != 1 || *res.Containers[0].Docs != 1 || res.Skipped["keys-not-listed"] != 4 {
		t.Errorf("containers %s skipped %v", names(res.Containers), res.Skipped)
	}
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "SCAN stopped") {
		t.Errorf("notes %q", res.Notes)
	}
}

// TestProbeSamplingErrorsQuoteNoKeys: a malformed reply while sampling is
// an error for the target that quotes none of the server's bytes, which
// may be key names; the open status already found is kept.
func TestProbeSamplingErrorsQuoteNoKeys(t *testing.T) {
	for name, typeReply := range map[string]string{
		"not RESP":      "?user:alice@example.com\r\n",
		"bad cursor":    "",
		"oversize bulk": "$99999999999\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			target := (&fakeRedis{}).start(t, func(cmd []string) string {
				switch {
				case cmd[0] == "INFO":
					return infoReply(cmd, "redis_version:7.0.15", "db0:keys=1")
				case cmd[0] == "SCAN" && typeReply == "":
					return array(bulk("user:alice@example.com"), bulks("user:alice@example.com"))
				case cmd[0] == "SCAN":
					return array(bulk("0"), bulks("user:alice@example.com"))
				}
				return typeReply
			})
			res, _, err := runProbe(t, target, scanner.Limits{MaxResponseBytes: 1 << 20}, time.Second)
			if err == nil || res.Status != scanner.StatusOpen {
				t.Fatalf("status %s err %v", res.Status, err)
			}
			if strings.Contains(err.Error(), "alice") || scanner.Classify(err) != scanner.StatusProtocolError {
				t.Errorf("err %q (%s)", err, scanner.Classify(err))
			}
		})
	}
}

// TestProbeListingStopsWithoutSingletons: past max-keys keys (and
// minStopKeys), a listing where no pattern holds a single key stops before
// its cap; short of minStopKeys it goes on to the cap, whatever the first
// page held (a page of ten keys of three patterns often holds no single
// key).
func TestProbeListingStopsWithoutSingletons(t *testing.T) {
	for _, tc := range []struct {
		name          string
		keys, maxKeys int
		check         func(listed int) bool
		want          string
	}{
		{"stops early", 20000, 300, func(n int) bool { return n >= 300 && n < 10*300 }, "300 ≤ listed < 3000"},
		{"goes on under the floor", 150, 10, func(n int) bool { return n == 10*10 }, "listed = 100, the cap"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startRedis(t)
			var seed [][]string
			prefixes := []string{"msg:%d", "session:%d:token", "presence:%d"}
			for i := range tc.keys {
				seed = append(seed, []string{"SET", fmt.Sprintf(prefixes[i%3], 100000+i), canary})
			}
			srv.seed(t, seed)
			res, _, err := runProbe(t, srv.target(), scanner.Limits{MaxKeys: tc.maxKeys}, 10*time.Second)
			if err != nil || res.Status != scanner.StatusOpen {
				t.Fatalf("status %s err %v", res.Status, err)
			}
			listed := tc.keys - res.Skipped["keys-not-listed"]
			if !tc.check(listed) {
				t.Errorf("listed %d of %d keys, want %s (notes %q)", listed, tc.keys, tc.want, res.Notes)
			}
			if res.Facts["key_patterns_seen"] != "3" {
				t.Errorf("facts %v", res.Facts)
			}
		})
	}
}
