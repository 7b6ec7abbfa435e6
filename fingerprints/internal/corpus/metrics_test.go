package corpus

import (
	"strings"
	"testing"

	"github.com/spillcheck/spillcheck/fingerprints"
	"github.com/spillcheck/spillcheck/scanner"
)

func pred(project string, positive bool, l int, high bool) Prediction {
	v := 0
	if positive {
		v = 1
	}
	return Prediction{Entry: &Entry{Project: project, Labels: Labels{Messaging: &v}}, Likelihood: l, High: high}
}

func TestMeasure(t *testing.T) {
	ps := []Prediction{
		pred("a", true, 90, true),
		pred("a", true, 50, false),
		pred("b", false, 50, false),
		pred("b", false, 10, false),
		pred("c", false, 80, true),
	}
	m := Measure(ps)
	// pairs: 90 beats 50,10,80 (3); 50 ties 50 (0.5), beats 10 (1), loses to 80: 4.5/6
	if m.AUC != 0.75 || m.Precision != 0.5 || m.Recall != 0.5 || m.TP != 1 || m.FP != 1 || m.FN != 1 {
		t.Errorf("Measure = %+v, want AUC=0.75 P=0.5 R=0.5 TP=1 FP=1 FN=1", m)
	}
	ci := Bootstrap(ps)
	if ci.AUC.Lo > m.AUC || ci.AUC.Hi < m.AUC || ci.Recall.Lo > ci.Recall.Hi {
		t.Errorf("bootstrap interval %+v does not hold the point estimate %v", ci, m.AUC)
	}
	if again := Bootstrap(ps); again != ci {
		t.Errorf("bootstrap is not deterministic: %+v then %+v", ci, again)
	}
}

// TestFoldsGroupProjects: a project's entries share one fold, and the
// assignment is a fixed function of the name.
func TestFoldsGroupProjects(t *testing.T) {
	seen := map[int]bool{}
	for _, p := range []string{"RocketChat/Rocket.Chat", "twilio:api", "element-hq/synapse", "zulip/zulip", "a", "b", "c", "d"} {
		f := Fold(p)
		if f < 0 || f >= Folds || Fold(p) != f {
			t.Errorf("Fold(%q) = %d", p, f)
		}
		seen[f] = true
	}
	if len(seen) < 3 {
		t.Errorf("8 projects fell into %d folds", len(seen))
	}
}

// TestChanges: a schema whose severity moved is listed old -> new; one that
// stayed is only counted.
func TestChanges(t *testing.T) {
	e, err := fingerprints.Default()
	if err != nil {
		t.Fatal(err)
	}
	one, zero := 1, 0
	mk := func(name string, fields ...string) *Entry {
		return &Entry{Name: name, Project: name, Database: name, Labels: Labels{Messaging: &one, PII: &one},
			Results: []scanner.Result{{Status: scanner.StatusOpen, Containers: []scanner.Container{{Kind: "index", Name: name, Fields: samples(fields)}}}}}
	}
	chat := mk("chat", "sender_id", "recipient_id", "body", "sent_at")
	logs := mk("logs", "@timestamp", "log.level")
	logs.Labels.Messaging = &zero
	bl := &Baseline{Engine: "test", Scores: map[string]BaselineScore{"chat": {"medium", 10}, "logs": {"medium", 5}}}
	out := Changes(e, []*Entry{chat, logs}, bl)
	if !strings.Contains(out, "| chat | 1 | medium (10) | high (") || strings.Contains(out, "| logs |") {
		t.Errorf("changes:\n%s", out)
	}
}

func samples(paths []string) []scanner.FieldSample {
	out := make([]scanner.FieldSample, len(paths))
	for i, p := range paths {
		out[i] = scanner.FieldSample{Path: p}
	}
	return out
}

func TestOutOfFold(t *testing.T) {
	a, b := pred("x/y", true, 71, true), pred("x/z", false, 12, false)
	a.Entry.Name, a.Entry.Labels.Categories, a.Fold = "redis/y-db0", []string{"messages", "location"}, 3
	b.Entry.Name = "z-users"
	da, db := a, b
	da.Likelihood, da.High = 44, false
	ev := &Evaluation{Alone: []Prediction{a, b}, DB: []Prediction{db, da}}
	lines := strings.Split(strings.TrimSuffix(ev.OutOfFold(), "\n"), "\n")
	want := []string{
		"name\tproject\tstore\tlanguage\tlabel\tcategories\tfold\talone\thigh_alone\tdb\thigh_db",
		"redis/y-db0\tx/y\t\t\t1\tmessages,location\t3\t71\ttrue\t44\tfalse",
		"z-users\tx/z\t\t\t0\t\t0\t12\tfalse\t12\tfalse",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("OutOfFold:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}
