package report

import (
	"strings"
	"testing"

	"github.com/spillcheck/spillcheck/scanner"
)

func TestTargetRule(t *testing.T) {
	tls := &scanner.TLSInfo{Version: "TLS 1.3"}
	for _, c := range []struct {
		status   scanner.Status
		tls      *scanner.TLSInfo
		exposure string
		port     int
		want     *Rule
	}{
		{scanner.StatusOpen, nil, "", 6379, RulePlaintextOpen},
		{scanner.StatusOpen, tls, "", 6379, RuleOpenStore},
		{scanner.StatusPartial, nil, "", 9200, RulePartiallyOpen},
		{scanner.StatusProtected, nil, "private", 6379, RuleProtectedMode},
		{scanner.StatusAuthRequired, nil, "public", 27017, RulePublicPort},
		{scanner.StatusAuthRequired, nil, "private", 27017, nil},
		{scanner.StatusTLSRequired, nil, "public", 9243, RulePublicPort},
		{scanner.StatusProtocolError, nil, "public", 9200, nil},
		{scanner.StatusOpen, nil, "", 0, nil}, // an offline schema has no store to be open
	} {
		r := scanner.Result{Status: c.status, TLS: c.tls, Target: scanner.Target{Host: "h", Port: c.port, Service: scanner.Redis, Exposure: c.exposure}}
		if got := targetRule(&r); got != c.want {
			t.Errorf("%s tls=%v %s port %d: rule %v, want %v", c.status, c.tls != nil, c.exposure, c.port, got, c.want)
		}
	}
}

// TestOfflineSchemaFinding covers what spillcheck score produces for an
// index template in the repository: no target finding, a PII finding per
// container, located at the template file so the PR annotation lands there.
func TestOfflineSchemaFinding(t *testing.T) {
	r := scanner.Result{
		Target: scanner.Target{Host: "deploy/templates/messages.json", Service: scanner.Elasticsearch,
			Origins: []scanner.Origin{{File: "deploy/templates/messages.json", Format: "es-template"}}},
		Status: scanner.StatusOpen,
		Containers: []scanner.Container{{Kind: "index-pattern", Name: "messages-*", Score: &scanner.Score{
			Likelihood: 90, Severity: scanner.SeverityHigh, Categories: []string{"message_body"},
			Evidence: []scanner.Evidence{{Field: "body", Category: "message_body", Rule: "body", Weight: 0.5}}}}},
	}
	fs := FindingsOf(&r)
	if len(fs) != 1 || fs[0].Rule != RuleMessagingPII || fs[0].Severity != scanner.SeverityHigh {
		t.Fatalf("findings %+v, want one high messaging-PII finding", fs)
	}
	msg := fs[0].Message()
	for _, want := range []string{"Index pattern messages-* in the Elasticsearch schema deploy/templates/messages.json", "message_body (body)", "Rated as if the store were open"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if uri := sarifLocationOf(&fs[0]).PhysicalLocation.ArtifactLocation.URI; uri != "deploy/templates/messages.json" {
		t.Errorf("uri %q", uri)
	}
}

func TestContainerRule(t *testing.T) {
	for _, c := range []struct {
		score *scanner.Score
		want  *Rule
	}{
		{nil, nil},
		{&scanner.Score{Likelihood: 95, Severity: scanner.SeverityNone}, nil},
		{&scanner.Score{Likelihood: 85, Severity: scanner.SeverityHigh, Categories: []string{"message_body"}}, RuleMessagingPII},
		{&scanner.Score{Likelihood: 40, Severity: scanner.SeverityMedium}, RuleMessagingPII},
		{&scanner.Score{Likelihood: 10, Severity: scanner.SeverityMedium, Categories: []string{"email"}}, RulePersonalData},
		// exposure alone, or context that is not personal data, is the target's finding
		{&scanner.Score{Likelihood: 0, Severity: scanner.SeverityMedium}, nil},
		{&scanner.Score{Likelihood: 20, Severity: scanner.SeverityMedium, Categories: []string{"timestamp", "user_id"}}, nil},
	} {
		if got := containerRule(&scanner.Container{Score: c.score}); got != c.want {
			t.Errorf("%+v: rule %v, want %v", c.score, got, c.want)
		}
	}
}
