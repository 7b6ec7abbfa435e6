package redact

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"chat:+8613800138000:inbox", "chat:<phone>:inbox"},
		{"presence:+1-555-123-4567", "presence:<phone>"},
		{"presence:+1 (555) 123-4567:online", "presence:<phone>:online"},
		{"presence:13800138000", "presence:<phone>"},
		{"wa:8613800138000@s.whatsapp.net:msgs", "wa:<phone>@s.whatsapp.net:msgs"},
		{"user:alice@example.com", "user:<email>"},
		{"user:alice.smith+tag@mail.example.co.uk:prefs", "user:<email>:prefs"},
		{"session:6f1c2a9e4b7d8c3f0a1e2d3c4b5a6978", "session:<hex>"},
		{"session:550e8400-e29b-41d4-a716-446655440000", "session:<uuid>"},
		{"obj:507f1f77bcf86cd799439011", "obj:<hex>"},
		{"conn:10.0.12.7:6379", "conn:<ip>:<int>"},
		{"ip:256.1.1.1", "ip:<int>.<int>.<int>.<int>"},
		{"otp:+447911123456", "otp:<phone>"},
		{"msg:1700000000123", "msg:<int>"},
		{"ts:1700000000", "ts:<int>"},
		{"conv:42:messages", "conv:<int>:messages"},
		{"user1234", "user<int>"},
		{"api:v2:users", "api:v2:users"},
		{"tok:eyJhbGciOiJIUzI1NiJ9", "tok:<token>"},
		{"sess:Zx8Kq2LmN4pR7tVw9yB3", "sess:<token>"},
		{"cache:conversationMessagesV2Index", "cache:conversationMessagesV2Index"},
		{"cache:user_profile_2024_v2", "cache:user_profile_<int>_v2"},
		{"tg:-1001234567890:updates", "tg:-<int>:updates"},
		{"tg:-100123456789:updates", "tg:-<int>:updates"}, // a Telegram supergroup id, not a phone
		{"chat-100123456789", "chat-<phone>"},             // a separator, not a minus sign
		{"-100123456789", "-<int>"},
		{"log:2024-100123456789", "log:<int>-<phone>"},
		{"bin:\xff\xfe\x00x", "bin:<bin>x"},
		{"fake:<phone>", "fake:<phone>"}, // idempotent: names already redacted pass through
		{"trackingQueueV1_1", "trackingQueueV1_<int>"},
		{"trackingQueueV1_<int>", "trackingQueueV1_<int>"}, // not <token><int>
		{"a<b>c", "a<bin>b<bin>c"},
		{"deadbeef", "deadbeef"},
		{"j:1234567@a123.example", "j:<phone>@a<int>.example"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Name(tt.in); got != tt.want {
			t.Errorf("Name(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNameLong(t *testing.T) {
	got := Name("k:" + strings.Repeat("a", 2000))
	if !strings.HasSuffix(got, Long) || len(got) > maxRedactLen+len(Long) {
		t.Fatalf("long key: got %d bytes ending %q", len(got), got[len(got)-10:])
	}
}

// FuzzName checks that redaction never panics, stays valid UTF-8, is
// bounded, and leaves no long digit run (phone numbers, ids) in its output.
func FuzzName(f *testing.F) {
	for _, s := range []string{"chat:+8613800138000:inbox", "a@b.co", "1.2.3.4", "+(1)234-5678", "\xff<>", "x:0123456789abcdef0", "trackingQueueV1_1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Name(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Name(%q) = %q: not UTF-8", s, got)
		}
		if len(got) > 3*maxRedactLen+len(Long) {
			t.Fatalf("Name(%q) is %d bytes", s, len(got))
		}
		// Idempotent: the runner redacts again what probes redacted.
		if len(got) <= maxRedactLen {
			if again := Name(got); again != got {
				t.Fatalf("Name(%q) = %q, but Name(%q) = %q", s, got, got, again)
			}
		}
		run := 0
		for i := range len(got) {
			if isDigit(got[i]) {
				run++
			} else {
				run = 0
			}
			if run >= 3 {
				t.Fatalf("Name(%q) = %q keeps a digit run", s, got)
			}
		}
	})
}

func TestNameUnchangedDoesNotAllocate(t *testing.T) {
	for _, in := range []string{"sender.phone", "chat:<phone>:inbox", "messages"} {
		if n := testing.AllocsPerRun(100, func() { _ = Name(in) }); n != 0 {
			t.Errorf("Name(%q) allocates %v times", in, n)
		}
	}
}

func BenchmarkName(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		_ = Name("message.sender.phone")
		_ = Name("chat:+8613800138000:inbox")
	}
}
