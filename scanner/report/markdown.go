package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
)

// Markdown returns a writer of GitHub-flavoured Markdown for pull-request
// comments and job summaries: the gate verdict and a summary table, the
// findings a baseline accepted and why, then one section per store with its
// findings, the evidence (field names and categories, never values) and the
// fix steps for that store, and last the targets without findings.
//
// GitHub caps a comment at 65,536 characters and a job summary at 1 MiB, so
// the report lists at most 100 stores and 100 other targets in its tables
// and writes detail sections for the 25 worst stores; it says how many it
// left out, and the SARIF and HTML reports hold them all.
func Markdown() Writer { return markdownWriter{} }

// Caps that keep the Markdown report within GitHub's comment size.
const (
	mdMaxRows     = 100
	mdMaxSections = 25
)

type markdownWriter struct{}

// mdLabel names a container finding in the summary table.
var mdLabel = map[*Rule]string{RuleMessagingPII: "Messaging PII", RulePersonalData: "Personal data"}

var severityIcon = map[scanner.Severity]string{
	scanner.SeverityCritical: "🔴", scanner.SeverityHigh: "🟠",
	scanner.SeverityMedium: "🟡", scanner.SeverityLow: "🔵", scanner.SeverityNone: "⚪",
}

// Write writes the report.
func (markdownWriter) Write(w io.Writer, results []scanner.Result, sum *scanner.Summary) error {
	sum = summaryOf(results, sum)
	stores, others := storesOf(results)
	var b strings.Builder
	mdHeader(&b, sum, stores)
	mdAccepted(&b, stores)
	if len(stores) > 0 {
		b.WriteString("\n## Findings\n")
	}
	for i, st := range stores {
		if i == mdMaxSections {
			fmt.Fprintf(&b, "\n%s more stores with findings are not detailed here; the SARIF and HTML reports hold them all.\n", thousands(int64(len(stores)-i)))
			break
		}
		mdStore(&b, st)
	}
	mdOthers(&b, others)
	_, err := io.WriteString(w, b.String())
	return err
}

func mdHeader(b *strings.Builder, sum *scanner.Summary, stores []store) {
	b.WriteString("# spillcheck report\n\n")
	switch {
	case sum.FailOn == scanner.SeverityNone:
		fmt.Fprintf(b, "**Gate: off** (no `--fail-on`).")
	case sum.Failing > 0:
		fmt.Fprintf(b, "**Gate: failing.** %s at or above **%s**, not accepted by a baseline.", plural(sum.Failing, "target"), sum.FailOn)
	default:
		fmt.Fprintf(b, "**Gate: passing.** No finding at or above **%s** outside the baseline.", sum.FailOn)
	}
	fmt.Fprintf(b, " %s scanned", plural(sum.Targets, "target"))
	if sum.Accepted > 0 {
		fmt.Fprintf(b, ", %s accepted by the baseline", plural(sum.Accepted, "target"))
	}
	if !sum.Started.IsZero() {
		fmt.Fprintf(b, ", started %s, took %s", sum.Started.UTC().Format(time.RFC3339), time.Duration(sum.Duration).Round(time.Millisecond))
	}
	b.WriteString(".")
	if sum.Interrupted {
		b.WriteString(" **The scan was interrupted; results are incomplete.**")
	}
	b.WriteString("\n\n| Severity | Findings | Accepted |\n| --- | ---: | ---: |\n")
	total, accepted := map[scanner.Severity]int{}, map[scanner.Severity]int{}
	for _, st := range stores {
		for _, f := range st.Findings {
			total[f.Severity]++
			if f.Accepted != nil {
				accepted[f.Severity]++
			}
		}
	}
	for s := scanner.SeverityCritical; s >= scanner.SeverityLow; s-- {
		fmt.Fprintf(b, "| %s %s | %d | %d |\n", severityIcon[s], s, total[s], accepted[s])
	}
	if len(stores) == 0 {
		b.WriteString("\nNo exposed store found.\n")
		return
	}
	b.WriteString("\n| Severity | Store | Resource | Status | Findings |\n| --- | --- | --- | --- | --- |\n")
	for i, st := range stores {
		if i == mdMaxRows {
			fmt.Fprintf(b, "\n%s more stores with findings are left out of this table.\n", thousands(int64(len(stores)-i)))
			break
		}
		r := st.Result
		var kinds []string
		for _, f := range st.Findings {
			k := f.Rule.Title
			if f.Container != nil {
				k = mdLabel[f.Rule] + ": " + mdCode(ContainerID(f.Container), true)
			}
			if f.Accepted != nil {
				k += " (accepted)"
			}
			kinds = append(kinds, k)
		}
		fmt.Fprintf(b, "| %s %s | %s | %s | %s | %s |\n", severityIcon[st.Severity], st.Severity,
			mdCode(targetName(r.Target), true), mdText(resource(r.Target)), r.Status, strings.Join(kinds, "<br>"))
	}
}

func mdAccepted(b *strings.Builder, stores []store) {
	var rows []string
	for _, st := range stores {
		for _, f := range st.Findings {
			if a := f.Accepted; a != nil {
				exp := "never"
				if !a.Expires.IsZero() {
					exp = a.Expires.Format(time.DateOnly)
				}
				rows = append(rows, fmt.Sprintf("| %s | %s | %s | %s | %s |", mdCode(targetName(f.Result.Target), true),
					mdCode(ContainerID(f.Container), true), f.Rule.ID, mdText(a.Reason), exp))
			}
		}
	}
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(b, "\n## Accepted by the baseline (%d)\n\nThese findings are reported but do not fail the gate until their entry expires.\n\n", len(rows))
	b.WriteString("| Store | Container | Rule | Reason | Expires |\n| --- | --- | --- | --- | --- |\n")
	b.WriteString(strings.Join(rows, "\n") + "\n")
}

func mdStore(b *strings.Builder, st store) {
	r := st.Result
	at := "at"
	if offline(r.Target) {
		at = "schema"
	}
	fmt.Fprintf(b, "\n### %s %s: %s %s %s\n\n", severityIcon[st.Severity], st.Severity, mdText(product(r)), at, mdCode(targetName(r.Target), false))
	for _, f := range st.Findings {
		if f.Container != nil {
			continue
		}
		fmt.Fprintf(b, "- **%s %s** (%s): %s\n", f.Rule.ID, f.Rule.Title, f.Severity, mdText(f.Rule.Detail))
		if a := f.Accepted; a != nil {
			fmt.Fprintf(b, "- **Accepted:** %s\n", mdText(acceptText(a)))
		}
	}
	fmt.Fprintf(b, "- **Status:** %s; **TLS:** %s\n", r.Status, tlsText(r.TLS))
	if res := resource(r.Target); res != "" {
		fmt.Fprintf(b, "- **Cloud resource:** %s\n", mdText(res))
	}
	for _, o := range r.Target.Origins {
		if o.File != "" {
			fmt.Fprintf(b, "- **From:** %s\n", mdCode(originText(o), false))
		}
	}
	if len(r.Skipped) > 0 {
		fmt.Fprintf(b, "- **Not sampled:** %s\n", mdText(skippedText(r.Skipped)))
	}
	for _, n := range r.Notes {
		fmt.Fprintf(b, "- **Note:** %s\n", mdText(n))
	}
	var pii []Finding
	for _, f := range st.Findings {
		if f.Container != nil {
			pii = append(pii, f)
		}
	}
	if len(pii) > 0 {
		b.WriteString("\n| Container | Severity | Likelihood | Categories | Size |\n| --- | --- | ---: | --- | --- |\n")
		for _, f := range pii {
			c := f.Container
			sev := f.Severity.String()
			if f.Accepted != nil {
				sev += " (accepted)"
			}
			fmt.Fprintf(b, "| %s | %s | %d | %s | %s |\n", mdCode(ContainerID(c), true), sev, c.Score.Likelihood,
				mdText(strings.Join(c.Score.Categories, ", ")), strings.Trim(sizeNote(c), " ()"))
		}
		for _, f := range pii {
			mdEvidence(b, f.Container)
		}
	}
	fmt.Fprintf(b, "\n**Fix (%s):**\n\n", serviceTitle(r.Target.Service))
	for i, s := range Fix(r.Target.Service) {
		fmt.Fprintf(b, "%d. **%s.** %s\n", i+1, s.Title, s.Detail)
	}
}

func mdEvidence(b *strings.Builder, c *scanner.Container) {
	fmt.Fprintf(b, "\n<details><summary>Evidence for %s</summary>\n\n", mdHTML(ContainerID(c)))
	if c.Score.Reason != "" {
		fmt.Fprintf(b, "%s\n\n", mdText(c.Score.Reason))
	}
	b.WriteString("| Field | Category | Rule | Weight |\n| --- | --- | --- | ---: |\n")
	for _, e := range c.Score.Evidence {
		if e.IsName() { // the model's contributions are in the reason above
			fmt.Fprintf(b, "| %s | %s | %s | %.2f |\n", mdCode(e.Field, true), mdText(e.Category), mdText(e.Rule), e.Weight)
		}
	}
	b.WriteString("\n</details>\n")
}

func mdOthers(b *strings.Builder, others []*scanner.Result) {
	if len(others) == 0 {
		return
	}
	fmt.Fprintf(b, "\n## Targets without findings (%d)\n\n| Target | Status | Product | Detail |\n| --- | --- | --- | --- |\n", len(others))
	for i, r := range others {
		if i == mdMaxRows {
			fmt.Fprintf(b, "\n%s more targets without findings are left out.\n", thousands(int64(len(others)-i)))
			break
		}
		detail := r.Auth
		if r.Error != "" {
			detail = r.Error
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", mdCode(targetName(r.Target), true), r.Status, mdText(product(r)), mdText(detail))
	}
}

// acceptText is "reason (until 2027-01-31)".
func acceptText(a *scanner.Acceptance) string {
	if a.Expires.IsZero() {
		return a.Reason
	}
	return a.Reason + " (until " + a.Expires.Format(time.DateOnly) + ")"
}

func tlsText(t *scanner.TLSInfo) string {
	if t == nil {
		return "off"
	}
	s := t.Version
	if t.SelfSigned {
		s += ", self-signed"
	}
	return s
}

// originText is "file:line path".
func originText(o scanner.Origin) string {
	s := o.File
	if o.Line > 0 {
		s += fmt.Sprintf(":%d", o.Line)
	}
	if o.Path != "" {
		s += " " + o.Path
	}
	return s
}

func skippedText(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		keys[i] = fmt.Sprintf("%d %s", m[k], k)
	}
	return strings.Join(keys, ", ")
}
