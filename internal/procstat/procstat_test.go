package procstat

import (
	"os"
	"testing"
	"time"
)

func TestCPUCountsThisProcess(t *testing.T) {
	if _, err := os.Stat("/proc/self/task"); err != nil {
		t.Skip("no /proc")
	}
	before := CPU(os.Getpid())
	for start := time.Now(); time.Since(start) < 50*time.Millisecond; { // spin
	}
	if d := time.Duration(CPU(os.Getpid()) - before); d < 20*time.Millisecond {
		t.Errorf("50 ms of spinning counted as %v", d)
	}
	if got := CPU(-1); got != 0 {
		t.Errorf("CPU(-1) = %d, want 0", got)
	}
}
