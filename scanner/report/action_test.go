package report

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spillcheck/spillcheck/scanner/scantest"
)

// stepScript returns the run: | block of the action.yml step with the given
// id, unindented. It reads just enough YAML for this one file.
func stepScript(t *testing.T, yml, id string) string {
	t.Helper()
	lines := strings.Split(yml, "\n")
	start := -1
	for i, l := range lines {
		if strings.TrimSpace(l) == "id: "+id {
			start = i
			break
		}
	}
	if start < 0 {
		t.Fatalf("no step with id %q", id)
	}
	for i := start; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "run: |" {
			continue
		}
		indent := ""
		var body []string
		for _, l := range lines[i+1:] {
			if strings.TrimSpace(l) == "" {
				body = append(body, "")
				continue
			}
			if indent == "" {
				indent = l[:len(l)-len(strings.TrimLeft(l, " "))]
			}
			if !strings.HasPrefix(l, indent) {
				break
			}
			body = append(body, strings.TrimPrefix(l, indent))
		}
		return strings.Join(body, "\n")
	}
	t.Fatalf("step %q has no run block", id)
	return ""
}

// TestActionRunStep runs the action's "Run spillcheck" script with a stub
// spillcheck that records its arguments and exits 1, and checks the
// arguments, the outputs and the job summary.
func TestActionRunStep(t *testing.T) {
	bash := scantest.RequireBinary(t, "bash")
	yml, err := os.ReadFile(filepath.Join(moduleRoot(t), "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	script := stepScript(t, string(yml), "run")
	dir := t.TempDir()
	stub := "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done > \"$STUB_ARGS\"\necho '# report' > spillcheck.md\necho '{}' > spillcheck.sarif\nexit 1\n"
	if err := os.WriteFile(filepath.Join(dir, "spillcheck"), []byte(stub), 0o755); err != nil {
		t.Fatal(err)
	}
	out, summary := filepath.Join(dir, "output"), filepath.Join(dir, "summary")
	cmd := exec.Command(bash, "-c", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"PATH="+dir+":"+os.Getenv("PATH"), "STUB_ARGS="+filepath.Join(dir, "args"),
		"GITHUB_OUTPUT="+out, "GITHUB_STEP_SUMMARY="+summary,
		"SC_COMMAND=scan", "SC_TARGETS=10.0.0.5:6379\n *.example.com", "SC_INVENTORY=inv/staging.json\ninv/hosts.txt\n",
		"SC_SCOPE=10.0.0.0/16", "SC_FAIL_ON=medium", "SC_BASELINE=.spillcheck-baseline.json", "SC_ARGS=--rate 20",
		"SC_SARIF=spillcheck.sarif", "SC_MARKDOWN=spillcheck.md", "SC_HTML=",
	)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("step failed: %v\n%s", err, b)
	}
	args, _ := os.ReadFile(filepath.Join(dir, "args"))
	want := "scan --fail-on medium --sarif spillcheck.sarif --markdown spillcheck.md --baseline .spillcheck-baseline.json --scope 10.0.0.0/16 -l inv/staging.json -l inv/hosts.txt --rate 20 10.0.0.5:6379 *.example.com"
	if got := strings.Join(strings.Fields(string(args)), " "); got != want {
		t.Errorf("spillcheck got\n  %s\nwant\n  %s", got, want)
	}
	outputs, _ := os.ReadFile(out)
	if got := string(outputs); got != "exit-code=1\nmarkdown=spillcheck.md\nsarif=spillcheck.sarif\nsarif-written=true\n" {
		t.Errorf("GITHUB_OUTPUT = %q", got)
	}
	if s, _ := os.ReadFile(summary); string(s) != "# report\n" {
		t.Errorf("job summary = %q", s)
	}
}
