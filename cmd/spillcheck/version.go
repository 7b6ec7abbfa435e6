package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
)

// version is set at build time with -ldflags "-X main.version=..." (make
// build, GoReleaser). When it is not, buildVersion reads the module version
// from the build info, so `go install ...@v1.2.3` reports v1.2.3.
var version = ""

// buildInfo is what `spillcheck version` prints: the version, the VCS
// revision and time when the binary was built from a checkout, and the Go
// toolchain.
type buildInfo struct {
	Version  string
	Revision string // full commit hash, "" when unknown
	Time     string // commit time, RFC 3339
	Modified bool   // built from a checkout with uncommitted changes
	Go       string
}

var readBuildInfo = sync.OnceValue(func() buildInfo {
	bi, ok := debug.ReadBuildInfo()
	return makeBuildInfo(version, bi, ok)
})

// makeBuildInfo picks the version: the linker's, else the module's (not
// "(devel)"), else a pseudo-version-like "devel" with the revision.
func makeBuildInfo(linked string, bi *debug.BuildInfo, ok bool) buildInfo {
	out := buildInfo{Version: linked, Go: runtime.Version()}
	if ok && bi != nil {
		if out.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			out.Version = bi.Main.Version
		}
		if bi.GoVersion != "" {
			out.Go = bi.GoVersion
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				out.Revision = s.Value
			case "vcs.time":
				out.Time = s.Value
			case "vcs.modified":
				out.Modified = s.Value == "true"
			}
		}
	}
	if out.Version == "" {
		out.Version = "devel"
	}
	return out
}

// buildVersion is the version alone, as reports (SARIF, JSON) record it.
func buildVersion() string { return readBuildInfo().Version }

// String is one line: "spillcheck v1.2.3 (commit 0123abcd, 2026-12-07T10:00:00Z, modified; go1.26.8 linux/amd64)".
func (b buildInfo) String() string {
	var parts []string
	if b.Revision != "" {
		rev := "commit " + b.Revision[:min(12, len(b.Revision))]
		if b.Time != "" {
			rev += ", " + b.Time
		}
		if b.Modified {
			rev += ", modified"
		}
		parts = append(parts, rev)
	}
	parts = append(parts, b.Go+" "+runtime.GOOS+"/"+runtime.GOARCH)
	return fmt.Sprintf("spillcheck %s (%s)", b.Version, strings.Join(parts, "; "))
}

func printVersion(w io.Writer) error {
	_, err := fmt.Fprintln(w, readBuildInfo())
	return err
}
