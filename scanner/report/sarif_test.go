package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/spillcheck/spillcheck/scanner"
	"github.com/spillcheck/spillcheck/scanner/scantest"
)

func TestSARIFGolden(t *testing.T) {
	golden(t, "report.sarif", render(t, SARIF("1.2.3")))
}

// schemaPath finds the vendored SARIF schema, testdata/sarif in the
// module root (testdata/sarif/README.md says where it comes from).
func schemaPath(t *testing.T) string {
	t.Helper()
	p := filepath.Join(moduleRoot(t), "testdata", "sarif", "sarif-schema-2.1.0.json")
	if _, err := os.Stat(p); err != nil {
		scantest.Missing(t, "the SARIF schema: %v", err)
	}
	return p
}

// moduleRoot is the directory holding go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}

func TestSARIFValidatesAgainstSchema(t *testing.T) {
	f, err := os.Open(schemaPath(t))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][]byte{"fixture": render(t, SARIF("1.2.3"))}
	var empty bytes.Buffer
	if err := SARIF("").Write(&empty, nil, nil); err != nil {
		t.Fatal(err)
	}
	cases["no results"] = empty.Bytes()
	for name, out := range cases {
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Errorf("%s: SARIF does not validate: %v", name, err)
		}
	}
	// A schema that accepts everything would make this test useless.
	bad, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"version":"2.1.0","runs":[{"results":[]}]}`))
	if sch.Validate(bad) == nil {
		t.Error("a run without a tool validated; the schema check is not working")
	}
}

func TestSARIFResults(t *testing.T) {
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID         string         `json:"id"`
						Properties map[string]any `json:"properties"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Level     string `json:"level"`
				Message   struct {
					Text string `json:"text"`
				} `json:"message"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region *struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
				Suppressions        []struct {
					Status        string `json:"status"`
					Justification string `json:"justification"`
				} `json:"suppressions"`
				Properties map[string]any `json:"properties"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(render(t, SARIF("1.2.3")), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if got := len(run.Tool.Driver.Rules); got != len(Rules) {
		t.Fatalf("%d rules, want %d", got, len(Rules))
	}
	type want struct {
		rule, level, uri, resource, suppressed string
		line                                   int
	}
	wants := []want{
		{"SPILL004", "error", "inventory/staging-ec2.json", "i-0a1b2c3d4e5f60718", "", 0},
		{"SPILL002", "error", "inventory/staging-ec2.json", "i-0a1b2c3d4e5f60718", "", 0},
		{"SPILL004", "error", "inventory/hosts.txt", "", "", 3},
		{"SPILL002", "error", "inventory/hosts.txt", "", "", 3},
		{"SPILL002", "warning", "inventory/hosts.txt", "", "", 3},
		{"SPILL001", "note", "inventory/hosts.txt", "", "public avatar URLs only, reviewed in SEC-142 (until 2027-01-31)", 4},
		{"SPILL007", "note", "inventory/hosts.txt", "", "public avatar URLs only, reviewed in SEC-142 (until 2027-01-31)", 4},
		{"SPILL005", "note", "infra/main.tf", "aws_instance.edge_cache", "", 42},
	}
	if len(run.Results) != len(wants) {
		t.Fatalf("%d results, want %d", len(run.Results), len(wants))
	}
	seen := map[string]bool{}
	for i, w := range wants {
		r := run.Results[i]
		loc := r.Locations[0].PhysicalLocation
		line := 0
		if loc.Region != nil {
			line = loc.Region.StartLine
		}
		res, _ := r.Properties["resource"].(string)
		sup := ""
		if len(r.Suppressions) == 1 && r.Suppressions[0].Status == "accepted" {
			sup = r.Suppressions[0].Justification
		}
		got := want{r.RuleID, r.Level, loc.ArtifactLocation.URI, res, sup, line}
		if got != w {
			t.Errorf("result %d = %+v, want %+v", i, got, w)
		}
		if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %d: ruleIndex %d points at %s", i, r.RuleIndex, run.Tool.Driver.Rules[r.RuleIndex].ID)
		}
		fp := r.PartialFingerprints[fingerprintK]
		if len(fp) != 32 || seen[fp] {
			t.Errorf("result %d: fingerprint %q is missing or not unique", i, fp)
		}
		seen[fp] = true
		if _, ok := r.Properties["security-severity"].(string); !ok {
			t.Errorf("result %d has no security-severity", i)
		}
	}
	msg := run.Results[1].Message.Text
	for _, s := range []string{"messages-* (12 indices, 48,213,377 docs)", "message_body (message.body)", "phone (sender.phone, recipient.phone)", "Cloud resource: i-0a1b2c3d4e5f60718", "Fix: enable authentication"} {
		if !strings.Contains(msg, s) {
			t.Errorf("message %q lacks %q", msg, s)
		}
	}
}

func TestSARIFLocationWithoutFile(t *testing.T) {
	r := scanner.Result{Status: scanner.StatusOpen, Target: scanner.Target{Host: "::1", Port: 6379, Service: scanner.Redis}}
	f := FindingsOf(&r)[0]
	if got, want := sarifLocationOf(&f).PhysicalLocation.ArtifactLocation.URI, "spillcheck/redis/%3A%3A1_6379"; got != want {
		t.Errorf("uri = %q, want %q", got, want)
	}
	if got, want := fileURI("/srv/inv/a b.json"), "file:///srv/inv/a%20b.json"; got != want {
		t.Errorf("fileURI = %q, want %q", got, want)
	}
}
