package output

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spillcheck/spillcheck/scanner"
)

// Table writes a table for a person at a terminal: one row per result,
// sorted by severity (worst first), then target, then a summary. It keeps
// the rows until Close so that it can sort them and size each column to
// its widest cell: a target, product or container name is never cut.
// Closed and timed-out targets are counted, not listed, unless All is set.
// Use JSONL for output that streams as targets finish.
type Table struct {
	w       io.Writer
	All     bool // list closed and timed-out targets too
	Explain bool // print the evidence under each scored row
	// Color marks the severity column with ANSI colours. Set it only when
	// the writer is a terminal and NO_COLOR is not set.
	Color bool
	rows  []tableRow
}

// tableRow is one result's row, kept until Close.
type tableRow struct {
	rank    int // severityRank of the row's severity cell
	target  scanner.Target
	cells   [numCols]string
	explain []string // lines printed under the row with --explain
}

const numCols = 7

var header = [numCols]string{"SEVERITY", "TARGET", "SERVICE", "STATUS", "PRODUCT", "MSG-PII", "DETAIL"}

// NewTable returns a table sink on w.
func NewTable(w io.Writer) *Table { return &Table{w: w} }

// Result implements Sink.
func (t *Table) Result(r *scanner.Result) error {
	if !t.All && (r.Status == scanner.StatusClosed || r.Status == scanner.StatusTimeout) {
		return nil
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
	row := tableRow{rank: severityRank(sev), target: r.Target,
		cells: [numCols]string{sev, hostPort(r.Target), r.Target.Service, statusText(r), product, pii, detail(r)}}
	if t.Explain {
		row.explain = explainLines(r)
	}
	t.rows = append(t.rows, row)
	return nil
}

// severityRank orders the severity cell: findings worst first, then
// accepted findings, then rows without a finding.
func severityRank(sev string) int {
	if r, ok := sevRanks[sev]; ok {
		return r
	}
	return len(sevRanks)
}

var sevRanks = map[string]int{"critical": 0, "high": 1, "medium": 2, "low": 3, "accepted": 4, "none": 5, "-": 6}

// compareTargets orders targets by address (numerically when both are IP
// literals), then port, then service.
func compareTargets(a, b scanner.Target) int {
	ha, hb := a.Host, b.Host
	if ia, err := netip.ParseAddr(ha); err == nil {
		if ib, err := netip.ParseAddr(hb); err == nil {
			if c := ia.Compare(ib); c != 0 {
				return c
			}
		}
	}
	if c := cmp.Compare(ha, hb); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Port, b.Port); c != 0 {
		return c
	}
	return cmp.Compare(a.Service, b.Service)
}

var colors = map[string]string{
	"critical": "\x1b[1;35m", "high": "\x1b[1;31m", "medium": "\x1b[33m", "low": "\x1b[36m", "accepted": "\x1b[32m",
}

// writeRows sorts the rows and writes them with the header, each column as
// wide as its widest cell; the last column is not padded.
func (t *Table) writeRows() error {
	slices.SortStableFunc(t.rows, func(a, b tableRow) int {
		if c := cmp.Compare(a.rank, b.rank); c != 0 {
			return c
		}
		return compareTargets(a.target, b.target)
	})
	var width [numCols]int
	for i, h := range header {
		width[i] = utf8.RuneCountInString(h)
	}
	for _, r := range t.rows {
		for i, c := range r.cells {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	bw := bufio.NewWriter(t.w)
	line := func(cells [numCols]string, color string) {
		var b strings.Builder
		for i, c := range cells {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			switch {
			case i == numCols-1:
				b.WriteString(c)
			case i == 5: // MSG-PII is a number: right-aligned
				b.WriteString(pad + c + "  ")
			case i == 0 && color != "":
				b.WriteString(color + c + "\x1b[0m" + pad + "  ")
			default:
				b.WriteString(c + pad + "  ")
			}
		}
		bw.WriteString(strings.TrimRight(b.String(), " ") + "\n")
	}
	line(header, "")
	for _, r := range t.rows {
		color := ""
		if t.Color {
			color = colors[r.cells[0]]
		}
		line(r.cells, color)
		for _, e := range r.explain {
			bw.WriteString(e + "\n")
		}
	}
	return bw.Flush()
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
		switch {
		case r.Auth != "":
			return "asks for " + r.Auth
		case r.Error != "":
			// Open, but sampling failed before any container was read:
			// say why the row has no names.
			return clip(r.Error, 80)
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

// explainLines are the --explain lines under a row: the reason, the
// baseline entry, and each scored container's evidence.
func explainLines(r *scanner.Result) []string {
	if r.Score == nil {
		return nil
	}
	var out []string
	if r.Score.Reason != "" {
		out = append(out, "          why: "+r.Score.Reason)
	}
	if r.Accepted != nil {
		out = append(out, fmt.Sprintf("          accepted by %q: %s", r.Accepted.Pattern, r.Accepted.Reason))
	}
	for _, c := range r.Containers {
		if c.Score == nil || len(c.Score.Evidence) == 0 {
			continue
		}
		out = append(out, fmt.Sprintf("          %s: likelihood %d", containerLabel(c), c.Score.Likelihood))
		for _, e := range c.Score.Evidence {
			out = append(out, fmt.Sprintf("            %-32s %-16s rule %s (%+.1f)", e.Field, e.Category, e.Rule, e.Weight))
		}
	}
	return out
}

// clip cuts s to n characters, the last an ellipsis, never inside a
// character.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// Close implements Sink: the sorted rows, then the summary lines.
func (t *Table) Close(sum *scanner.Summary) error {
	if len(t.rows) == 0 {
		if _, err := fmt.Fprintln(t.w, "No open, protected or misbehaving stores found."); err != nil {
			return err
		}
	} else if err := t.writeRows(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(t.w, "\n%s\n%s\n", SummaryLine(sum), FindingsLine(sum))
	return err
}

// SummaryLine says how many targets were scanned, in what time, by status.
func SummaryLine(sum *scanner.Summary) string {
	order := []scanner.Status{scanner.StatusOpen, scanner.StatusPartial, scanner.StatusAuthRequired,
		scanner.StatusProtected, scanner.StatusTLSRequired, scanner.StatusProtocolError, scanner.StatusClosed}
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
	// What was not assessed is always counted after a network scan, zeros
	// included, so that a gate that passed says it looked at everything.
	if sum.Probed() || sum.Refused > 0 || sum.Unassessed > 0 {
		line += fmt.Sprintf("; %d timed out, %d %s, %d refused (out of scope)", sum.ByStatus[scanner.StatusTimeout],
			sum.ByStatus[scanner.StatusError], plural(int64(sum.ByStatus[scanner.StatusError]), "error", "errors"), sum.Refused)
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
