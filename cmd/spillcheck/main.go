// Command spillcheck finds Elasticsearch/OpenSearch, MongoDB and Redis
// stores that answer without authentication on hosts you own, samples their
// field and key names (never values) and scores how likely they are to hold
// messaging PII.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
)

// gcPercent is the garbage collector's target when GOGC is not set. A scan
// keeps little alive: results stream out as they finish. Go's default of 100
// then collects every few MB allocated; 200 halves that work for a few MB
// more of peak RSS (bench/run peers: 11 % less CPU per target, 21.7 to
// 25.4 MB on the 2,000-target fleet).
const gcPercent = 200

// memoryLimit is the soft memory limit when GOMEMLIMIT is not set. With
// gcPercent alone the heap may grow to three times what is live: planning
// 1,000,000 targets (about 20 MiB live, every target held so duplicates
// fold into one) peaked at 87 MB RSS. The limit makes the collector work
// harder only as the heap nears it: 61 MB for that plan, 33 % more planning
// time, and no change for a scan's usual few MB of live heap.
const memoryLimit = 48 << 20

// tuneGC sets gcPercent unless the user chose a GOGC, and memoryLimit unless
// the user chose a GOMEMLIMIT.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}

func main() {
	tuneGC(os.Getenv)
	os.Exit(run(context.Background(), os.Args[1:], &cli{
		stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr,
		signals: true, tty: isTerminal(os.Stderr), stdoutTTY: isTerminal(os.Stdout),
		getenv: os.Getenv,
	}))
}

// cli carries a run's streams and the switches tests need.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	signals        bool // stop on SIGINT/SIGTERM
	tty            bool // stderr is a terminal
	stdoutTTY      bool // stdout is a terminal
	getenv         func(string) string
	// probes overrides the registered probes (tests).
	probes func() []scannerProbe
	// resolver overrides DNS (tests).
	resolver resolver
	// noScorer keeps the probes' own scores (tests).
	noScorer bool
	// collect, when set, receives each command's flags instead of the
	// command running (see commandFlags).
	collect func(*flagSet)
}

type command struct {
	name, summary string
	run           func(ctx context.Context, c *cli, args []string) error
}

// commands lists the subcommands, in the order --help shows them.
func commands() []command {
	return []command{
		{"scan", "probe targets for open stores and score what they hold", runScan},
		{"targets", "print the targets a scan would probe, without connecting", runTargets},
		{"score", "score schemas offline: mappings, validators, field lists, results", runScore},
		{"rules", "list the PII rules, their categories and weights", runRules},
		{"baseline", "write a baseline of accepted findings from a scan or a result file", runBaseline},
		{"merge", "combine JSONL results (shards, resumed runs) into one report", runMerge},
		{"version", "print the version, commit and Go toolchain (also --version)", func(_ context.Context, c *cli, _ []string) error {
			return printVersion(c.stdout)
		}},
		{"completion", "print a shell completion script: bash, zsh or fish", runCompletion},
		{"man", "print the manual page (roff), built from the commands' own help", runMan},
	}
}

// noColor reports whether colours are off: --no-color, or NO_COLOR set to
// anything (https://no-color.org).
func (c *cli) noColor(lf logFlags) bool {
	return lf.noColor || (c.getenv != nil && c.getenv("NO_COLOR") != "")
}

func run(ctx context.Context, args []string, c *cli) int {
	if c.signals {
		var stop context.CancelFunc
		ctx, stop = signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
		defer stop()
		go func() {
			<-ctx.Done()
			stop() // a second Ctrl-C kills the process the usual way
		}()
	}
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-version" || args[0] == "-V") {
		return exitCode(c.stderr, printVersion(c.stdout))
	}
	if len(args) == 0 {
		return exitCode(c.stderr, usagef("no command given ('spillcheck scan' scans this machine)"))
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(c.stdout)
		return exitOK
	}
	var names []string
	for _, cmd := range commands() {
		if cmd.name == args[0] {
			return exitCode(c.stderr, cmd.run(ctx, c, args[1:]))
		}
		names = append(names, cmd.name)
	}
	msg := fmt.Sprintf("unknown command %q", args[0])
	if strings.HasPrefix(args[0], "-") {
		msg = fmt.Sprintf("%s before a command; flags follow the command, as in 'spillcheck scan %s ...'", args[0], args[0])
	} else if s := closestWord(args[0], names); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return exitCode(c.stderr, usagef("%s", msg))
}

func usage(w io.Writer) {
	fmt.Fprint(w, `spillcheck finds Elasticsearch/OpenSearch, MongoDB and Redis stores that answer
without authentication on hosts you are authorized to test. Where a store is
open it reads field and key names only, never values, and scores how likely
it is to hold messaging PII (chats, call records, phone numbers).

Usage:
  spillcheck <command> [flags] [targets]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Run 'spillcheck <command> -h' for a command's flags and examples.

`+exitCodesHelp)
}
