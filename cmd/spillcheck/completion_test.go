package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/spillcheck/spillcheck/scanner/scantest"
)

func script(t *testing.T, shell string) string {
	t.Helper()
	got := runCLI(t, context.Background(), &fakeProbe{name: "redis"}, "completion", shell)
	if got.code != exitOK || got.stdout == "" {
		t.Fatalf("completion %s: %+v", shell, got)
	}
	p := filepath.Join(t.TempDir(), "spillcheck."+shell)
	if err := os.WriteFile(p, []byte(got.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCommandFlagsAreTheParsedOnes: the flags completions and the man page
// list are the ones the commands parse, aliases included.
func TestCommandFlagsAreTheParsedOnes(t *testing.T) {
	byName := map[string]cmdInfo{}
	for _, ci := range commandFlags() {
		byName[ci.name] = ci
	}
	scan := strings.Join(byName["scan"].allFlags(), " ")
	for _, want := range []string{"--concurrency", "-c", "--rate", "-rl", "--fail-on-unassessed", "-l", "--list", "--timeout", "--sarif"} {
		if !strings.Contains(" "+scan+" ", " "+want+" ") {
			t.Errorf("scan's flags lack %s: %s", want, scan)
		}
	}
	if !strings.Contains(strings.Join(byName["baseline"].allFlags(), " "), "--prune") {
		t.Error("baseline's flags lack --prune")
	}
	if len(byName) != len(commands()) {
		t.Errorf("%d commands described, %d exist", len(byName), len(commands()))
	}
}

func TestBashCompletion(t *testing.T) {
	bash := scantest.RequireBinary(t, "bash")
	p := script(t, "bash")
	for _, tc := range []struct{ words, want string }{
		{"spillcheck sc", "scan score"},
		{"spillcheck scan --fail-on ", "none low medium high critical"},
		{"spillcheck scan --conc", "--concurrency"},
		{"spillcheck baseline --pr", "--prune"},
		{"spillcheck completion ", "bash zsh fish"},
		{"spillcheck scan --services ", "elasticsearch mongodb redis"},
	} {
		words := strings.Split(tc.words, " ")
		sh := ". " + p + "\nCOMP_WORDS=(" + strings.Join(quoteAll(words), " ") + ")\nCOMP_CWORD=" + strconv.Itoa(len(words)-1) + "\n_spillcheck\necho \"${COMPREPLY[*]}\"\n"
		out, err := exec.Command(bash, "-c", sh).CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != tc.want {
			t.Errorf("%q completes to %q (%v), want %q", tc.words, strings.TrimSpace(string(out)), err, tc.want)
		}
	}
}

func TestFishCompletion(t *testing.T) {
	fish := scantest.RequireBinary(t, "fish")
	p := script(t, "fish")
	for _, tc := range []struct{ line, want string }{
		{"spillcheck sc", "scan"},
		{"spillcheck scan --fail-on=", "--fail-on=critical"},
		{"spillcheck scan --fail-on-u", "--fail-on-unassessed"},
		{"spillcheck scan -r", "-rl"},
	} {
		out, err := exec.Command(fish, "--no-config", "-c", "source "+p+"; complete -C '"+tc.line+"'").CombinedOutput()
		if err != nil || !bytes.Contains(out, []byte(tc.want)) {
			t.Errorf("fish completes %q to:\n%s(%v); want a line with %q", tc.line, out, err, tc.want)
		}
	}
}

func TestZshCompletion(t *testing.T) {
	zsh := scantest.RequireBinary(t, "zsh")
	p := script(t, "zsh")
	if out, err := exec.Command(zsh, "-n", p).CombinedOutput(); err != nil {
		t.Fatalf("zsh -n: %v\n%s", err, out)
	}
	// Load it as a completion function under compinit: it must define
	// _spillcheck and register it for spillcheck.
	dir := filepath.Dir(p)
	if err := os.Rename(p, filepath.Join(dir, "_spillcheck")); err != nil {
		t.Fatal(err)
	}
	sh := "fpath=(" + dir + " $fpath); autoload -U compinit; compinit -u -d " + filepath.Join(dir, "zcompdump") + "; print -r -- ${_comps[spillcheck]}"
	out, err := exec.Command(zsh, "-f", "-c", sh).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "_spillcheck" {
		t.Errorf("compinit did not register _spillcheck for spillcheck: %q %v", out, err)
	}
}

func TestManPage(t *testing.T) {
	groff := scantest.RequireBinary(t, "groff")
	got := runCLI(t, context.Background(), &fakeProbe{name: "redis"}, "man")
	if got.code != exitOK {
		t.Fatalf("%+v", got)
	}
	for _, want := range []string{".TH SPILLCHECK 1", ".SH EXIT STATUS", `\fB\-\-fail\-on\-unassessed\fR`, `\fB\-\-prune\fR \fIFILE\fR`} {
		if !strings.Contains(got.stdout, want) {
			t.Errorf("man page lacks %q", want)
		}
	}
	cmd := exec.Command(groff, "-man", "-Tutf8", "-ww", "-z")
	cmd.Stdin = strings.NewReader(got.stdout)
	if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("groff warns: %v\n%s", err, out)
	}
}

func quoteAll(ws []string) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = "'" + w + "'"
	}
	return out
}
