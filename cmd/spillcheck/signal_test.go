package main

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/scanner/scantest"
)

// buildBinary builds spillcheck into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "spillcheck")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// stallListener accepts connections and never says anything, so a probe of
// it stays in flight until its timeout.
func stallListener(t *testing.T) net.Listener {
	t.Helper()
	stall, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stall.Close() })
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := stall.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	return stall
}

// waitLines waits until every file holds at least n lines; the scan is then
// idle on a stalled target, so the lines are there only because the outputs
// were flushed when the scan paused.
func waitLines(t *testing.T, cmd *exec.Cmd, stderr *bytes.Buffer, n int, files ...string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for _, f := range files {
		for {
			b, _ := os.ReadFile(f)
			if bytes.Count(b, []byte("\n")) >= n {
				break
			}
			if time.Now().After(deadline) {
				_ = cmd.Process.Kill()
				t.Fatalf("%s: not %d lines within 60s of the start\n%s", f, n, stderr.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// TestSIGINTFlushesResults builds the binary, starts a scan of a closed port
// and a target that stalls, waits for the closed port's result to be
// flushed while the other is in flight, sends SIGINT, and checks the exit
// code, the message, and that the finished result is in the JSONL file.
func TestSIGINTFlushesResults(t *testing.T) {
	bin := buildBinary(t)
	stall := stallListener(t)
	out := filepath.Join(t.TempDir(), "out.jsonl")
	// Both at once, since the planner does not keep the input order.
	cmd := exec.Command(bin, "scan", "--jsonl", "-o", out, "--concurrency", "2", "--timeout", "30s",
		fmt.Sprintf("redis://127.0.0.1:%d", scantest.FreePort(t)), "redis://"+stall.Addr().String())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitLines(t, cmd, &stderr, 1, out)
	time.Sleep(200 * time.Millisecond) // the stalled probe is in flight
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != exitInterrupted {
		t.Fatalf("exit: %v, want %d\n%s", err, exitInterrupted, stderr.String())
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("took %v to stop after SIGINT", time.Since(start))
	}
	if !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("stderr: %s", stderr.String())
	}
	b, _ := os.ReadFile(out)
	if lines := strings.Split(strings.TrimSpace(string(b)), "\n"); len(lines) != 1 || !strings.Contains(lines[0], `"status":"closed"`) {
		t.Errorf("results file after SIGINT:\n%s", b)
	}
}

// TestKillThenResume kills a --resume scan with SIGKILL while one of its
// four targets stalls: the three finished results are already in the results and
// resume files, because both are flushed whenever the scan pauses. A rerun
// with the same flags skips those three and probes only the fourth.
func TestKillThenResume(t *testing.T) {
	bin := buildBinary(t)
	stall := stallListener(t)
	dir := t.TempDir()
	out, state := filepath.Join(dir, "out.jsonl"), filepath.Join(dir, "state.jsonl")
	// All four at once, since the planner does not keep the input order.
	args := []string{"scan", "--jsonl", "-o", out, "--resume", state, "--concurrency", "4", "--timeout", "30s"}
	for range 3 {
		args = append(args, fmt.Sprintf("redis://127.0.0.1:%d", scantest.FreePort(t)))
	}
	args = append(args, "redis://"+stall.Addr().String())
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitLines(t, cmd, &stderr, 3, out, state)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	first := keysIn(t, state)
	if len(first) != 3 || len(keysIn(t, out)) != 3 {
		b, _ := os.ReadFile(out)
		t.Fatalf("after the kill: %d results in the resume file, %d in the results file; want 3 and 3\n%s\n%s",
			len(first), len(keysIn(t, out)), b, stderr.String())
	}

	stall.Close() // the fourth target is now a closed port
	rerun := exec.Command(bin, args...)
	var stderr2 bytes.Buffer
	rerun.Stderr = &stderr2
	_ = rerun.Run()
	if !strings.Contains(stderr2.String(), "3 targets already done") {
		t.Errorf("rerun did not skip the 3 finished targets:\n%s", stderr2.String())
	}
	all := keysIn(t, out)
	if len(all) != 4 {
		t.Fatalf("rerun results: %d, want 4: %v", len(all), all)
	}
	for i := 1; i < len(all); i++ {
		if all[i] == all[i-1] {
			t.Errorf("%s twice", all[i])
		}
	}
	if s := keysIn(t, state); len(s) != 4 {
		t.Errorf("resume file after the rerun: %d results, want 4", len(s))
	}
}
