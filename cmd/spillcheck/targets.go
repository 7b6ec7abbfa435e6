package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"

	"github.com/spillcheck/spillcheck/scanner"
)

const targetsExamples = `  spillcheck targets 10.0.4.0/28 redis://cache-1:6380
  spillcheck targets -l describe-instances.json --address private
  spillcheck targets -l fleet.txt --scope 10.0.0.0/16 --jsonl > plan.jsonl
  spillcheck targets -l fleet.txt --shard 0/4 | wc -l
`

// runTargets prints the plan: every target a scan with the same flags would
// probe, and where it came from, without connecting to any of them. Host
// names are resolved (once), as the scan would, to check the scope.
func runTargets(ctx context.Context, c *cli, args []string) error {
	var (
		inf   inputFlags
		lf    logFlags
		jsonl bool
	)
	fs := newFlagSet(c, "targets", "spillcheck targets [flags] [TARGET ...]\n\n"+
		"Prints the targets a scan would probe (service, address, TLS, origin), and\n"+
		"refuses what is out of scope, without opening a connection to any target.", targetsExamples)
	fs.group("Targets and scope", inf.register)
	fs.group("Output", func(fs *flag.FlagSet) {
		fs.BoolVar(&jsonl, "jsonl", false, "print one JSON target per line")
	})
	fs.group("Logging", lf.register)
	targets, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	line := &stderrLine{w: c.stderr}
	log := newLogger(lf, line, c.tty && !c.noColor(lf))
	if len(targets) == 0 && len(inf.lists) == 0 {
		targets = []string{"localhost"}
		log.Info().Msg("no targets given: planning localhost")
	}
	reg, err := newRegistry(c)
	if err != nil {
		return err
	}
	inputCtx, stop := context.WithCancel(ctx)
	defer stop()
	in, err := newInputs(inputCtx, c, &inf, reg, log)
	if err != nil {
		return err
	}
	in.stop = stop
	entries := make(chan scanner.Entry, 256)
	jobs := make(chan scanner.Job, 256)
	go in.read(inputCtx, c, targets, entries)
	go in.planner.Plan(inputCtx, entries, jobs)

	w := bufio.NewWriterSize(c.stdout, 64<<10)
	enc := json.NewEncoder(w)
	n := 0
	for j := range jobs {
		n++
		if jsonl {
			err = enc.Encode(j.Target)
		} else {
			err = writePlanLine(w, j)
		}
		if err != nil {
			stop()
			for range jobs {
			}
			return &scanError{err}
		}
	}
	if err := w.Flush(); err != nil {
		return &scanError{err}
	}
	log.Info().Msgf("%d targets planned; %d duplicates folded; %d refused (out of scope)", n, in.planner.Folded()+in.folded.Load(), in.refused.Load())
	switch {
	case ctx.Err() != nil:
		return errInterrupted
	case in.bad.Load() > 0:
		return in.badErr()
	}
	return nil
}

func writePlanLine(w *bufio.Writer, j scanner.Job) error {
	t := j.Target
	var notes []string
	if t.TLS {
		notes = append(notes, "tls")
	}
	if t.Exposure != "" {
		notes = append(notes, t.Exposure)
	}
	if t.IP.IsValid() && t.Host != t.IP.String() {
		notes = append(notes, "resolved "+t.Host)
	}
	for _, o := range t.Origins {
		notes = append(notes, "from "+originText(o))
	}
	if j.Err != nil {
		notes = append(notes, "error: "+j.Err.Error())
	}
	svc := t.Service
	if t.Identified && svc == "" {
		svc = "any"
		notes = append([]string{"unknown port: the service is named from its answer"}, notes...)
	}
	_, err := fmt.Fprintf(w, "%-13s %-30s %s\n", svc, t.Addr(), strings.Join(notes, " · "))
	return err
}

// originText names where a target came from: file:line, the JSON path, the
// resource.
func originText(o scanner.Origin) string {
	var parts []string
	src := o.File
	if src == "" {
		src = o.Format
	} else if o.Format != "" && o.Format != "list" {
		src += " (" + o.Format + ")"
	}
	if o.Line > 0 {
		src += fmt.Sprintf(":%d", o.Line)
	}
	parts = append(parts, src)
	if o.Path != "" {
		parts = append(parts, o.Path)
	}
	if o.Resource != "" {
		parts = append(parts, o.Resource)
	}
	return strings.Join(parts, " ")
}
