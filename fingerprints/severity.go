package fingerprints

import (
	"fmt"
	"strings"

	"github.com/spillcheck/spillcheck/scanner"
)

// Thresholds of the severity table. docs/scoring.md explains them; --fail-on
// compares the resulting severities.
const (
	// LikelyMessaging is the likelihood from which a container is reported
	// as likely holding messaging PII.
	LikelyMessaging = 70
	// PossibleMessaging is the likelihood from which it is possible.
	PossibleMessaging = 40
	// PersonalData is the PII level from which a container holds personal
	// data of some kind.
	PersonalData = 50
	// ManyMessages is the document or key count from which exposed
	// messaging data is one severity higher.
	ManyMessages = 10_000
	// ManyRecords is the count from which exposed personal data that is not
	// messaging is one severity higher.
	ManyRecords = 100_000
)

// SeverityFor combines exposure, likelihood, PII level and volume (docs; nil
// when unknown):
//
//	status            evidence                            severity
//	not open/partial  anything                            none
//	open or partial   likelihood >= 70                    high; critical from 10,000 docs
//	open or partial   likelihood 40-69                    medium; high from 10,000 docs
//	open or partial   PII level >= 50                     medium; high from 100,000 docs
//	open              no personal data in names           medium; low when known empty
//	partially-open    no personal data in names           low
//
// Offline scoring (`spillcheck score`) rates schemas as open with unknown
// volume, so a messaging schema is high on likelihood alone.
func SeverityFor(status scanner.Status, likelihood, pii int, docs *int64) scanner.Severity {
	if !status.Exposed() {
		return scanner.SeverityNone
	}
	known := docs != nil
	n := int64(0)
	if known {
		n = *docs
	}
	switch {
	case likelihood >= LikelyMessaging:
		if known && n >= ManyMessages {
			return scanner.SeverityCritical
		}
		return scanner.SeverityHigh
	case likelihood >= PossibleMessaging:
		if known && n >= ManyMessages {
			return scanner.SeverityHigh
		}
		return scanner.SeverityMedium
	case pii >= PersonalData:
		if known && n >= ManyRecords {
			return scanner.SeverityHigh
		}
		return scanner.SeverityMedium
	case status == scanner.StatusOpen && !(known && n == 0):
		return scanner.SeverityMedium
	}
	return scanner.SeverityLow
}

// ScoreResult sets Score on every container of r and on r itself. The
// target's likelihood is its highest container likelihood; its severity is
// the highest container severity, or the exposure alone when no container
// was sampled; its reason is the worst container's.
func (e *Engine) ScoreResult(r *scanner.Result) {
	best := -1
	var bestSev scanner.Severity
	bestL, maxL := -1, 0
	catSeen := map[string]bool{}
	for i := range r.Containers {
		c := &r.Containers[i]
		c.Score = e.ScoreContainer(c, r.Status)
		for _, name := range c.Score.Categories {
			catSeen[name] = true
		}
		maxL = max(maxL, c.Score.Likelihood)
		if c.Score.Severity > bestSev || (c.Score.Severity == bestSev && c.Score.Likelihood > bestL) || best < 0 {
			best, bestSev, bestL = i, c.Score.Severity, c.Score.Likelihood
		}
	}
	s := &scanner.Score{}
	switch {
	case best >= 0:
		bc := r.Containers[best].Score
		s.Likelihood, s.Severity = maxL, bc.Severity
		s.Reason = fmt.Sprintf("%s %q: %s", r.Containers[best].Kind, r.Containers[best].Name, bc.Reason)
		if len(r.Containers) > 1 {
			s.Reason += fmt.Sprintf(" (worst of %d containers)", len(r.Containers))
		}
		s.Evidence = targetEvidence(r.Containers, bestSev)
	default:
		s.Severity = SeverityFor(r.Status, 0, 0, nil)
		s.Reason = exposureReason(r.Status)
	}
	for _, c := range categories {
		if catSeen[c.Name] {
			s.Categories = append(s.Categories, c.Name)
		}
	}
	r.Score = s
}

// ScoreContainer scores one container as found at a target of the given
// status.
func (e *Engine) ScoreContainer(c *scanner.Container, status scanner.Status) *scanner.Score {
	a := e.assess(c)
	l, p := a.likelihood(), a.piiLevel()
	return &scanner.Score{
		Likelihood: l,
		Severity:   SeverityFor(status, l, p, c.Docs),
		Categories: a.categoryNames(),
		Evidence:   a.evidence,
		Reason:     containerReason(a, l, p, status, c.Docs),
	}
}

// targetEvidence keeps the evidence of the containers at the target's
// severity, in container order, each container's strongest first, bounded.
func targetEvidence(cs []scanner.Container, sev scanner.Severity) []scanner.Evidence {
	var out []scanner.Evidence
	for _, c := range cs {
		if c.Score.Severity != sev {
			continue
		}
		for _, ev := range c.Score.Evidence {
			if len(out) == maxTargetEvents {
				return out
			}
			out = append(out, ev)
		}
	}
	return out
}

func containerReason(a *assessment, l, p int, status scanner.Status, docs *int64) string {
	var b strings.Builder
	b.Grow(384)
	switch {
	case l >= LikelyMessaging:
		fmt.Fprintf(&b, "likely messaging PII (likelihood %d)", l)
	case l >= PossibleMessaging:
		fmt.Fprintf(&b, "possible messaging PII (likelihood %d)", l)
	case p >= PersonalData:
		fmt.Fprintf(&b, "personal data, not messaging (likelihood %d, PII %d)", l, p)
	default:
		fmt.Fprintf(&b, "no personal data recognized in names (likelihood %d)", l)
	}
	if parts := evidenceSummary(a); parts != "" {
		b.WriteString(": " + parts)
	}
	b.WriteString("; " + exposureReason(status))
	if docs != nil {
		fmt.Fprintf(&b, ", %d docs", *docs)
	}
	return b.String()
}

// evidenceSummary names each category with up to two fields, strongest
// first.
func evidenceSummary(a *assessment) string {
	var b strings.Builder
	b.Grow(256)
	for i, c := range categories {
		f := a.top[i]
		if a.cats[i].w == 0 || f[0] == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c.Name)
		b.WriteString(" [")
		b.WriteString(f[0])
		if f[1] != "" {
			b.WriteString(", ")
			b.WriteString(f[1])
		}
		b.WriteString("]")
	}
	return b.String()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func exposureReason(s scanner.Status) string {
	switch s {
	case scanner.StatusOpen:
		return "readable without credentials"
	case scanner.StatusPartial:
		return "partly readable without credentials"
	case "":
		return "status unknown"
	}
	if r, ok := closedReasons[s]; ok {
		return r
	}
	return notReadable(s)
}

func notReadable(s scanner.Status) string {
	return "not readable without credentials (" + string(s) + ")"
}

// closedReasons holds exposureReason's answer for every status a store can
// end in without exposure, built once: most targets of a scan end closed.
var closedReasons = func() map[scanner.Status]string {
	m := map[scanner.Status]string{}
	for _, s := range []scanner.Status{scanner.StatusAuthRequired, scanner.StatusProtected, scanner.StatusTLSRequired,
		scanner.StatusProtocolError, scanner.StatusTimeout, scanner.StatusClosed, scanner.StatusError} {
		m[s] = notReadable(s)
	}
	return m
}()
