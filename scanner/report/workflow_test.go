package report

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/spillcheck/spillcheck/scanner/scantest"
)

// actionFile is the part of action.yml the tests read.
type actionFile struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Value string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Steps []struct {
			ID   string `yaml:"id"`
			Uses string `yaml:"uses"`
		} `yaml:"steps"`
	} `yaml:"runs"`
}

// workflowFile is the part of a GitHub workflow the tests read.
type workflowFile struct {
	Jobs map[string]struct {
		Steps []struct {
			Uses string            `yaml:"uses"`
			With map[string]string `yaml:"with"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

func readYAML(t *testing.T, path string, v any) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return string(b)
}

// TestActionDocsMatch: docs/ci.md documents exactly the inputs and outputs
// action.yml has, and the action uses the current code-scanning upload.
func TestActionDocsMatch(t *testing.T) {
	root := moduleRoot(t)
	var a actionFile
	readYAML(t, filepath.Join(root, "action.yml"), &a)
	doc, err := os.ReadFile(filepath.Join(root, "docs", "ci.md"))
	if err != nil {
		t.Fatal(err)
	}
	documented := func(kind string) []string {
		var names []string
		// Rows of the action's table: | `name` | input | ... or | `a`, `b` | output | ...
		for _, m := range regexp.MustCompile("(?m)^\\| (`[a-z-]+`(?:, `[a-z-]+`)*) \\| "+kind+" \\|").FindAllStringSubmatch(string(doc), -1) {
			for _, n := range strings.Split(m[1], ", ") {
				names = append(names, strings.Trim(n, "`"))
			}
		}
		slices.Sort(names)
		return names
	}
	keys := func(m map[string]string) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	in, out := map[string]string{}, map[string]string{}
	for k := range a.Inputs {
		in[k] = ""
	}
	for k := range a.Outputs {
		out[k] = ""
	}
	if got, want := documented("input"), keys(in); !slices.Equal(got, want) {
		t.Errorf("docs/ci.md documents inputs %q, action.yml has %q", got, want)
	}
	if got, want := documented("output"), keys(out); !slices.Equal(got, want) {
		t.Errorf("docs/ci.md documents outputs %q, action.yml has %q", got, want)
	}
	for _, s := range a.Runs.Steps {
		if strings.HasPrefix(s.Uses, "github/codeql-action/upload-sarif@") && s.Uses != "github/codeql-action/upload-sarif@v4" {
			t.Errorf("action.yml uses %s; v3 is deprecated, use v4", s.Uses)
		}
	}
}

// TestWorkflowExample runs every spillcheck step of the workflow users copy
// (docs/examples/github-workflow.yml) through the action's own script, with
// the real spillcheck built from this checkout, the step's inputs and the
// action's defaults. The score job runs as written on copies of the test
// schemas; the scan job, whose inventory and scope name a private network
// that tests must never reach, runs with its inventory's addresses moved to
// 127.0.0.1 and its scope narrowed to 127.0.0.1/32.
func TestWorkflowExample(t *testing.T) {
	bash := scantest.RequireBinary(t, "bash")
	root := moduleRoot(t)
	var a actionFile
	yml := readYAML(t, filepath.Join(root, "action.yml"), &a)
	script := stepScript(t, yml, "run")
	var wf workflowFile
	readYAML(t, filepath.Join(root, "docs", "examples", "github-workflow.yml"), &wf)

	bin := buildSpillcheck(t, root)
	ran := 0
	for name, job := range wf.Jobs {
		for _, step := range job.Steps {
			if !strings.HasPrefix(step.Uses, "spillcheck/spillcheck@") {
				continue
			}
			ran++
			t.Run(name, func(t *testing.T) {
				dir := t.TempDir()
				with := step.With
				if with["inventory"] != "" && with["scope"] != "" {
					with = stageScan(t, dir, with)
				} else {
					stageScore(t, root, dir, with)
				}
				if b := with["baseline"]; b != "" {
					writeTestFile(t, filepath.Join(dir, b), `{"version":1,"accept":[{"target":"redis://10.9.9.9:6379","reason":"an old fixture","expires":"2999-01-01"}]}`)
				}
				inputs := map[string]string{}
				for in, def := range a.Inputs {
					v, ok := with[in]
					if !ok {
						v = def.Default
					}
					inputs[in] = v
				}
				outputs, log := runActionStep(t, bash, script, dir, bin, inputs)
				code := regexp.MustCompile(`(?m)^exit-code=(\d+)$`).FindStringSubmatch(outputs)
				if code == nil || (code[1] != "0" && code[1] != "1") {
					t.Fatalf("spillcheck did not run cleanly: outputs %q\n%s", outputs, log)
				}
				var sarif map[string]any
				if b, err := os.ReadFile(filepath.Join(dir, "spillcheck.sarif")); err != nil || json.Unmarshal(b, &sarif) != nil || sarif["version"] != "2.1.0" {
					t.Errorf("no SARIF 2.1.0 report (%v)", err)
				}
				if !strings.Contains(outputs, "sarif=spillcheck.sarif\n") || !strings.Contains(outputs, "markdown=spillcheck.md\n") {
					t.Errorf("outputs %q lack the report paths", outputs)
				}
				if h := with["html"]; h != "" && !strings.Contains(outputs, "html="+h+"\n") {
					t.Errorf("outputs %q lack html=%s", outputs, h)
				}
				if s, _ := os.ReadFile(filepath.Join(dir, "summary")); !strings.Contains(string(s), "spillcheck") {
					t.Errorf("the job summary holds no report: %q", s)
				}
			})
		}
	}
	if ran < 2 {
		t.Errorf("the example workflow has %d spillcheck steps, want the score and the scan job", ran)
	}
}

// buildSpillcheck builds the command from this checkout into a temporary
// directory and returns that directory, for PATH.
func buildSpillcheck(t *testing.T, root string) string {
	t.Helper()
	bin := t.TempDir()
	if out, err := exec.Command("go", "build", "-o", filepath.Join(bin, "spillcheck"), filepath.Join(root, "cmd", "spillcheck")).CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runActionStep runs the action's "Run spillcheck" script in dir with the
// spillcheck in bin and the given inputs (as SC_* variables), and returns
// what the step wrote to GITHUB_OUTPUT and its log.
func runActionStep(t *testing.T, bash, script, dir, bin string, inputs map[string]string) (outputs, log string) {
	t.Helper()
	env := append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"),
		"GITHUB_OUTPUT="+filepath.Join(dir, "output"), "GITHUB_STEP_SUMMARY="+filepath.Join(dir, "summary"))
	for in, v := range inputs {
		env = append(env, "SC_"+strings.ToUpper(strings.ReplaceAll(in, "-", "_"))+"="+v)
	}
	cmd := exec.Command(bash, "-c", script)
	cmd.Dir, cmd.Env = dir, env
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the step failed: %v\n%s", err, b)
	}
	o, _ := os.ReadFile(filepath.Join(dir, "output"))
	return string(o), string(b)
}

func writeTestFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// stageScore puts a real index template and a real $jsonSchema validator
// from the CLI's test data at every path the score step names.
func stageScore(t *testing.T, root, dir string, with map[string]string) {
	schemas := []string{"chat-template.json", "crm-validator.json"}
	files := strings.Fields(with["targets"] + " " + with["inventory"])
	if len(files) == 0 {
		t.Fatal("the score step names no schema file")
	}
	for i, f := range files {
		b, err := os.ReadFile(filepath.Join(root, "cmd", "spillcheck", "testdata", "score", schemas[i%len(schemas)]))
		if err != nil {
			t.Fatal(err)
		}
		writeTestFile(t, filepath.Join(dir, f), string(b))
	}
}

// stageScan writes an inventory export at each path the scan step names
// (EC2 instances on 127.0.0.1, and empty ElastiCache and OpenSearch
// listings) and narrows the scope to 127.0.0.1/32.
func stageScan(t *testing.T, dir string, with map[string]string) map[string]string {
	staged := map[string]string{}
	for k, v := range with {
		staged[k] = v
	}
	staged["scope"] = "127.0.0.1/32"
	for _, f := range strings.Fields(with["inventory"]) {
		body := `{"Reservations":[{"Instances":[{"InstanceId":"i-0123456789abcdef0","PrivateIpAddress":"127.0.0.1","State":{"Name":"running"}}]}]}`
		switch {
		case strings.Contains(f, "elasticache"):
			body = `{"CacheClusters":[]}`
		case strings.Contains(f, "opensearch"):
			body = `{"DomainStatusList":[]}`
		}
		writeTestFile(t, filepath.Join(dir, f), body)
	}
	return staged
}

// TestActionScoreInventory: with command score, the inventory input names
// more schema files (score takes no -l), and the scan-only scope input is
// refused with a clear error instead of a usage error from spillcheck.
func TestActionScoreInventory(t *testing.T) {
	bash := scantest.RequireBinary(t, "bash")
	root := moduleRoot(t)
	var a actionFile
	script := stepScript(t, readYAML(t, filepath.Join(root, "action.yml"), &a), "run")
	bin := buildSpillcheck(t, root)
	for _, tc := range []struct {
		scope, wantCode, wantLog string
	}{{"", "1", "chat-template.json"}, {"10.0.0.0/8", "2", "::error::the scope input applies to scan only"}} {
		dir := t.TempDir()
		stageScore(t, root, dir, map[string]string{"inventory": "schemas/chat-template.json\nschemas/crm.json"})
		outputs, log := runActionStep(t, bash, script, dir, bin, map[string]string{
			"command": "score", "targets": "", "inventory": "schemas/chat-template.json\n  schemas/crm.json\n", "scope": tc.scope,
			"fail-on": "high", "baseline": "", "args": "", "sarif": "spillcheck.sarif", "markdown": "spillcheck.md", "html": ""})
		if !strings.HasPrefix(outputs, "exit-code="+tc.wantCode+"\n") || !strings.Contains(log, tc.wantLog) {
			t.Errorf("scope %q: outputs %q, log:\n%s", tc.scope, outputs, log)
		}
	}
}
