package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestDockerfileBuildsAStaticNonRootImage reads the Dockerfile, builds the
// binary with the Dockerfile's own go build line (no Docker engine is
// needed for that part), and checks that the result is statically linked
// and that the image runs it as a non-root user.
func TestDockerfileBuildsAStaticNonRootImage(t *testing.T) {
	root := filepath.Join("..", "..")
	b, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	df := string(b)
	stages := regexp.MustCompile(`(?m)^FROM (\S+)`).FindAllStringSubmatch(df, -1)
	if len(stages) < 2 || !strings.HasPrefix(stages[len(stages)-1][1], "gcr.io/distroless/static") {
		t.Errorf("the final stage is %v, want distroless/static", stages)
	}
	user := regexp.MustCompile(`(?m)^USER (\S+)`).FindAllStringSubmatch(df, -1)
	if len(user) == 0 || strings.HasPrefix(user[len(user)-1][1], "0") || user[len(user)-1][1] == "root" {
		t.Errorf("USER %v: the image must not run as root", user)
	}
	run := regexp.MustCompile(`(?m)^RUN (CGO_ENABLED=0 go build .*)$`).FindStringSubmatch(df)
	if run == nil {
		t.Fatal("no 'RUN CGO_ENABLED=0 go build ...' line")
	}
	if testing.Short() {
		t.Skip("builds the binary")
	}
	out := filepath.Join(t.TempDir(), "spillcheck")
	line := strings.ReplaceAll(run[1], "/out/spillcheck", out)
	line = strings.ReplaceAll(line, "./cmd/spillcheck", ".")
	cmd := exec.Command("sh", "-c", line)
	cmd.Env = append(os.Environ(), "VERSION=")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", line, err, b)
	}
	f, err := elf.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary asks for a dynamic loader: it is not static")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("the binary links %v", libs)
	}
}

// TestGoReleaserConfig checks .goreleaser.yaml for what the README
// promises: static builds for Linux, macOS and Windows, archives with the
// completions and man page its hooks generate with existing commands, and a
// checksums file.
func TestGoReleaserConfig(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", ".goreleaser.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Version int `yaml:"version"`
		Before  struct {
			Hooks []string `yaml:"hooks"`
		} `yaml:"before"`
		Builds []struct {
			Main   string   `yaml:"main"`
			Env    []string `yaml:"env"`
			Goos   []string `yaml:"goos"`
			Goarch []string `yaml:"goarch"`
		} `yaml:"builds"`
		Archives []struct {
			Files []string `yaml:"files"`
		} `yaml:"archives"`
		Checksum struct {
			NameTemplate string `yaml:"name_template"`
		} `yaml:"checksum"`
	}
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Version != 2 || len(cfg.Builds) != 1 || len(cfg.Archives) != 1 || cfg.Checksum.NameTemplate == "" {
		t.Fatalf("config %+v", cfg)
	}
	bld := cfg.Builds[0]
	for _, os := range []string{"linux", "darwin", "windows"} {
		if !slices.Contains(bld.Goos, os) {
			t.Errorf("no %s build", os)
		}
	}
	if bld.Main != "./cmd/spillcheck" || !slices.Contains(bld.Env, "CGO_ENABLED=0") {
		t.Errorf("build %+v", bld)
	}
	for _, want := range []string{"README.md", "LICENSE", "completions/*", "manpages/*"} {
		if !slices.Contains(cfg.Archives[0].Files, want) {
			t.Errorf("archives lack %s", want)
		}
	}
	names := map[string]bool{}
	for _, c := range commands() {
		names[c.name] = true
	}
	for _, h := range cfg.Before.Hooks {
		if m := regexp.MustCompile(`go run \./cmd/spillcheck (\S+)`).FindStringSubmatch(h); m != nil && !names[m[1]] {
			t.Errorf("hook %q runs a command spillcheck does not have", h)
		}
	}
}
