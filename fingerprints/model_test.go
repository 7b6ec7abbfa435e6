package fingerprints

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// TestParseModelRejects: a model file that would break the severity table's
// promises is refused at start-up, naming the problem.
func TestParseModelRejects(t *testing.T) {
	var good map[string]any
	if err := json.Unmarshal(embeddedModel, &good); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseModel(embeddedModel); err != nil {
		t.Fatalf("embedded model: %v", err)
	}
	for _, tt := range []struct {
		name string
		edit func(m map[string]any)
		want string
	}{
		{"threshold below 0.5", func(m map[string]any) { m["high_threshold"] = 0.4 }, "high_threshold"},
		{"threshold missing", func(m map[string]any) { delete(m, "high_threshold") }, "high_threshold"},
		{"threshold 1", func(m map[string]any) { m["high_threshold"] = 1.0 }, "high_threshold"},
		{"intercept reads as possible messaging", func(m map[string]any) { m["intercept"] = 0.0 }, "possible messaging PII"},
		{"unknown key", func(m map[string]any) { m["wieght"] = 1 }, "unknown field"},
		{"a category too weak alone", func(m map[string]any) {
			fs := m["features"].([]any)
			fs[0].(map[string]any)["weight"] = 0.0
		}, "would not be high on its own"},
	} {
		m := map[string]any{}
		b, _ := json.Marshal(good)
		_ = json.Unmarshal(b, &m)
		tt.edit(m)
		b, _ = json.Marshal(m)
		_, err := ParseModel(b)
		if err == nil || !errors.Is(err, ErrModel) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want ErrModel mentioning %q", tt.name, err, tt.want)
		}
	}
}
