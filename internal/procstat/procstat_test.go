package procstat

import (
	"os"
	"syscall"
	"testing"
	"time"
)

// rusageCPU is this process's user and system CPU time by getrusage.
func rusageCPU(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestCPUCountsThisProcess(t *testing.T) {
	if _, err := os.Stat("/proc/self/task"); err != nil {
		t.Skip("no /proc")
	}
	// Spin until the kernel's rusage says this process used 50 ms more CPU,
	// however long that takes on a loaded machine, then compare.
	before, ruBefore := CPU(os.Getpid()), rusageCPU(t)
	for rusageCPU(t)-ruBefore < 50*time.Millisecond { // spin
	}
	if d := time.Duration(CPU(os.Getpid()) - before); d < 40*time.Millisecond {
		t.Errorf("at least 50 ms of CPU by rusage counted as %v", d)
	}
	if got := CPU(-1); got != 0 {
		t.Errorf("CPU(-1) = %d, want 0", got)
	}
}
