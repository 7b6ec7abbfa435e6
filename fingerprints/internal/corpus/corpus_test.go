package corpus

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadDatabaseSpansProjects: two files of one database from two
// projects are a problem, since the folds split by project.
func TestLoadDatabaseSpansProjects(t *testing.T) {
	dir := t.TempDir()
	doc := func(project string) string {
		return `{"store": "mongodb", "container": "c", "fields": ["a"], "project": "` + project + `", "database": "db", "language": "en",
  "labels": {"messaging_pii": 0, "pii": 0, "categories": [], "reason": "r"}, "source": "https://example.org/schema", "source_read_this_session": true}`
	}
	for name, project := range map[string]string{"a.json": "p1", "b.json": "p2"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(doc(project)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	entries, probs, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || len(probs) != 1 || !strings.Contains(probs[0].Text, "spans projects") {
		t.Fatalf("entries %d, problems %v; want 2 entries and one problem about the database spanning projects", len(entries), probs)
	}
	if err := os.WriteFile(filepath.Join(dir, "b.json"), []byte(doc("p1")), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, probs, _ := Load(dir); len(probs) != 0 {
		t.Errorf("one project: problems %v, want none", probs)
	}
}

// TestAudit: the second reading attaches to its files, its bad lines are
// problems naming the line, and agreement counts labels beyond chance.
func TestAudit(t *testing.T) {
	dir := t.TempDir()
	doc := func(label string) string {
		labels := `"messaging_pii": 0, "pii": 0, "categories": []`
		if label == "1" {
			labels = `"messaging_pii": 1, "pii": 1, "categories": ["messages"]`
		}
		return `{"store": "mongodb", "container": "c", "fields": ["a"], "project": "p", "database": "db", "language": "en",
  "labels": {` + labels + `, "reason": "r"}, "source": "https://example.org/schema", "source_read_this_session": true}`
	}
	for name, label := range map[string]string{"a.json": "1", "b.json": "0", "sub/c.json": "1", "d.json": "0", "e.json": "0"} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(doc(label)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	audit := "a\t1\tmessages\tsure\tchat\n" +
		"b\t0\t\tsure\tshop\n" +
		"sub/c\t0\t\tunsure\tunclear\n" +
		"d\t1\tlocation\tsure\ttracks\n" +
		"a\t1\t\tsure\ttwice\n" +
		"nope\t1\t\tsure\tmissing\n" +
		"e\t2\t\tsure\tbad label\n" +
		"b\t1\tmessages\n"
	if err := os.WriteFile(filepath.Join(dir, AuditFile), []byte(audit), 0o644); err != nil {
		t.Fatal(err)
	}
	entries, probs, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range probs {
		got = append(got, p.String())
	}
	want := []string{
		"AUDIT.tsv:5: a is audited twice",
		"AUDIT.tsv:6: no corpus file nope.json",
		`AUDIT.tsv:7: label "2": want 0 or 1`,
		"AUDIT.tsv:8: want 5 tab-separated columns, have 3",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	byName := map[string]*Entry{}
	for _, e := range entries {
		byName[e.Name] = e
	}
	if a := byName["sub/c"].Audit; a == nil || a.Positive || a.Sure || a.Reason != "unclear" {
		t.Errorf("sub/c audit %+v, want negative, unsure, reason unclear", a)
	}
	if a := byName["d"].Audit; a == nil || !a.Positive || len(a.Categories) != 1 || a.Categories[0] != "location" {
		t.Errorf("d audit %+v, want positive with location", a)
	}
	// Labels 1 0 1 0, second reading 1 0 0 1: agreement 2/4, chance 0.5,
	// kappa 0.
	ag := Agree(entries)
	if ag.N != 4 || ag.Agree != 2 || ag.Kappa != 0 {
		t.Errorf("agreement %+v, want 2 of 4, kappa 0", ag)
	}
}
