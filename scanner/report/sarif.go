package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
)

// SARIF returns a writer of SARIF 2.1.0 that GitHub code scanning accepts:
// one rule per finding kind, one result per finding with its level and
// security-severity, a location code scanning can parse, the cloud
// resource, a stable partial fingerprint per target and container, and an
// "accepted" suppression for findings a baseline accepts.
//
// Code scanning rejects locations with a URI scheme other than the
// checkout's, so a target is located by the inventory file it came from
// (Target.Origins) and, without one, by the relative path
// "spillcheck/<service>/<host>_<port>"; the target's own URI goes in the
// logical locations and the properties.
func SARIF(toolVersion string) Writer { return sarifWriter{version: toolVersion} }

type sarifWriter struct{ version string }

const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	toolURI      = "https://github.com/spillcheck/spillcheck"
	fingerprintK = "spillcheck/v1"
)

type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool        sarifTool         `json:"tool"`
		Invocations []sarifInvocation `json:"invocations"`
		Results     []sarifResult     `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version,omitempty"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string         `json:"id"`
		Name                 string         `json:"name"`
		ShortDescription     sarifText      `json:"shortDescription"`
		FullDescription      sarifText      `json:"fullDescription"`
		Help                 sarifText      `json:"help"`
		DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
		Properties           map[string]any `json:"properties"`
	}
	sarifText struct {
		Text     string `json:"text"`
		Markdown string `json:"markdown,omitempty"`
	}
	sarifConfig struct {
		Level string `json:"level"`
	}
	sarifInvocation struct {
		ExecutionSuccessful bool           `json:"executionSuccessful"`
		StartTimeUTC        string         `json:"startTimeUtc,omitempty"`
		EndTimeUTC          string         `json:"endTimeUtc,omitempty"`
		Properties          map[string]any `json:"properties"`
	}
	sarifResult struct {
		RuleID              string             `json:"ruleId"`
		RuleIndex           int                `json:"ruleIndex"`
		Level               string             `json:"level"`
		Message             sarifText          `json:"message"`
		Locations           []sarifLocation    `json:"locations"`
		PartialFingerprints map[string]string  `json:"partialFingerprints"`
		Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
		Properties          map[string]any     `json:"properties"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysical  `json:"physicalLocation"`
		LogicalLocations []sarifLogical `json:"logicalLocations"`
	}
	sarifPhysical struct {
		ArtifactLocation struct {
			URI string `json:"uri"`
		} `json:"artifactLocation"`
		Region *sarifRegion `json:"region,omitempty"`
	}
	sarifRegion struct {
		StartLine int `json:"startLine"`
	}
	sarifLogical struct {
		Name               string `json:"name"`
		FullyQualifiedName string `json:"fullyQualifiedName,omitempty"`
		Kind               string `json:"kind"`
	}
	sarifSuppression struct {
		Kind          string `json:"kind"`
		Status        string `json:"status"`
		Justification string `json:"justification,omitempty"`
	}
)

// Write writes one run with every rule and one result per finding.
func (s sarifWriter) Write(w io.Writer, results []scanner.Result, sum *scanner.Summary) error {
	sum = summaryOf(results, sum)
	run := sarifRun{
		Tool:        sarifTool{sarifDriver{Name: "spillcheck", Version: s.version, InformationURI: toolURI}},
		Invocations: []sarifInvocation{sarifInvocationOf(sum)},
		Results:     []sarifResult{},
	}
	index := map[*Rule]int{}
	for i, r := range Rules {
		index[r] = i
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleOf(r))
	}
	stores, _ := storesOf(results)
	for _, st := range stores {
		for i := range st.Findings {
			run.Results = append(run.Results, sarifResultOf(&st.Findings[i], index[st.Findings[i].Rule]))
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: "2.1.0", Runs: []sarifRun{run}})
}

func sarifInvocationOf(sum *scanner.Summary) sarifInvocation {
	inv := sarifInvocation{
		ExecutionSuccessful: !sum.Interrupted,
		Properties: map[string]any{
			"targets": sum.Targets, "findings": sum.Findings, "accepted": sum.Accepted,
			"failOn": sum.FailOn.String(), "failing": sum.Failing,
		},
	}
	if !sum.Started.IsZero() {
		inv.StartTimeUTC = sum.Started.UTC().Format(time.RFC3339)
		inv.EndTimeUTC = sum.Started.Add(time.Duration(sum.Duration)).UTC().Format(time.RFC3339)
	}
	return inv
}

func sarifRuleOf(r *Rule) sarifRule {
	tags := []string{"security"}
	for _, c := range r.CWEs {
		tags = append(tags, fmt.Sprintf("external/cwe/cwe-%d", c))
	}
	return sarifRule{
		ID: r.ID, Name: r.Name,
		ShortDescription:     sarifText{Text: r.Title},
		FullDescription:      sarifText{Text: r.Detail},
		Help:                 sarifText{Text: help(r, false), Markdown: help(r, true)},
		DefaultConfiguration: sarifConfig{Level: level(r.Severity)},
		Properties: map[string]any{
			"tags": tags, "precision": "high",
			"security-severity": securitySeverity(r.Severity),
		},
	}
}

func sarifResultOf(f *Finding, ruleIndex int) sarifResult {
	r := f.Result
	props := map[string]any{
		"severity":          f.Severity.String(),
		"security-severity": securitySeverity(f.Severity),
		"target":            r.Target.Key(),
		"service":           r.Target.Service,
		"status":            string(r.Status),
	}
	if res := resource(r.Target); res != "" {
		props["resource"] = res
	}
	if c := f.Container; c != nil {
		props["container"] = ContainerID(c)
		props["likelihood"] = c.Score.Likelihood
		props["categories"] = c.Score.Categories
		var fields []string
		for _, e := range c.Score.Evidence {
			if e.IsName() {
				fields = append(fields, e.Field)
			}
		}
		props["fields"] = fields
	}
	res := sarifResult{
		RuleID: f.Rule.ID, RuleIndex: ruleIndex, Level: level(f.Severity),
		Message:             sarifText{Text: f.Message()},
		Locations:           []sarifLocation{sarifLocationOf(f)},
		PartialFingerprints: map[string]string{fingerprintK: f.Fingerprint()},
		Properties:          props,
	}
	if a := f.Accepted; a != nil {
		j := a.Reason
		if !a.Expires.IsZero() {
			j += " (until " + a.Expires.Format(time.DateOnly) + ")"
		}
		res.Suppressions = []sarifSuppression{{Kind: "external", Status: "accepted", Justification: j}}
	}
	return res
}

// level maps a severity to a SARIF level.
func level(s scanner.Severity) string {
	switch {
	case s >= scanner.SeverityHigh:
		return "error"
	case s == scanner.SeverityMedium:
		return "warning"
	}
	return "note"
}

// securitySeverity is GitHub's 0.0-10.0 score: over 9.0 is critical, 7.0 to
// 8.9 high, 4.0 to 6.9 medium, 0.1 to 3.9 low.
func securitySeverity(s scanner.Severity) string {
	return [...]string{"0.0", "3.0", "5.5", "8.0", "9.5"}[min(max(int(s), 0), 4)]
}

// help is the rule's help with the fix for each store it applies to, in
// plain text, or in Markdown when md is set.
func help(r *Rule, md bool) string {
	heading, step := "\nFix for %s:\n", "%d. %s: %s\n"
	if md {
		heading, step = "\n### Fix for %s\n\n", "%d. **%s**: %s\n"
	}
	var b strings.Builder
	b.WriteString(r.Detail + "\n")
	for _, svc := range ruleServices(r) {
		fmt.Fprintf(&b, heading, serviceTitle(svc))
		for i, s := range Fix(svc) {
			fmt.Fprintf(&b, step, i+1, s.Title, s.Detail)
		}
	}
	return b.String()
}

func serviceTitle(svc string) string {
	if svc == scanner.Elasticsearch {
		return "Elasticsearch and OpenSearch"
	}
	return product(&scanner.Result{Target: scanner.Target{Service: svc}})
}

func ruleServices(r *Rule) []string {
	if r.Services != nil {
		return r.Services
	}
	return []string{scanner.Elasticsearch, scanner.MongoDB, scanner.Redis}
}
