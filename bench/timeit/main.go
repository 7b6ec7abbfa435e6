// Command timeit runs one command and measures it more finely than
// /usr/bin/time: wall time from a monotonic clock, the child's user and
// system CPU time in microseconds and its peak RSS (from wait4's rusage),
// and the CPU time that other processes, the fleet's servers, spent while it
// ran (from /proc/PID/schedstat, in nanoseconds). On a loopback fleet the
// servers share the scanner's cores, so a scan that makes them work harder
// is slower even at equal CPU of its own.
//
//	timeit -o run.time -servers redis-server,ferretfleet -- spillcheck scan ...
//
// The output file holds one line: wall seconds, user seconds, system
// seconds, peak RSS in KB, server CPU seconds. Its first four fields are in
// the order /usr/bin/time -f '%e %U %S %M' writes them.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spillcheck/spillcheck/internal/procstat"
)

func main() { os.Exit(run(os.Args[1:])) }

func run(args []string) int {
	fs := flag.NewFlagSet("timeit", flag.ContinueOnError)
	out := fs.String("o", "", "write the measurements to this file (default: stderr)")
	servers := fs.String("servers", "", "comma-separated process names whose CPU time to add up (e.g. redis-server,ferretfleet)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "timeit: no command; usage: timeit [-o FILE] [-servers NAMES] -- command [args...]")
		return 2
	}
	names := splitNames(*servers)
	before := serverCPU(names)
	cmd := exec.Command(fs.Arg(0), fs.Args()[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	after := serverCPU(names)
	rc := 0
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		rc = exit.ExitCode()
	case err != nil:
		fmt.Fprintln(os.Stderr, "timeit:", err)
		return 127
	}
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	var user, sys time.Duration
	var rss int64
	if ru != nil {
		user = time.Duration(ru.Utime.Nano())
		sys = time.Duration(ru.Stime.Nano())
		rss = ru.Maxrss
	}
	line := fmt.Sprintf("%.4f %.4f %.4f %d %.4f\n", wall.Seconds(), user.Seconds(), sys.Seconds(), rss,
		time.Duration(sumDelta(before, after)).Seconds())
	if *out == "" {
		fmt.Fprint(os.Stderr, line)
	} else if err := os.WriteFile(*out, []byte(line), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "timeit:", err)
		return 1
	}
	return rc
}

func splitNames(s string) map[string]bool {
	names := map[string]bool{}
	for _, n := range strings.Split(s, ",") {
		if n = strings.TrimSpace(n); n != "" {
			names[n] = true
		}
	}
	return names
}

// serverCPU returns, per PID of a process whose name is in names, the
// nanoseconds its threads have run on a CPU.
func serverCPU(names map[string]bool) map[int]int64 {
	cpu := map[int]int64{}
	if len(names) == 0 {
		return cpu
	}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		pid, err := strconv.Atoi(filepath.Base(d))
		if err != nil {
			continue
		}
		comm, err := os.ReadFile(d + "/comm")
		if err != nil || !names[strings.TrimSpace(string(comm))] {
			continue
		}
		cpu[pid] = procstat.CPU(pid)
	}
	return cpu
}

// sumDelta adds up each process's CPU time between the two snapshots. A
// process that exited in between counts for nothing, one that started
// counts in full.
func sumDelta(before, after map[int]int64) int64 {
	var sum int64
	for pid, ns := range after {
		if d := ns - before[pid]; d > 0 {
			sum += d
		}
	}
	return sum
}
