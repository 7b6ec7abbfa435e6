package inventory

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
)

// seedAll adds every example under testdata/inventory, and a few small
// inputs, to a fuzz corpus. With only set, it adds that format's examples.
func seedAll(f *testing.F, only string) {
	for format, files := range examples(f) {
		if only != "" && format != only {
			continue
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	for _, s := range []string{"", "{", "[", "[]", "{}", "null", `{"a":`, "<", "ip\n", "\xef\xbb\xbf", "open tcp 1 2 3"} {
		f.Add([]byte(s))
	}
}

// FuzzDetect: Detect never panics, and what it names is a format Read
// accepts (or "list").
func FuzzDetect(f *testing.F) {
	seedAll(f, "")
	f.Fuzz(func(t *testing.T, data []byte) {
		format, ok := Detect(data)
		if !ok {
			return
		}
		if _, known := parsers[format]; !known && format != "list" {
			t.Fatalf("Detect named %q", format)
		}
	})
}

// fuzzFormat reads arbitrary bytes as format: it must never panic, every
// error must be a *ParseError or a known sentinel, and every target must be
// a host the scanner can dial (no spaces, ports in range).
func fuzzFormat(f *testing.F, format string) {
	seedAll(f, format)
	f.Fuzz(func(t *testing.T, data []byte) {
		var got []scanner.Target
		var err error
		var st Stats
		done := make(chan struct{})
		go func() {
			defer close(done)
			st, err = Read(context.Background(), bytes.NewReader(data), "fuzz", format, Options{MaxLineBytes: 1 << 16},
				func(tg scanner.Target) error { got = append(got, tg); return nil })
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("Read of %d bytes took over 10s: %q", len(data), data)
		}
		if err != nil {
			var pe *ParseError
			var be *scanner.BinaryError
			if !errorsAs(err, &pe) && !errorsAs(err, &be) {
				t.Fatalf("error %v (%T) is not a *ParseError or *scanner.BinaryError", err, err)
			}
			if len(err.Error()) > 1000 {
				t.Fatalf("error of %d bytes: bad input must get a bounded message", len(err.Error()))
			}
			return
		}
		for _, p := range st.Problems {
			if len(p) > 600 {
				t.Fatalf("problem of %d bytes: %.200q", len(p), p)
			}
		}
		for _, tg := range got {
			if tg.Host == "" || strings.ContainsAny(tg.Host, " /\t\n") || tg.Port < 0 || tg.Port > 65535 {
				t.Fatalf("bad target %+v", tg)
			}
			if len(tg.Origins) == 0 || len(tg.Origins) > MaxOrigins || tg.Origins[0].File != "fuzz" {
				t.Fatalf("bad origins %+v", tg.Origins)
			}
		}
	})
}

func FuzzAWSEC2(f *testing.F)         { fuzzFormat(f, "aws-ec2") }
func FuzzAWSOpenSearch(f *testing.F)  { fuzzFormat(f, "aws-opensearch") }
func FuzzAWSElastiCache(f *testing.F) { fuzzFormat(f, "aws-elasticache") }
func FuzzAWSDocDB(f *testing.F)       { fuzzFormat(f, "aws-docdb") }
func FuzzGCPCompute(f *testing.F)     { fuzzFormat(f, "gcp-compute") }
func FuzzGCPAsset(f *testing.F)       { fuzzFormat(f, "gcp-asset") }
func FuzzAzureVM(f *testing.F)        { fuzzFormat(f, "azure-vm") }
func FuzzAzureVMIP(f *testing.F)      { fuzzFormat(f, "azure-vm-ip") }
func FuzzAzureRedis(f *testing.F)     { fuzzFormat(f, "azure-redis") }
func FuzzTerraform(f *testing.F)      { fuzzFormat(f, "terraform") }
func FuzzKubernetes(f *testing.F)     { fuzzFormat(f, "kubernetes") }
func FuzzCloudlist(f *testing.F)      { fuzzFormat(f, "cloudlist") }
func FuzzNmapXML(f *testing.F)        { fuzzFormat(f, "nmap-xml") }
func FuzzMasscanJSON(f *testing.F)    { fuzzFormat(f, "masscan-json") }
func FuzzMasscanList(f *testing.F)    { fuzzFormat(f, "masscan-list") }
func FuzzNaabu(f *testing.F)          { fuzzFormat(f, "naabu") }
func FuzzCSV(f *testing.F)            { fuzzFormat(f, "csv") }
func FuzzAnsible(f *testing.F)        { fuzzFormat(f, "ansible") }
func FuzzDockerPS(f *testing.F)       { fuzzFormat(f, "docker-ps") }
func FuzzDockerInspect(f *testing.F)  { fuzzFormat(f, "docker-inspect") }
func FuzzDockerCompose(f *testing.F)  { fuzzFormat(f, "docker-compose") }
func FuzzConsul(f *testing.F)         { fuzzFormat(f, "consul") }
func FuzzShodan(f *testing.F)         { fuzzFormat(f, "shodan") }
func FuzzCensys(f *testing.F)         { fuzzFormat(f, "censys") }

// FuzzReadAuto reads arbitrary bytes with detection, as the CLI does.
func FuzzReadAuto(f *testing.F) {
	seedAll(f, "")
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Read(context.Background(), bytes.NewReader(data), "fuzz", "", Options{}, func(scanner.Target) error { return nil })
	})
}

// TestFuzzTargetsCoverFormats keeps one Fuzz function per format.
func TestFuzzTargetsCoverFormats(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(".", "fuzz_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range Formats() {
		if !strings.Contains(string(src), `fuzzFormat(f, "`+f+`")`) {
			t.Errorf("no fuzz target for %s", f)
		}
	}
}
