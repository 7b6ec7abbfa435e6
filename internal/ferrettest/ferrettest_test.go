package ferrettest

import (
	"net"
	"strings"
	"testing"
)

func TestStartStop(t *testing.T) {
	s, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.Addr, "127.0.0.1:") || strings.HasSuffix(s.Addr, ":0") {
		t.Errorf("addr %q", s.Addr)
	}
	c, err := net.Dial("tcp", s.Addr)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	c.Close()
	if err := s.Stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if c, err := net.Dial("tcp", s.Addr); err == nil {
		c.Close()
		t.Error("still listening after Stop")
	}
}

func TestRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "198.18.0.1:27017", "localhost"} {
		if s, err := Start(Options{Addr: addr}); err == nil {
			s.Stop()
			t.Errorf("Start accepted %q", addr)
		}
	}
}
