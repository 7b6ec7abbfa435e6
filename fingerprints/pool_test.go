package fingerprints

import (
	"reflect"
	"testing"

	"github.com/spillcheck/spillcheck/scanner"
)

// TestScratchReuse scores containers of different sizes in turn with one
// engine, whose pooled scratch (assessment, evidence records, reason
// buffer, unless words found) carries over from one call to the next, and
// compares each score with that of an engine that never scored before.
func TestScratchReuse(t *testing.T) {
	e := mustDefault(t)
	containers := []scanner.Container{
		{Kind: "index", Name: "chat-messages-2024.06", Fields: fieldsOf(benchFields...)},
		{Kind: "collection", Name: "users", Fields: fieldsOf("phone", "placeholder_text")},
		{Kind: "key-pattern", Name: "user:<phone>:chat", Fields: fieldsOf("body", "sent_at")},
		{Kind: "index", Name: "metrics", Fields: fieldsOf("@timestamp", "system.cpu.total.pct")},
		{Kind: "index", Name: "chat-messages-2024.06", Fields: fieldsOf(benchFields...)},
	}
	for i := range containers {
		c := containers[i]
		got := e.ScoreContainer(&c, scanner.StatusOpen)
		want := mustDefault(t).ScoreContainer(&c, scanner.StatusOpen)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("container %d (%s): after earlier calls\n%+v\nfresh engine\n%+v", i, c.Name, got, want)
		}
	}
	// ScoreResult after ScoreContainer, with the same engine and a fresh one.
	r1 := scanner.Result{Status: scanner.StatusOpen, Containers: append([]scanner.Container(nil), containers...)}
	r2 := scanner.Result{Status: scanner.StatusOpen, Containers: append([]scanner.Container(nil), containers...)}
	e.ScoreResult(&r1)
	mustDefault(t).ScoreResult(&r2)
	if !reflect.DeepEqual(r1, r2) {
		t.Errorf("ScoreResult after ScoreContainer differs from a fresh engine's:\n%+v\n%+v", r1.Score, r2.Score)
	}
	if r1.Score == nil || r1.Score.Likelihood == 0 {
		t.Errorf("ScoreResult scored nothing: %+v", r1.Score)
	}
}
