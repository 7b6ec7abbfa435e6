package fingerprints

import (
	"os"
	"strings"
	"testing"

	"github.com/spillcheck/spillcheck/scanner"
)

func TestAdhoc(t *testing.T) {
	spec := os.Getenv("ADHOC")
	if spec == "" {
		t.Skip()
	}
	e := mustDefault(t)
	for _, line := range strings.Split(spec, ";") {
		parts := strings.SplitN(strings.TrimSpace(line), "|", 2)
		c := scanner.Container{Kind: "index", Name: parts[0], Fields: fieldsOf(strings.Fields(parts[1])...)}
		if strings.Contains(parts[0], ":") {
			c.Kind = "key-pattern"
		}
		s := e.ScoreContainer(&c, scanner.StatusOpen)
		t.Logf("%3d %-8s %s", s.Likelihood, s.Severity, s.Reason)
	}
}
