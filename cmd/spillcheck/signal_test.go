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
)

// TestSIGINTFlushesResults builds the binary, starts a scan whose second
// target stalls, sends SIGINT, and checks the exit code, the message, and
// that the finished result is in the JSONL file.
func TestSIGINTFlushesResults(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "spillcheck")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	stall, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stall.Close()
	go func() {
		var held []net.Conn // accept, then say nothing
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
	closedPort := func() int {
		l, _ := net.Listen("tcp", "127.0.0.1:0")
		defer l.Close()
		return l.Addr().(*net.TCPAddr).Port
	}()
	out := filepath.Join(dir, "out.jsonl")
	cmd := exec.Command(bin, "scan", "--jsonl", "-o", out, "--concurrency", "1", "--timeout", "30s",
		fmt.Sprintf("redis://127.0.0.1:%d", closedPort), "redis://"+stall.Addr().String())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		b, _ := os.ReadFile(out)
		if bytes.Count(b, []byte("\n")) >= 1 {
			break
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("no result within 60s of the start\n%s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // the stalled probe is in flight
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
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
