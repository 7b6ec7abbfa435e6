package report

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/spillcheck/spillcheck/fingerprints"
	"github.com/spillcheck/spillcheck/scanner"
)

// Rule is one kind of finding. IDs are stable: code scanning matches alerts
// across runs by rule ID.
type Rule struct {
	ID     string
	Name   string // PascalCase, as SARIF wants
	Title  string // short description
	Detail string // full description
	// Says finishes "Redis 7.2 at redis://host:6379 ..." in a message.
	Says     string
	Severity scanner.Severity
	CWEs     []int
	Services []string // the services the rule applies to; nil for all
}

// The rules, in SARIF rule order.
var (
	RuleOpenStore = &Rule{
		ID: "SPILL001", Name: "OpenStore", Title: "Store answers reads without credentials",
		Detail:   "The store lists and serves its data to any client that can reach the port, without asking for credentials.",
		Says:     "answers reads without credentials",
		Severity: scanner.SeverityHigh, CWEs: []int{306},
	}
	RuleMessagingPII = &Rule{
		ID: "SPILL002", Name: "MessagingPIIStore", Title: "Store holds what looks like messaging PII",
		Detail:   "Field or key names in this index, collection or key pattern match messaging-PII rules (message bodies, phone numbers, contacts, ...). Only names were read, never values.",
		Says:     "holds field names that match messaging-PII rules",
		Severity: scanner.SeverityCritical, CWEs: []int{359},
	}
	RulePartiallyOpen = &Rule{
		ID: "SPILL003", Name: "PartiallyOpenStore", Title: "Store serves some reads without credentials",
		Detail:   "The store refuses to list its contents, but some reads work without credentials.",
		Says:     "serves some reads without credentials, though it refuses to list its contents",
		Severity: scanner.SeverityMedium, CWEs: []int{306},
	}
	RulePlaintextOpen = &Rule{
		ID: "SPILL004", Name: "AuthDisabledTLSOff", Title: "Authentication disabled and TLS off",
		Detail:   "The store asks for no credentials and speaks plaintext: anyone on the path can read the data and every client's traffic.",
		Says:     "answers reads without credentials, and without TLS",
		Severity: scanner.SeverityHigh, CWEs: []int{306, 319},
	}
	RuleProtectedMode = &Rule{
		ID: "SPILL005", Name: "RedisProtectedModeOnly", Title: "Redis without a password, held back only by protected mode",
		Detail:   "Redis refused a remote client only because protected mode is on: there is no password, and one configuration change (a bind or protected-mode no) opens it.",
		Says:     "has no password and is held back only by protected mode",
		Severity: scanner.SeverityLow, CWEs: []int{1188}, Services: []string{scanner.Redis},
	}
	RulePersonalData = &Rule{
		ID: "SPILL007", Name: "PersonalDataStore", Title: "Store holds what looks like personal data",
		Detail:   "Field or key names in this index, collection or key pattern match personal-data rules (phone numbers, e-mail addresses, names, locations, ...), though not enough to look like messaging. Only names were read, never values.",
		Says:     "holds field names that match personal-data rules",
		Severity: scanner.SeverityMedium, CWEs: []int{359},
	}
	RulePublicPort = &Rule{
		ID: "SPILL006", Name: "PublicStorePort", Title: "Store port reachable on a public address",
		Detail:   "The store asks for credentials, but its port answers on a public address, so anyone can try passwords and exploits against it.",
		Says:     "asks for credentials, but answers on a public address",
		Severity: scanner.SeverityLow, CWEs: []int{668},
	}
)

// Rules lists every rule, in SARIF order.
var Rules = []*Rule{RuleOpenStore, RuleMessagingPII, RulePartiallyOpen, RulePlaintextOpen, RuleProtectedMode, RulePublicPort, RulePersonalData}

// Finding is one reportable problem: a target-level finding (Container nil)
// or a container that holds messaging PII.
type Finding struct {
	Rule      *Rule
	Result    *scanner.Result
	Container *scanner.Container
	Severity  scanner.Severity
	Accepted  *scanner.Acceptance
}

// ContainerID names a container as baselines do: "database/name", or the
// name alone when there is no database.
func ContainerID(c *scanner.Container) string {
	if c == nil {
		return ""
	}
	if c.Database == "" {
		return c.Name
	}
	return c.Database + "/" + c.Name
}

// Fingerprint is stable for one target and container across runs, so code
// scanning de-duplicates alerts. It ignores the rule, the severity and the
// evidence, which change as a store changes.
func (f *Finding) Fingerprint() string {
	h := sha256.Sum256([]byte(f.Result.Target.Key() + "\x00" + ContainerID(f.Container)))
	return hex.EncodeToString(h[:16])
}

// targetRule picks the target-level rule for a result, nil when its status
// is no finding.
func targetRule(r *scanner.Result) *Rule {
	if offline(r.Target) {
		return nil
	}
	switch r.Status {
	case scanner.StatusOpen:
		if r.TLS == nil {
			return RulePlaintextOpen
		}
		return RuleOpenStore
	case scanner.StatusPartial:
		return RulePartiallyOpen
	case scanner.StatusProtected:
		return RuleProtectedMode
	case scanner.StatusAuthRequired, scanner.StatusTLSRequired:
		if r.Target.Exposure == "public" {
			return RulePublicPort
		}
	}
	return nil
}

// piiCategories are the categories that are personal data on their own.
var piiCategories = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range fingerprints.Categories() {
		m[c.Name] = c.PII
	}
	return m
}()

// containerRule picks the rule for a scored container, nil when it is no
// finding of its own: a container's severity also reflects the exposure,
// which the target finding already reports, so only containers whose
// names look like messaging (likelihood from fingerprints.PossibleMessaging)
// or personal data are findings.
func containerRule(c *scanner.Container) *Rule {
	if c.Score == nil || c.Score.Severity == scanner.SeverityNone {
		return nil
	}
	if c.Score.Likelihood >= fingerprints.PossibleMessaging {
		return RuleMessagingPII
	}
	for _, cat := range c.Score.Categories {
		if piiCategories[cat] {
			return RulePersonalData
		}
	}
	return nil
}

// store is one result with its findings, worst first.
type store struct {
	Result   *scanner.Result
	Findings []Finding
	Severity scanner.Severity // the worst finding's
}

// FindingsOf returns the findings of one result: the target-level one
// first (open, partially open, protected mode, or a public port), then the
// containers whose names look like messaging or personal data, worst first.
// Baselines accept exactly these.
func FindingsOf(r *scanner.Result) []Finding {
	var out []Finding
	if rule := targetRule(r); rule != nil {
		sev := r.Severity()
		if sev == scanner.SeverityNone {
			sev = rule.Severity
		}
		out = append(out, Finding{Rule: rule, Result: r, Severity: sev, Accepted: r.Accepted})
	}
	var cs []Finding
	for i := range r.Containers {
		c := &r.Containers[i]
		rule := containerRule(c)
		if rule == nil {
			continue
		}
		acc := c.Accepted
		if acc == nil {
			acc = r.Accepted
		}
		cs = append(cs, Finding{Rule: rule, Result: r, Container: c, Severity: c.Score.Severity, Accepted: acc})
	}
	slices.SortStableFunc(cs, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(b.Severity, a.Severity), cmp.Compare(ContainerID(a.Container), ContainerID(b.Container)))
	})
	return append(out, cs...)
}

// storesOf groups results into stores with findings, worst first, and
// returns the results without findings separately, in input order.
func storesOf(results []scanner.Result) (stores []store, others []*scanner.Result) {
	for i := range results {
		r := &results[i]
		fs := FindingsOf(r)
		if len(fs) == 0 {
			others = append(others, r)
			continue
		}
		s := store{Result: r, Findings: fs}
		for _, f := range fs {
			s.Severity = max(s.Severity, f.Severity)
		}
		stores = append(stores, s)
	}
	slices.SortStableFunc(stores, func(a, b store) int {
		return cmp.Or(cmp.Compare(b.Severity, a.Severity), cmp.Compare(a.Result.Target.Key(), b.Result.Target.Key()))
	})
	return stores, others
}

// resource names the cloud resources a target came from, "" when unknown.
func resource(t scanner.Target) string {
	var names []string
	for _, o := range t.Origins {
		if o.Resource != "" && !slices.Contains(names, o.Resource) {
			names = append(names, o.Resource)
		}
	}
	return strings.Join(names, ", ")
}

// offline reports whether a result rates a schema file rather than a store
// on the network (spillcheck score): such targets have no port, and their
// host is the file.
func offline(t scanner.Target) bool { return t.Port == 0 }

// targetName is the target key, or the schema file of an offline result.
func targetName(t scanner.Target) string {
	if offline(t) {
		return t.Host
	}
	return t.Key()
}
