package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/projectdiscovery/gologger"

	"github.com/spillcheck/spillcheck/scanner"
	"github.com/spillcheck/spillcheck/scanner/baseline"
	"github.com/spillcheck/spillcheck/scanner/report"
)

// reportFlags name the document reports written at the end of a run, and
// the baseline of accepted findings.
type reportFlags struct {
	sarif, markdown, html string
	baseline              string
}

func (f *reportFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.sarif, "sarif", "", "also write a SARIF 2.1.0 report to `FILE` (code scanning)")
	fs.StringVar(&f.markdown, "markdown", "", "also write a Markdown report to `FILE` (pull requests, job summaries)")
	fs.StringVar(&f.html, "html", "", "also write a self-contained HTML report to `FILE`")
	fs.StringVar(&f.baseline, "baseline", "", "accept the findings listed in `FILE` (an accept list or earlier results) until they expire")
}

func (f *reportFlags) validate() error { return nil }

// reportSet applies the baseline and keeps the results the document reports
// need: every result that is not closed or timed out, so memory follows
// findings, not targets.
type reportSet struct {
	flags    *reportFlags
	baseline *baseline.Baseline
	now      time.Time
	results  []scanner.Result
}

func (f *reportFlags) open() (*reportSet, error) {
	rs := &reportSet{flags: f, now: time.Now()}
	if f.baseline != "" {
		b, err := baseline.Load(f.baseline)
		if err != nil {
			return nil, &inputError{fmt.Errorf("--baseline: %w", err)}
		}
		rs.baseline = b
	}
	return rs, nil
}

func (rs *reportSet) wanted() bool {
	return rs.flags.sarif != "" || rs.flags.markdown != "" || rs.flags.html != ""
}

// apply marks what the baseline accepts in r.
func (rs *reportSet) apply(r *scanner.Result) {
	if rs.baseline != nil {
		rs.baseline.Apply(r, rs.now)
	}
}

func (rs *reportSet) keep(r *scanner.Result) {
	if !rs.wanted() || r.Status == scanner.StatusClosed || r.Status == scanner.StatusTimeout {
		return
	}
	rs.results = append(rs.results, *r)
}

// warnBaseline tells the operator, after a run, which baseline entries
// expired (and whose findings count again), which accepted nothing, and
// which never expire. Long lists are cut after a few names.
func (rs *reportSet) warnBaseline(log *gologger.Logger) {
	if rs.baseline == nil {
		return
	}
	rv := rs.baseline.Review(rs.now)
	for _, e := range rv.Expired {
		day := e.Until().Format(time.DateOnly)
		if e.Matched > 0 {
			log.Warning().Msgf("--baseline: entry %q expired on %s; the findings of %d %s it matched count again (renew it with a new \"expires\" or fix the store)",
				e.Pattern(), day, e.Matched, plural(int64(e.Matched), "target", "targets"))
		} else {
			log.Warning().Msgf("--baseline: entry %q expired on %s and matches nothing any more; remove it (spillcheck baseline --prune %s)", e.Pattern(), day, rs.flags.baseline)
		}
	}
	for _, e := range rv.Unused {
		log.Warning().Msgf("--baseline: entry %q accepted nothing in this run; is it stale? (spillcheck baseline --prune %s removes such entries)", e.Pattern(), rs.flags.baseline)
	}
	if n := len(rv.NoExpiry); n > 0 {
		var names []string
		for _, e := range rv.NoExpiry[:min(n, 3)] {
			names = append(names, fmt.Sprintf("%q", e.Pattern()))
		}
		more := ""
		if n > 3 {
			more = fmt.Sprintf(" and %d more", n-3)
		}
		log.Warning().Msgf("--baseline: %d %s never %s: %s%s; add \"expires\": \"%s\" (or any date) so accepted findings get reviewed again",
			n, plural(int64(n), "entry", "entries"), plural(int64(n), "expires", "expire"), strings.Join(names, ", "), more, rs.now.AddDate(0, 3, 0).Format(time.DateOnly))
	}
}

func (rs *reportSet) write(sum *scanner.Summary) error {
	for _, r := range []struct {
		path string
		w    report.Writer
	}{
		{rs.flags.sarif, report.SARIF(buildVersion())},
		{rs.flags.markdown, report.Markdown()},
		{rs.flags.html, report.HTML()},
	} {
		if r.path == "" {
			continue
		}
		if err := writeReport(r.path, r.w, rs.results, sum); err != nil {
			return err
		}
	}
	return nil
}

func writeReport(path string, w report.Writer, results []scanner.Result, sum *scanner.Summary) error {
	fh, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := w.Write(fh, results, sum); err != nil {
		fh.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return fh.Close()
}
