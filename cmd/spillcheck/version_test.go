package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/spillcheck/spillcheck/scanner/scantest"
)

func TestMakeBuildInfo(t *testing.T) {
	vcs := []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.time", Value: "2026-12-07T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}
	for _, tc := range []struct {
		name   string
		linked string
		bi     *debug.BuildInfo
		want   string
	}{
		{"go install @version", "", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.4.0"}}, "spillcheck v1.4.0 (go1.26.8 "},
		{"checkout", "", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: vcs},
			"spillcheck devel (commit 0123456789ab, 2026-12-07T10:00:00Z, modified; go1.26.8 "},
		{"linker wins", "v2.0.0", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.4.0"}}, "spillcheck v2.0.0 ("},
		{"no build info", "", nil, "spillcheck devel ("},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := makeBuildInfo(tc.linked, tc.bi, tc.bi != nil).String()
			if !strings.HasPrefix(got, tc.want) {
				t.Errorf("got %q, want prefix %q", got, tc.want)
			}
		})
	}
}

func TestVersionFlagAndCommand(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"version"}, {"-V"}} {
		got := runCLI(t, context.Background(), &fakeProbe{name: "redis"}, args...)
		if got.code != exitOK || !strings.HasPrefix(got.stdout, "spillcheck ") || strings.Count(got.stdout, "\n") != 1 || got.stderr != "" {
			t.Errorf("%v: %+v", args, got)
		}
	}
}

// TestVersionFromCheckout builds the command from this checkout, as `go
// install` or `go build` would, and checks that it reports the commit it
// was built from.
func TestVersionFromCheckout(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		scantest.Missing(t, "a git checkout: %v", err)
	}
	if linkedWorktree() {
		// Not a missing server: go build stamps no VCS information in a
		// linked worktree (git worktree add), so there is nothing to check.
		// CI runs in a clone, where the test runs.
		t.Skip("a linked git worktree: go build stamps no VCS information here")
	}
	// -buildvcs=true: some machines set GOFLAGS=-buildvcs=false.
	bin := filepath.Join(t.TempDir(), "spillcheck")
	if out, err := exec.Command("go", "build", "-buildvcs=true", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	if m, _ := exec.Command("go", "version", "-m", bin).Output(); !strings.Contains(string(m), "vcs.revision=") {
		t.Fatalf("go build -buildvcs=true stamped no vcs.revision into the binary:\n%s", m)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if want := "commit " + strings.TrimSpace(string(head))[:12]; !strings.Contains(string(out), want) {
		t.Errorf("--version printed %q, want it to name %q", out, want)
	}
}

// linkedWorktree reports whether the working directory is in a linked git
// worktree, whose git directory is not the repository's common one.
func linkedWorktree() bool {
	out, err := exec.Command("git", "rev-parse", "--git-dir", "--git-common-dir").Output()
	if err != nil {
		return false
	}
	dirs := strings.Fields(string(out))
	if len(dirs) != 2 {
		return false
	}
	a, errA := filepath.Abs(dirs[0])
	b, errB := filepath.Abs(dirs[1])
	return errA == nil && errB == nil && a != b
}
