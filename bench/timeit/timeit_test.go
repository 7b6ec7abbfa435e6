package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestSumDelta(t *testing.T) {
	before := map[int]int64{1: 100, 2: 500, 3: 70}
	after := map[int]int64{1: 150, 2: 500, 4: 30} // 3 exited, 4 started
	if got := sumDelta(before, after); got != 80 {
		t.Fatalf("sumDelta = %d, want 50 + 0 + 30 = 80", got)
	}
}

// TestMeasures runs a command that burns CPU for a while, with a busy
// "server" beside it, and checks every field of the line.
func TestMeasures(t *testing.T) {
	if _, err := exec.LookPath("yes"); err != nil {
		t.Skip("no yes(1)")
	}
	server := exec.Command("yes")
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { server.Process.Kill(); server.Wait() }()

	out := filepath.Join(t.TempDir(), "run.time")
	// The child spins in the shell for about 0.3 s of wall time.
	rc := run([]string{"-o", out, "-servers", "yes", "--", "sh", "-c",
		`end=$(($(date +%s%N) + 300000000)); while [ "$(date +%s%N)" -lt "$end" ]; do :; done; exit 3`})
	if rc != 3 {
		t.Errorf("exit code %d, want the child's 3", rc)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b))
	if len(f) != 5 {
		t.Fatalf("line %q: want 5 fields", b)
	}
	num := func(i int) float64 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			t.Fatalf("field %d of %q: %v", i, b, err)
		}
		return v
	}
	wall, cpu, rss, srv := num(0), num(1)+num(2), num(3), num(4)
	if wall < 0.3 || wall > 10 {
		t.Errorf("wall %.3f s, want at least the 0.3 s the child spun", wall)
	}
	if cpu < 0.05 || cpu > wall*float64(2+1) {
		t.Errorf("child CPU %.3f s for %.3f s of spinning", cpu, wall)
	}
	if rss <= 0 {
		t.Errorf("peak RSS %v KB", rss)
	}
	// yes(1) runs flat out on a core of its own, or shares one.
	if srv < 0.05 {
		t.Errorf("server CPU %.3f s: the busy yes(1) process was not counted", srv)
	}
}

func TestNoCommand(t *testing.T) {
	if rc := run(nil); rc != 2 {
		t.Errorf("no command: exit %d, want 2", rc)
	}
	if rc := run([]string{"--", "/nonexistent/timeit-test"}); rc != 127 {
		t.Errorf("missing program: exit %d, want 127", rc)
	}
}

// TestServerCPUOwnProcess measures this test process by its name while it
// spins until getrusage counts 50 ms of its CPU (wall time would not do on
// a loaded machine).
func TestServerCPUOwnProcess(t *testing.T) {
	if got := serverCPU(map[string]bool{"no-such-process": true}); len(got) != 0 {
		t.Errorf("serverCPU found %v", got)
	}
	comm, err := os.ReadFile("/proc/self/comm")
	if err != nil {
		t.Skip("no /proc/self/comm")
	}
	self := map[string]bool{strings.TrimSpace(string(comm)): true}
	before, ruBefore := serverCPU(self), rusageCPU(t)
	for rusageCPU(t)-ruBefore < 50*time.Millisecond { // spin
	}
	if d := time.Duration(sumDelta(before, serverCPU(self))); d < 40*time.Millisecond {
		t.Errorf("at least 50 ms of CPU by rusage counted as %v", d)
	}
}

// rusageCPU is this process's user and system CPU time by getrusage.
func rusageCPU(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
