package redis

import (
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
