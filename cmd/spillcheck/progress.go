package main

import (
	"fmt"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
)

// progress redraws one line on stderr: targets done, rate, findings. It
// never writes to stdout, and by default only on a terminal for runs longer
// than two seconds.
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
	delay := 2 * time.Second
	if f.progress == "always" {
		delay = 0
	}
	go func() {
		defer close(p.ended)
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-p.done:
				return
			case now := <-tick.C:
				if now.Sub(start) < delay {
					continue
				}
				pr := runner.Progress()
				planned, all := planner.Planned()
				more := "+"
				if all {
					more = ""
				}
				el := now.Sub(start).Seconds()
				line.writeProgress(fmt.Sprintf("[progress] %d/%d%s targets · %.0f/s · %d findings · %s",
					pr.Done, planned, more, float64(pr.Done)/el, pr.Findings, now.Sub(start).Round(time.Second)))
			}
		}
	}()
	return p
}

func (p *progress) stop() {
	close(p.done)
	<-p.ended
	p.line.clearProgress()
}
