package output

import (
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
)

// Table writes a row per result as it finishes, for a person at a terminal,
// then a summary. Closed and timed-out targets are counted, not listed,
// unless All is set.
type Table struct {
	w       io.Writer
	All     bool // list closed and timed-out targets too
	Explain bool // print the evidence under each scored row
	header  bool
}

// NewTable returns a table sink on w.
func NewTable(w io.Writer) *Table { return &Table{w: w} }

const rowFormat = "%-8s  %-28s  %-13s  %-14s  %-22s  %7s  %s\n"

// Result implements Sink.
func (t *Table) Result(r *scanner.Result) error {
	if !t.All && (r.Status == scanner.StatusClosed || r.Status == scanner.StatusTimeout) {
		return nil
	}
	if !t.header {
		t.header = true
		if _, err := fmt.Fprintf(t.w, rowFormat, "SEVERITY", "TARGET", "SERVICE", "STATUS", "PRODUCT", "MSG-PII", "DETAIL"); err != nil {
			return err
		}
	}
	sev, pii := "-", "-"
	if r.Score != nil {
		sev = r.Score.Severity.String()
		if r.Status.Exposed() { // nothing was sampled otherwise
			pii = fmt.Sprint(r.Score.Likelihood)
		}
	}
	if r.Accepted != nil {
		sev = "accepted"
	}
	product := strings.TrimSpace(r.Product + " " + r.Version)
	if product == "" {
		product = "-"
	}
	row := fmt.Sprintf(rowFormat, sev, clip(hostPort(r.Target), 28), r.Target.Service,
		statusText(r), clip(product, 22), pii, detail(r))
	_, err := io.WriteString(t.w, strings.TrimRight(row, " \n")+"\n")
	if err != nil || !t.Explain {
		return err
	}
	return t.explain(r)
}

// hostPort is the target as the operator wrote it; the address dialed is in
// the JSON output.
func hostPort(t scanner.Target) string {
	return net.JoinHostPort(t.Host, strconv.Itoa(t.Port))
}

func statusText(r *scanner.Result) string {
	if r.Status == scanner.StatusOpen && r.Facts["empty"] == "true" {
		return "open (empty)"
	}
	return string(r.Status)
}

// detail is the error, or the largest containers.
func detail(r *scanner.Result) string {
	if r.Error != "" && !r.Status.Exposed() {
		return clip(r.Error, 80)
	}
	if len(r.Containers) == 0 {
		if r.Auth != "" {
			return "asks for " + r.Auth
		}
		return ""
	}
	cs := slices.Clone(r.Containers)
	slices.SortStableFunc(cs, func(a, b scanner.Container) int {
		la, lb := likelihood(a), likelihood(b)
		if la != lb {
			return lb - la
		}
		return int(count(b.Docs) - count(a.Docs))
	})
	var parts []string
	for i, c := range cs {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("+%d more", len(cs)-3))
			break
		}
		parts = append(parts, containerLabel(c))
	}
	return strings.Join(parts, ", ")
}

func containerLabel(c scanner.Container) string {
	name := c.Name
	if c.Database != "" {
		name = c.Database + "/" + c.Name
	}
	var facts []string
	if c.Members > 1 {
		facts = append(facts, fmt.Sprintf("%d indices", c.Members))
	}
	if c.Docs != nil {
		facts = append(facts, Count(*c.Docs)+plural(*c.Docs, " doc", " docs"))
	}
	if len(facts) == 0 {
		return name
	}
	return name + " (" + strings.Join(facts, ", ") + ")"
}

func likelihood(c scanner.Container) int {
	if c.Score == nil {
		return 0
	}
	return c.Score.Likelihood
}

func count(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// Count prints 40000000 as 40M.
func Count(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1fB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	case n >= 1e4:
		return fmt.Sprintf("%.0fk", float64(n)/1e3)
	}
	return fmt.Sprint(n)
}

func (t *Table) explain(r *scanner.Result) error {
	if r.Score == nil {
		return nil
	}
	if r.Score.Reason != "" {
		if _, err := fmt.Fprintf(t.w, "          why: %s\n", r.Score.Reason); err != nil {
			return err
		}
	}
	if r.Accepted != nil {
		if _, err := fmt.Fprintf(t.w, "          accepted by %q: %s\n", r.Accepted.Pattern, r.Accepted.Reason); err != nil {
			return err
		}
	}
	for _, c := range r.Containers {
		if c.Score == nil || len(c.Score.Evidence) == 0 {
			continue
		}
		if _, err := fmt.Fprintf(t.w, "          %s: likelihood %d\n", containerLabel(c), c.Score.Likelihood); err != nil {
			return err
		}
		for _, e := range c.Score.Evidence {
			if _, err := fmt.Fprintf(t.w, "            %-32s %-16s rule %s (%+.1f)\n", e.Field, e.Category, e.Rule, e.Weight); err != nil {
				return err
			}
		}
	}
	return nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}

// Close implements Sink: the summary lines.
func (t *Table) Close(sum *scanner.Summary) error {
	if !t.header {
		if _, err := fmt.Fprintln(t.w, "No open, protected or misbehaving stores found."); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(t.w, "\n%s\n%s\n", SummaryLine(sum), FindingsLine(sum))
	return err
}

// SummaryLine says how many targets were scanned, in what time, by status.
func SummaryLine(sum *scanner.Summary) string {
	order := []scanner.Status{scanner.StatusOpen, scanner.StatusPartial, scanner.StatusAuthRequired,
		scanner.StatusProtected, scanner.StatusTLSRequired, scanner.StatusProtocolError,
		scanner.StatusError, scanner.StatusTimeout, scanner.StatusClosed}
	var parts []string
	for _, s := range order {
		if n := sum.ByStatus[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	line := fmt.Sprintf("Scanned %d %s in %v", sum.Targets, plural(int64(sum.Targets), "target", "targets"),
		time.Duration(sum.Duration).Round(time.Millisecond))
	if len(parts) > 0 {
		line += ": " + strings.Join(parts, ", ")
	}
	if sum.Refused > 0 {
		line += fmt.Sprintf("; %d refused (out of scope)", sum.Refused)
	}
	if sum.Interrupted {
		line += " (interrupted)"
	}
	return line + "."
}

// FindingsLine counts findings by severity against the --fail-on threshold.
func FindingsLine(sum *scanner.Summary) string {
	var parts []string
	for _, s := range []string{"critical", "high", "medium", "low"} {
		if n := sum.Findings[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	line := "Findings: none"
	if len(parts) > 0 {
		line = "Findings: " + strings.Join(parts, ", ")
	}
	if sum.Accepted > 0 {
		line += fmt.Sprintf("; %d accepted by the baseline", sum.Accepted)
	}
	if sum.FailOn == scanner.SeverityNone {
		return line + " (--fail-on none)."
	}
	return line + fmt.Sprintf(" (%d at or above --fail-on %s).", sum.Failing, sum.FailOn)
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
