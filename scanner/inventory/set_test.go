package inventory

import (
	"errors"
	"fmt"
	"testing"

	"github.com/spillcheck/spillcheck/scanner"
)

func TestSetMergesOrigins(t *testing.T) {
	s := NewSet()
	a := scanner.Target{Host: "192.0.2.1", Port: 6379, Service: scanner.Redis, Exposure: Public,
		Origins: []scanner.Origin{{File: "a.json", Format: "aws-ec2", Path: "x", Resource: "i-1"}}}
	b := scanner.Target{Host: "192.0.2.1", Port: 6379, Service: scanner.Redis, TLS: true,
		Origins: []scanner.Origin{{File: "b.xml", Format: "nmap-xml", Line: 7}}}
	same := scanner.Target{Host: "192.0.2.1", Port: 6379, Service: scanner.Redis,
		Origins: []scanner.Origin{{File: "a.json", Format: "aws-ec2", Path: "y", Resource: "i-1"}}}
	other := scanner.Target{Host: "192.0.2.1", Port: 6380, Service: scanner.Redis}
	if !s.Add(a) || s.Add(b) || s.Add(same) || !s.Add(other) {
		t.Fatal("Add reported new/old wrongly")
	}
	if s.Add(scanner.Target{Host: "x", Port: 70000}) {
		t.Error("port 70000 added")
	}
	got := s.Targets()
	if len(got) != 2 || s.Len() != 2 {
		t.Fatalf("got %d targets", len(got))
	}
	m := got[0]
	if !m.TLS || m.Exposure != Public || len(m.Origins) != 2 {
		t.Fatalf("merged = %+v", m)
	}
	if m.Origins[0].File != "a.json" || m.Origins[0].Path != "x" || m.Origins[1].File != "b.xml" || m.Origins[1].Line != 7 {
		t.Errorf("origins = %+v", m.Origins)
	}
	if got[1].Port != 6380 || len(got[1].Origins) != 1 || got[1].Origins[0].File != "" {
		t.Errorf("second = %+v", got[1])
	}
}

func TestSetCapsOrigins(t *testing.T) {
	s := NewSet()
	for i := 0; i < MaxOrigins+10; i++ {
		s.Add(scanner.Target{Host: "h", Port: 1, Origins: []scanner.Origin{{File: "f", Format: "naabu", Line: i + 1}}})
	}
	got := s.Targets()
	if len(got) != 1 || len(got[0].Origins) != MaxOrigins || s.DroppedOrigins() != 10 {
		t.Fatalf("origins %d, dropped %d", len(got[0].Origins), s.DroppedOrigins())
	}
	if got[0].Origins[MaxOrigins-1].Line != MaxOrigins {
		t.Errorf("last kept origin line %d", got[0].Origins[MaxOrigins-1].Line)
	}
}

func TestSetEachStops(t *testing.T) {
	s := NewSet()
	for i := 0; i < 5; i++ {
		s.Add(scanner.Target{Host: fmt.Sprint("h", i), Port: 1})
	}
	stop := errors.New("stop")
	n := 0
	err := s.Each(func(scanner.Target) error {
		n++
		if n == 2 {
			return stop
		}
		return nil
	})
	if err != stop || n != 2 {
		t.Errorf("Each: err %v after %d", err, n)
	}
}

// TestSetAcrossFiles merges two inventories the way the CLI does: one Set
// as the emit of both reads.
func TestSetAcrossFiles(t *testing.T) {
	s := NewSet()
	for _, in := range []struct{ file, format, data string }{
		{"scan.json", "naabu", `{"ip":"192.0.2.9","port":6379}`},
		{"hosts.csv", "csv", "ip,port\n192.0.2.9,6379\n"},
	} {
		if _, err := readInto(s, in.file, in.format, in.data); err != nil {
			t.Fatal(err)
		}
	}
	got := s.Targets()
	if len(got) != 1 || len(got[0].Origins) != 2 || got[0].Origins[1].File != "hosts.csv" || got[0].Origins[1].Line != 2 {
		t.Fatalf("got %+v", got)
	}
}

// TestSetHashCollisions makes every key hash alike: the chains must still
// keep targets apart and merge the same ones.
func TestSetHashCollisions(t *testing.T) {
	s := NewSet()
	s.collide = true
	for i := 0; i < 50; i++ {
		s.Add(scanner.Target{Host: fmt.Sprint("h", i%10), Port: i % 5, Service: []string{"", scanner.Redis}[i%2],
			Origins: []scanner.Origin{{File: "f", Line: i}}})
	}
	// (i%10, i%5, i%2) repeats with period 10.
	if s.Len() != 10 {
		t.Fatalf("Len = %d", s.Len())
	}
	for _, tg := range s.Targets() {
		if len(tg.Origins) != 5 {
			t.Errorf("%s has %d origins", tg, len(tg.Origins))
		}
	}
}
