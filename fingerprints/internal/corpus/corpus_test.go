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
