package inventory

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spillcheck/spillcheck/scanner"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/inventory")

// testdataDir holds one directory per format, named as the format; each
// example file next to its NAME.golden.json.
const testdataDir = "../../testdata/inventory"

// goldenResult is what a golden file records for one example.
type goldenResult struct {
	Detected string           `json:"detected"`
	Stats    Stats            `json:"stats"`
	Targets  []scanner.Target `json:"targets"`
}

// examples lists the example files under testdata/inventory, by format.
func examples(t testing.TB) map[string][]string {
	t.Helper()
	dirs, err := os.ReadDir(testdataDir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		files, err := os.ReadDir(filepath.Join(testdataDir, d.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			n := f.Name()
			if strings.HasSuffix(n, ".golden.json") || strings.HasPrefix(n, "SOURCES") || f.IsDir() {
				continue
			}
			out[d.Name()] = append(out[d.Name()], filepath.Join(testdataDir, d.Name(), n))
		}
	}
	return out
}

func goldenPath(file string) string {
	return strings.TrimSuffix(file, filepath.Ext(file)) + ".golden.json"
}

// TestGolden reads every example with auto-detection and compares the
// detected format, the stats and the targets with its golden file.
func TestGolden(t *testing.T) {
	ex := examples(t)
	if len(ex) == 0 {
		t.Fatal("no examples found")
	}
	for format, files := range ex {
		if _, ok := parsers[format]; !ok {
			t.Errorf("testdata directory %q is not a format name", format)
			continue
		}
		for _, file := range files {
			t.Run(format+"/"+filepath.Base(file), func(t *testing.T) {
				data, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				detected, _ := Detect(data)
				if detected != format {
					t.Errorf("Detect = %q, want %q", detected, format)
				}
				var got goldenResult
				got.Detected = detected
				rel := filepath.ToSlash(strings.TrimPrefix(file, testdataDir+"/"))
				got.Stats, err = Read(context.Background(), bytes.NewReader(data), rel, "", Options{}, func(tg scanner.Target) error {
					got.Targets = append(got.Targets, tg)
					return nil
				})
				if err != nil {
					t.Fatalf("Read: %v", err)
				}
				enc, err := json.MarshalIndent(got, "", "  ")
				if err != nil {
					t.Fatal(err)
				}
				enc = append(enc, '\n')
				gp := goldenPath(file)
				if *update {
					if err := os.WriteFile(gp, enc, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(gp)
				if err != nil {
					t.Fatalf("%v (run go test -run TestGolden -update to create it)", err)
				}
				if !bytes.Equal(enc, want) {
					t.Errorf("%s differs from what Read gives now:\n%s", gp, enc)
				}
			})
		}
	}
}
