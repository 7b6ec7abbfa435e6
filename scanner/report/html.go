package report

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
)

// HTML returns a writer of one self-contained HTML page: inline CSS, inline
// script and an inline SVG chart, no external assets (its
// Content-Security-Policy forbids loading any). It holds the gate verdict,
// a chart of findings by severity and service, a sortable findings table,
// and per-store detail with the fields that drove each score and the fix
// steps. Every server-supplied string is escaped by html/template.
func HTML() Writer { return htmlWriter{} }

type htmlWriter struct{}

//go:embed html.tmpl
var htmlSource string

//go:embed html.js
var htmlScript string

// htmlTemplate is parsed on first use, not at every start-up of the CLI.
var htmlTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Funcs(template.FuncMap{
		"code":     codeSpans,
		"fix":      Fix,
		"svc":      serviceTitle,
		"product":  product,
		"cid":      ContainerID,
		"resource": resource,
		"tname":    targetName,
		"offline":  offline,
		"tls":      tlsText,
		"origin":   originText,
		"skipped":  skippedText,
		"size":     func(c *scanner.Container) string { return strings.Trim(sizeNote(c), " ()") },
		"accept":   acceptText,
		"sevclass": func(s scanner.Severity) string { return "sev-" + s.String() },
		"date":     func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"dur":      func(d scanner.Duration) string { return time.Duration(d).Round(time.Millisecond).String() },
		"join":     strings.Join,
		"plural":   plural,
		"isTarget": func(f Finding) bool { return f.Container == nil },
		"storeID":  func(i int) string { return fmt.Sprintf("store-%d", i+1) },
		"severities": func() []scanner.Severity {
			return []scanner.Severity{scanner.SeverityCritical, scanner.SeverityHigh, scanner.SeverityMedium, scanner.SeverityLow}
		},
	}).Parse(htmlSource))
})

// htmlPage is what the template reads.
type htmlPage struct {
	Sum        *scanner.Summary
	Stores     []store
	Others     []*scanner.Result
	Chart      chart
	Counts     map[scanner.Severity]int
	Accepted   int // accepted findings
	Script     template.JS
	ScriptHash string
}

// Write writes the page.
func (htmlWriter) Write(w io.Writer, results []scanner.Result, sum *scanner.Summary) error {
	sum = summaryOf(results, sum)
	stores, others := storesOf(results)
	p := htmlPage{Sum: sum, Stores: stores, Others: others, Counts: map[scanner.Severity]int{}, Script: template.JS(htmlScript)}
	h := sha256.Sum256([]byte(htmlScript))
	p.ScriptHash = "sha256-" + base64.StdEncoding.EncodeToString(h[:])
	for _, st := range stores {
		for _, f := range st.Findings {
			p.Counts[f.Severity]++
			if f.Accepted != nil {
				p.Accepted++
			}
		}
	}
	p.Chart = chartOf(stores)
	return htmlTemplate().Execute(w, p)
}

// codeSpans renders text with `code` spans as HTML, escaping every part.
func codeSpans(s string) template.HTML {
	parts := strings.Split(s, "`")
	var b strings.Builder
	for i, p := range parts {
		esc := template.HTMLEscapeString(p)
		if i%2 == 1 && i < len(parts)-1 {
			b.WriteString("<code>" + esc + "</code>")
		} else {
			if i%2 == 1 {
				b.WriteString("`")
			}
			b.WriteString(esc)
		}
	}
	return template.HTML(b.String()) //nolint:gosec // every part is escaped above
}

// chart is a horizontal stacked bar per service, one segment per severity.
type chart struct {
	Width, Height int
	Bars          []chartBar
	Legend        []chartSeg
}

type chartBar struct {
	Label string
	Y     int
	Total int
	End   int // x after the last segment
	Segs  []chartSeg
}

type chartSeg struct {
	Severity scanner.Severity
	X, W, N  int
}

const (
	chartLabelW = 130
	chartBarW   = 460
	chartRowH   = 34
)

func chartOf(stores []store) chart {
	counts := map[string]map[scanner.Severity]int{}
	var services []string
	most := 1
	for _, st := range stores {
		svc := product(&scanner.Result{Target: scanner.Target{Service: st.Result.Target.Service}})
		if counts[svc] == nil {
			counts[svc] = map[scanner.Severity]int{}
			services = append(services, svc)
		}
		for _, f := range st.Findings {
			counts[svc][f.Severity]++
		}
	}
	c := chart{Width: chartLabelW + chartBarW + 60, Height: chartRowH*len(services) + 40}
	for _, svc := range services {
		total := 0
		for _, n := range counts[svc] {
			total += n
		}
		most = max(most, total)
	}
	for i, svc := range services {
		bar := chartBar{Label: svc, Y: 10 + i*chartRowH}
		x := chartLabelW
		for s := scanner.SeverityCritical; s >= scanner.SeverityNone; s-- {
			n := counts[svc][s]
			if n == 0 {
				continue
			}
			w := n * chartBarW / most
			bar.Segs = append(bar.Segs, chartSeg{Severity: s, X: x, W: w, N: n})
			x += w
			bar.Total += n
		}
		bar.End = x
		c.Bars = append(c.Bars, bar)
	}
	x := chartLabelW
	for s := scanner.SeverityCritical; s >= scanner.SeverityLow; s-- {
		c.Legend = append(c.Legend, chartSeg{Severity: s, X: x})
		x += 110
	}
	return c
}
