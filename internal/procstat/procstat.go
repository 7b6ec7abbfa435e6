// Package procstat reads how much CPU time a process has used, for the
// benchmarks that count the CPU a server spent on a probe.
package procstat

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// CPU returns the nanoseconds every thread of process pid has run on a
// CPU: the first field of /proc/PID/task/*/schedstat, summed (the
// process's own /proc/PID/schedstat counts its main thread only). It
// returns 0 when nothing can be read.
func CPU(pid int) int64 {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/[0-9]*/schedstat", pid))
	var sum int64
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue // the thread exited
		}
		if f := strings.Fields(string(b)); len(f) > 0 {
			if ns, err := strconv.ParseInt(f[0], 10, 64); err == nil {
				sum += ns
			}
		}
	}
	return sum
}
