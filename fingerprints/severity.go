package fingerprints

import "github.com/spillcheck/spillcheck/scanner"

// Thresholds of the severity table. docs/scoring.md explains them; --fail-on
// compares the resulting severities.
const (
	// LikelyMessaging is the likelihood from which a container is reported
	// as likely holding messaging PII: the model's probability is at least
	// HighProbability.
	LikelyMessaging = 50
	// PossibleMessaging is the likelihood from which it is possible; a
	// container with no evidence at all scores σ(intercept), below it
	// (ParseModel checks).
	PossibleMessaging = 35
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
//	open or partial   likelihood >= 50                    high; critical from 10,000 docs
//	open or partial   likelihood 35-49                    medium; high from 10,000 docs
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
