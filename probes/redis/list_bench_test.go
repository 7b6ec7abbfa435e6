package redis

import (
	"fmt"
	"testing"
)

// chatKeys are n key names of bench/fleet's FLEET_SHAPE=chat: user:<name>,
// chat:<name>:<name>:meta, chat:<name>:<name>:last_seen, inbox:<name>.
func chatKeys(n int) [][]byte {
	w := []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "zoe"}
	var out [][]byte
	for i := range n {
		p := i / 4
		a := fmt.Sprintf("%s%d", w[p%20], p/20)
		b := fmt.Sprintf("%s%d", w[(p+1)%20], (p+1)/20)
		switch i % 4 {
		case 0:
			out = append(out, []byte("user:"+a))
		case 1:
			out = append(out, []byte("chat:"+a+":"+b+":meta"))
		case 2:
			out = append(out, []byte("chat:"+a+":"+b+":last_seen"))
		case 3:
			out = append(out, []byte("inbox:"+a))
		}
	}
	return out
}

// BenchmarkListerChat lists 5,000 keys of four patterns whose identifiers
// are words, two in most keys: every name is distinct until collapse; the
// listing must still end in four patterns.
func BenchmarkListerChat(b *testing.B) {
	keys := chatKeys(5000)
	var kp keyPatterns
	b.ReportAllocs()
	for b.Loop() {
		l := newLister(0, 5000, &kp)
		for _, k := range keys {
			l.add(k)
		}
		gs := l.patterns()
		if len(gs) != 4 {
			b.Fatalf("%d patterns", len(gs))
		}
	}
}

// BenchmarkListerChat40 is one fleet store of the chat shape: 40 keys.
func BenchmarkListerChat40(b *testing.B) {
	keys := chatKeys(40)
	var kp keyPatterns
	b.ReportAllocs()
	for b.Loop() {
		l := newLister(0, 40, &kp)
		for _, k := range keys {
			l.add(k)
		}
		if gs := l.patterns(); len(gs) != 4 {
			b.Fatalf("%d patterns", len(gs))
		}
	}
}

// BenchmarkListerNumeric40 is one store of the default fleet: 40 keys
// already grouped by redact.Name (user:<int>, ...).
func BenchmarkListerNumeric40(b *testing.B) {
	var keys [][]byte
	for i := range 40 {
		keys = append(keys, []byte(fmt.Sprintf("%s:%d", []string{"user", "msg", "session", "inbox"}[i%4], i)))
	}
	var kp keyPatterns
	b.ReportAllocs()
	for b.Loop() {
		l := newLister(0, 40, &kp)
		for _, k := range keys {
			l.add(k)
		}
		if gs := l.patterns(); len(gs) != 4 {
			b.Fatalf("%d patterns", len(gs))
		}
	}
}
