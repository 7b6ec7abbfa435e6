package scanner

import "time"

// Scorer rates a result in place: it sets Score on each container and on the
// result. fingerprints.Engine is the implementation; the scanner calls it
// after each probe.
type Scorer interface {
	ScoreResult(r *Result)
}

// Acceptance marks a finding that a baseline entry accepts: it is reported,
// but does not count towards --fail-on until the entry expires.
type Acceptance struct {
	Pattern string    `json:"pattern"`
	Reason  string    `json:"reason"`
	Expires time.Time `json:"expires,omitzero"`
}

// Summary counts what a scan or a re-scoring saw. Reports print it.
type Summary struct {
	Started  time.Time      `json:"started"`
	Duration Duration       `json:"duration_ms"`
	Targets  int            `json:"targets"`             // results written
	Refused  int            `json:"refused,omitempty"`   // out of scope, never connected to
	BadInput int            `json:"bad_input,omitempty"` // input lines that did not parse
	ByStatus map[Status]int `json:"by_status"`
	Findings map[string]int `json:"findings"` // by severity name, accepted ones excluded
	Accepted int            `json:"accepted,omitempty"`
	FailOn   Severity       `json:"fail_on"`
	Failing  int            `json:"failing"` // findings at or above FailOn, not accepted
	// Unassessed counts targets that timed out or failed with an error:
	// nothing is known about them, so a clean run must not hide them.
	Unassessed  int  `json:"unassessed,omitempty"`
	Interrupted bool `json:"interrupted,omitempty"`

	probed int // results of network targets, not offline schemas
}

// Probed reports whether any counted result came from probing a network
// target rather than from scoring a schema file offline.
func (s *Summary) Probed() bool { return s.probed > 0 }

// NewSummary returns an empty summary for a run that fails on failOn.
func NewSummary(failOn Severity) *Summary {
	return &Summary{
		Started:  time.Now(),
		ByStatus: map[Status]int{},
		Findings: map[string]int{},
		FailOn:   failOn,
	}
}

// Add counts one result.
func (s *Summary) Add(r *Result) {
	s.Targets++
	s.ByStatus[r.Status]++
	if !r.Status.Assessed() {
		s.Unassessed++
	}
	if r.Target.Port != 0 {
		s.probed++
	}
	if r.Severity() == SeverityNone {
		return
	}
	sev, accepted := r.UnacceptedSeverity()
	if accepted {
		s.Accepted++
	}
	if sev == SeverityNone {
		return
	}
	s.Findings[sev.String()]++
	if s.FailOn != SeverityNone && sev >= s.FailOn {
		s.Failing++
	}
}

// UnacceptedSeverity is the severity that still counts after a baseline:
// none when the whole result is accepted, the worst unaccepted container's
// when some containers are accepted, else the result's own. accepted says
// whether the baseline accepted anything in r.
func (r *Result) UnacceptedSeverity() (sev Severity, accepted bool) {
	if r.Accepted != nil {
		return SeverityNone, true
	}
	for _, c := range r.Containers {
		if c.Accepted != nil {
			accepted = true
		}
	}
	if !accepted {
		return r.Severity(), false
	}
	for _, c := range r.Containers {
		if c.Accepted == nil && c.Score != nil && c.Score.Severity > sev {
			sev = c.Score.Severity
		}
	}
	return sev, true
}
