package main

import (
	"fmt"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
)

// progress shows on stderr targets done out of planned, the rate, the
// findings so far, the elapsed time and, once every target is planned, the
// time left. It never writes to stdout. On a terminal it redraws one line
// (by default only for runs longer than two seconds); elsewhere (CI logs,
// with --progress always) it writes a whole line every ten seconds.
type progress struct {
	done  chan struct{}
	ended chan struct{}
	line  *stderrLine
}

func startProgress(c *cli, line *stderrLine, f *outputFlags, runner *scanner.Runner, planner *scanner.Planner) *progress {
	p := &progress{done: make(chan struct{}), ended: make(chan struct{}), line: line}
	show := f.progress == "always" || f.progress == "auto" && c.tty
	if !show {
		close(p.ended)
		return p
	}
	start := time.Now()
	delay, every := 2*time.Second, 500*time.Millisecond
	if f.progress == "always" {
		delay = 0
	}
	if !c.tty {
		every = 10 * time.Second
	}
	go func() {
		defer close(p.ended)
		tick := time.NewTicker(min(every, 500*time.Millisecond))
		defer tick.Stop()
		last := time.Time{}
		for {
			select {
			case <-p.done:
				return
			case now := <-tick.C:
				if now.Sub(start) < delay || now.Sub(last) < every-time.Millisecond {
					continue
				}
				last = now
				pr := runner.Progress()
				planned, all := planner.Planned()
				text := progressText(pr, planned, all, now.Sub(start))
				if c.tty {
					line.writeProgress(text)
				} else {
					line.writeLog([]byte(text))
				}
			}
		}
	}()
	return p
}

// progressText is one progress line: "[progress] 1200/5000 targets (24%) ·
// 310/s · 3 findings · 4s elapsed · 12s left". The total carries a "+"
// while targets are still being planned, and the time left appears only
// once the total is known and targets are finishing.
func progressText(pr scanner.Progress, planned int64, all bool, elapsed time.Duration) string {
	rate := 0.0
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(pr.Done) / s
	}
	total := fmt.Sprintf("%d/%d", pr.Done, planned)
	if !all {
		total += "+ targets"
	} else {
		total += " targets"
		if planned > 0 {
			total += fmt.Sprintf(" (%d%%)", pr.Done*100/planned)
		}
	}
	text := fmt.Sprintf("[progress] %s · %.0f/s · %d %s · %s elapsed", total, rate, pr.Findings,
		plural(pr.Findings, "finding", "findings"), elapsed.Round(time.Second))
	if all && rate > 0 && planned > pr.Done {
		left := time.Duration(float64(planned-pr.Done) / rate * float64(time.Second))
		text += fmt.Sprintf(" · %s left", left.Round(time.Second))
	}
	return text
}

func (p *progress) stop() {
	close(p.done)
	<-p.ended
	p.line.clearProgress()
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
