package inventory

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/spillcheck/spillcheck/scanner"
)

// readAll reads input as format and returns the targets and stats.
func readAll(t testing.TB, format, input string, opts Options) ([]scanner.Target, Stats, error) {
	t.Helper()
	var got []scanner.Target
	st, err := Read(context.Background(), strings.NewReader(input), "in", format, opts, func(tg scanner.Target) error {
		got = append(got, tg)
		return nil
	})
	return got, st, err
}

// brief is a one-line form of a target for table tests:
// "service host:port [tls] exposure".
func brief(t scanner.Target) string {
	s := fmt.Sprintf("%s %s:%d", t.Service, t.Host, t.Port)
	if t.Service == "" {
		s = fmt.Sprintf("- %s:%d", t.Host, t.Port)
	}
	if t.TLS {
		s += " tls"
	}
	if t.Exposure != "" {
		s += " " + t.Exposure
	}
	return s
}

func briefs(ts []scanner.Target) []string {
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		out = append(out, brief(t))
	}
	return out
}

// wantTargets checks the brief forms, in order.
func wantTargets(t *testing.T, got []scanner.Target, want ...string) {
	t.Helper()
	g := briefs(got)
	if strings.Join(g, "\n") != strings.Join(want, "\n") {
		t.Errorf("targets:\n got %q\nwant %q", g, want)
	}
}

func readInto(s *Set, file, format, data string) (Stats, error) {
	return Read(context.Background(), strings.NewReader(data), file, format, Options{}, s.Emit)
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }
