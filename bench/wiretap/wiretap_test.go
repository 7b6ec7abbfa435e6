package main

import (
	"encoding/binary"
	"net/netip"
	"testing"
	"time"

	"golang.org/x/net/bpf"
)

// frame builds an Ethernet, IPv4, TCP frame to dst:dport with the flags.
func frame(dst string, dport uint16, flags byte) []byte {
	b := make([]byte, 14+20+20)
	binary.BigEndian.PutUint16(b[12:], 0x0800)
	ip := b[14:]
	ip[0] = 0x45
	ip[9] = 6
	a := netip.MustParseAddr(dst).As4()
	copy(ip[16:20], a[:])
	tcp := ip[20:]
	binary.BigEndian.PutUint16(tcp[0:], 40000)
	binary.BigEndian.PutUint16(tcp[2:], dport)
	tcp[12] = 5 << 4
	tcp[13] = flags
	return b
}

func TestFilter(t *testing.T) {
	raw, err := filter([]uint16{6379, 27017})
	if err != nil {
		t.Fatal(err)
	}
	prog, ok := bpf.Disassemble(raw)
	if !ok {
		t.Fatal("the filter does not disassemble")
	}
	vm, err := bpf.NewVM(prog)
	if err != nil {
		t.Fatal(err)
	}
	const syn, ack, psh = 0x02, 0x10, 0x08
	tests := []struct {
		name string
		b    []byte
		want bool
	}{
		{"SYN", frame("127.16.0.1", 6379, syn), true},
		{"SYN to any port", frame("127.16.0.1", 1234, syn), true},
		{"SYN-ACK", frame("127.16.0.1", 6379, syn|ack), false},
		{"request to redis", frame("127.10.0.1", 6379, psh|ack), true},
		{"request to mongodb", frame("127.11.0.1", 27017, psh|ack), true},
		{"reply to the client port", frame("127.10.0.1", 40000, psh|ack), false},
		{"bare ACK", frame("127.10.0.1", 6379, ack), false},
	}
	for _, tc := range tests {
		n, err := vm.Run(tc.b)
		if err != nil {
			t.Fatal(err)
		}
		if (n > 0) != tc.want {
			t.Errorf("%s: accepted %d bytes, want accepted=%v", tc.name, n, tc.want)
		}
	}
	ipv6 := frame("127.0.0.1", 6379, syn)
	binary.BigEndian.PutUint16(ipv6[12:], 0x86dd)
	if n, _ := vm.Run(ipv6); n != 0 {
		t.Error("accepted a non-IPv4 frame")
	}
}

func TestTally(t *testing.T) {
	t0 := time.Unix(1000, 0)
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	a := netip.MustParseAddr("127.10.0.1")
	out := netip.MustParseAddr("127.0.0.1")
	tl := newTally([]netip.Prefix{netip.MustParsePrefix("127.10.0.0/16")}, []uint16{6379})
	for i := range 301 { // 301 SYNs over 3 s: 100/s
		tl.add(event{at: ms(i * 10), dst: a, port: 6379, sport: uint16(30000 + i), syn: true})
	}
	tl.add(event{at: ms(1005), dst: a, port: 6379, sport: 30000, syn: true}) // retransmission
	tl.add(event{at: ms(5), dst: out, port: 6379, sport: 1, syn: true})      // outside the nets
	for _, m := range []int{0, 0, 0, 100, 200, 300, 310} {                   // burst 3 at 10/s, one early
		tl.add(event{at: ms(m), dst: a, port: 6379})
	}
	r := tl.report(100, 10)
	if r.SYNs != 301 || r.Retransmits != 1 {
		t.Errorf("syns %d retransmits %d, want 301 and 1", r.SYNs, r.Retransmits)
	}
	if r.Rate < 99.9 || r.Rate > 100.1 || r.MinSecond != 100 || r.MaxSecond != 100 {
		t.Errorf("rate %.2f, seconds %d..%d; want 100 and 100..100", r.Rate, r.MinSecond, r.MaxSecond)
	}
	if r.Writes != 7 || r.MaxHost1s != 7 {
		t.Errorf("requests %d, max in 1 s %d; want 7 and 7", r.Writes, r.MaxHost1s)
	}
	// Burst 10 at 10/s: seven requests leave 6.1 tokens at the lowest.
	if r.HostsOverCap != 0 || r.WorstDeficit < 6.09 || r.WorstDeficit > 6.11 {
		t.Errorf("over cap %d, worst bucket %.2f; want 0 and 6.1", r.HostsOverCap, r.WorstDeficit)
	}
	// Burst 2 at 2/s: three at once already break the cap.
	if r := tl.report(100, 2); r.HostsOverCap != 1 || len(r.OverCap) != 1 || r.OverCap[0].Host != "127.10.0.1" || r.OverCap[0].Requests != 7 {
		t.Errorf("at 2/s: over cap %d %+v (worst bucket %.2f), want 127.10.0.1 with 7 requests", r.HostsOverCap, r.OverCap, r.WorstDeficit)
	}
}
