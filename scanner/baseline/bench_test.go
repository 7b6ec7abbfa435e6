package baseline

import (
	"fmt"
	"testing"
)

// BenchmarkApply measures one result against a 200-entry accept list, the
// per-target cost a scan pays for --baseline.
func BenchmarkApply(b *testing.B) {
	var entries []Entry
	for i := range 200 {
		entries = append(entries, Entry{Target: fmt.Sprintf("redis://10.0.%d.*:6379", i), Container: "db0/chat:*", Reason: "r"})
	}
	entries = append(entries, Entry{Target: "redis://cache-1.staging.internal:6379", Container: "db0/chat:*", Reason: "r"})
	bl, err := New(entries)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		r := openRedis()
		bl.Apply(&r, afterExpiry)
		if r.Accepted == nil {
			b.Fatal("not accepted")
		}
	}
}
