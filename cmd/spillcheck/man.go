package main

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// runMan prints spillcheck(1) in roff, built from each command's summary,
// synopsis, flags and examples, so that it never drifts from --help.
func runMan(_ context.Context, c *cli, args []string) error {
	fs := newFlagSet(c, "man", "spillcheck man > spillcheck.1\n\n"+
		"Prints the manual page in roff (man -l spillcheck.1 shows it). Release\n"+
		"archives carry it as manpages/spillcheck.1.", "")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	return writeMan(c.stdout, commandFlags())
}

// roff escapes text for a roff line: backslashes, and a leading dot or
// apostrophe that roff would read as a request.
func roff(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}

func writeMan(w io.Writer, cmds []cmdInfo) error {
	var b strings.Builder
	b.WriteString(".TH SPILLCHECK 1 \"\" \"spillcheck\" \"User Commands\"\n")
	b.WriteString(".SH NAME\nspillcheck \\- find open Elasticsearch, MongoDB and Redis stores that hold messaging PII\n")
	b.WriteString(".SH SYNOPSIS\n.B spillcheck\n.I command\n[\n.I flags\n] [\n.I targets\n]\n")
	b.WriteString(".SH DESCRIPTION\n")
	b.WriteString(roff("spillcheck finds Elasticsearch/OpenSearch, MongoDB and Redis stores that answer without authentication on hosts you are authorized to test. Where a store is open it reads field and key names only, never values, and scores how likely it is to hold messaging PII: chat messages, call records, contact lists, locations, children's accounts, phone numbers, push tokens and the user profiles of communication products. It sends only allowlisted read commands, never follows a store to other hosts, and limits the rate, time and bytes spent on each target.") + "\n")
	b.WriteString(".SH COMMANDS\n")
	for _, ci := range cmds {
		fmt.Fprintf(&b, ".TP\n.B %s\n%s\n", ci.name, roff(ci.summary))
	}
	for _, ci := range cmds {
		if len(ci.groups) == 0 {
			continue
		}
		fmt.Fprintf(&b, ".SH %s\n", strings.ToUpper("spillcheck "+ci.name))
		if ci.synopsis != "" {
			b.WriteString(".nf\n")
			for _, l := range strings.Split(ci.synopsis, "\n") {
				b.WriteString(roff(l) + "\n")
			}
			b.WriteString(".fi\n")
		}
		for _, g := range ci.groups {
			fmt.Fprintf(&b, ".SS %s\n", roff(g.title))
			for _, f := range g.flags {
				var names []string
				for _, n := range f.names {
					names = append(names, `\fB`+roff(dashed(n))+`\fR`)
				}
				head := strings.Join(names, ", ")
				if f.arg != "" {
					head += ` \fI` + roff(f.arg) + `\fR`
				}
				text := roff(f.usage)
				if f.def != "" {
					text += " (default " + roff(f.def) + ")"
				}
				fmt.Fprintf(&b, ".TP\n%s\n%s\n", head, text)
			}
		}
		if ci.examples != "" {
			b.WriteString(".SS Examples\n.nf\n")
			for _, l := range strings.Split(strings.TrimRight(ci.examples, "\n"), "\n") {
				b.WriteString(roff(l) + "\n")
			}
			b.WriteString(".fi\n")
		}
	}
	b.WriteString(".SH EXIT STATUS\n.nf\n")
	for _, l := range strings.Split(strings.TrimRight(exitCodesHelp, "\n"), "\n")[1:] {
		b.WriteString(roff(l) + "\n")
	}
	b.WriteString(".fi\n")
	b.WriteString(".SH ENVIRONMENT\n.TP\n.B NO_COLOR\nWhen set to anything, no colours in log lines or the table.\n.TP\n.B GOGC\nWhen set, replaces the garbage collector target spillcheck picks (200).\n")
	b.WriteString(".SH SEE ALSO\nThe README and docs/ of https://github.com/spillcheck/spillcheck: docs/scoring.md (how scores are made), docs/ci.md (the pre-deploy gate), docs/scale.md (large runs).\n")
	_, err := io.WriteString(w, b.String())
	return err
}
