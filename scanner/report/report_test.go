package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata (and docs/report.png)")

// fixture loads testdata/results.json: an open Elasticsearch with a scored
// messages index pattern, an open Redis with key patterns (one with a
// hostile field name), an accepted Redis finding, a protected-mode Redis on
// a public address and an auth-required MongoDB. The summary fails on high.
func fixture(t testing.TB) ([]scanner.Result, *scanner.Summary) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var results []scanner.Result
	if err := json.Unmarshal(b, &results); err != nil {
		t.Fatal(err)
	}
	sum := scanner.NewSummary(scanner.SeverityHigh)
	for i := range results {
		sum.Add(&results[i])
	}
	sum.Started = time.Date(2026, 11, 28, 23, 0, 0, 0, time.UTC)
	sum.Duration = scanner.Duration(4200 * time.Millisecond)
	return results, sum
}

// render runs a writer on the fixture.
func render(t testing.TB, w Writer) []byte {
	t.Helper()
	results, sum := fixture(t)
	var buf bytes.Buffer
	if err := w.Write(&buf, results, sum); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test ./scanner/report -update and review the diff\n%s", name, firstDiff(string(want), string(got)))
	}
}

// firstDiff shows the first differing line.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\nwant: " + w + "\ngot:  " + g
		}
	}
	return ""
}

// hostile is the fixture's field name built to break out of Markdown and
// HTML; every format must escape it.
const hostile = "<img src=x onerror=alert(1)>|`body`"

// TestWritersWithoutFindings runs every writer on no results and on one
// result without findings, with and without a summary.
func TestWritersWithoutFindings(t *testing.T) {
	quiet := []scanner.Result{{Status: scanner.StatusAuthRequired, Target: scanner.Target{Host: "127.0.0.1", Port: 27017, Service: scanner.MongoDB}}}
	for name, w := range map[string]Writer{"sarif": SARIF("x"), "markdown": Markdown(), "html": HTML()} {
		for _, results := range [][]scanner.Result{nil, quiet} {
			for _, sum := range []*scanner.Summary{nil, scanner.NewSummary(scanner.SeverityHigh)} {
				var buf bytes.Buffer
				if err := w.Write(&buf, results, sum); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				out := buf.String()
				if strings.Contains(out, "SPILL00") && name != "sarif" {
					t.Errorf("%s reports a finding where there is none", name)
				}
				if len(results) == 1 && name != "sarif" && !strings.Contains(out, "mongodb://127.0.0.1:27017") {
					t.Errorf("%s does not list the target without findings", name)
				}
			}
		}
	}
}
