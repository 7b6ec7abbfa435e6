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
	"syscall"
)

// gcPercent is the garbage collector's target when GOGC is not set. A scan
// keeps little alive: results stream out as they finish. Go's default of 100
// then collects every few MB allocated; 200 halves that work for a few MB
// more of peak RSS (bench/run peers: 11 % less CPU per target, 21.7 to
// 25.4 MB on the 2,000-target fleet).
const gcPercent = 200

// tuneGC sets gcPercent unless the user chose a GOGC.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
}

func main() {
	tuneGC(os.Getenv)
	os.Exit(run(context.Background(), os.Args[1:], &cli{
		stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr,
		signals: true, tty: isTerminal(os.Stderr),
	}))
}

// cli carries a run's streams and the switches tests need.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	signals        bool // stop on SIGINT/SIGTERM
	tty            bool // stderr is a terminal
	// probes overrides the registered probes (tests).
	probes func() []scannerProbe
	// resolver overrides DNS (tests).
	resolver resolver
	// noScorer keeps the probes' own scores (tests).
	noScorer bool
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
	}
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
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(c.stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, cmd := range commands() {
		if cmd.name == args[0] {
			return exitCode(c.stderr, cmd.run(ctx, c, args[1:]))
		}
	}
	fmt.Fprintf(c.stderr, "spillcheck: unknown command %q\n\n", args[0])
	usage(c.stderr)
	return exitUsage
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
