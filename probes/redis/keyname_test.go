package redis

import (
	"testing"

	"github.com/spillcheck/spillcheck/scanner/redact"
)

func TestKeyPatterns(t *testing.T) {
	var k keyPatterns
	for _, name := range []string{
		"msg:1234", "chat:+8613800138000:inbox", "user:alice@example.com", "a::b:", ":", "", "x:0123456789",
		"v2:1:2", "session:6f1c2a9e4b7d8c3f0a1e2d3c4b5a6970", "ip:10.0.0.1:port", "<int>:7", "\xff:\xfe",
		"chat:conv:550e8400-e29b-41d4-a716-446655440000:messages", "ts:1700000000123", "n:123456789",
	} {
		if got, want := string(k.of([]byte(name))), redact.Name(name); got != want {
			t.Errorf("of(%q) = %q, want %q", name, got, want)
		}
	}
}

// FuzzKeyPatterns: segment by segment, with the memo, the pattern is
// redact.Name's for any name, and the second time too.
func FuzzKeyPatterns(f *testing.F) {
	for _, s := range []string{"msg:12", "a:b@c.d:1", "x:+15551234567", "1:2:3", "deadbeefcafebabe:1", "u:1.2.3.4"} {
		f.Add(s)
	}
	var k keyPatterns
	f.Fuzz(func(t *testing.T, name string) {
		want := redact.Name(name)
		for range 2 {
			if got := string(k.of([]byte(name))); got != want {
				t.Fatalf("of(%q) = %q, redact.Name says %q", name, got, want)
			}
		}
	})
}
