package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// Exit codes. They are documented in --help and the README; this is the one
// place errors become codes.
const (
	exitOK          = 0   // nothing at or above --fail-on
	exitFindings    = 1   // findings at or above --fail-on
	exitUsage       = 2   // bad flags or input
	exitScanError   = 3   // no target assessed, --fail-on-unassessed, or results unwritable
	exitInterrupted = 130 // stopped by Ctrl-C or SIGTERM; results so far were written
)

const exitCodesHelp = `Exit codes:
  0    every target assessed (or some, without --fail-on-unassessed) and no
       finding at or above --fail-on
  1    findings at or above --fail-on (default high), not accepted by a baseline
  2    usage or input error (bad flag, bad target line, unreadable file)
  3    incomplete: no target could be assessed (all timed out or errored), or
       with --fail-on-unassessed any target was not, or results could not be
       written
  130  interrupted (Ctrl-C); every result finished before it was written
`

// Sentinel errors that commands return; exitCode maps them.
var (
	errFindings    = errors.New("findings at or above --fail-on")
	errInterrupted = errors.New("interrupted")
)

// usageError is a bad flag or argument. cmd names the command whose help
// the hint points to; empty for the top level.
type usageError struct{ msg, cmd string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{msg: fmt.Sprintf(format, args...)} }

// hint is the line after a usage error: where the help is.
func (e *usageError) hint() string {
	if e.cmd == "" {
		return "Run 'spillcheck --help' for the commands, or 'spillcheck <command> -h' for a command's flags."
	}
	return fmt.Sprintf("Run 'spillcheck %s -h' for its flags and examples.", e.cmd)
}

// inputError is input that could not be read or parsed (after the scan of
// everything else finished).
type inputError struct{ err error }

func (e *inputError) Error() string { return e.err.Error() }
func (e *inputError) Unwrap() error { return e.err }

// scanError is a failure of the scan as a whole.
type scanError struct{ err error }

func (e *scanError) Error() string { return e.err.Error() }
func (e *scanError) Unwrap() error { return e.err }

func exitCode(stderr io.Writer, err error) int {
	var (
		ue *usageError
		ie *inputError
		se *scanError
	)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errFindings):
		return exitFindings
	case errors.Is(err, errInterrupted):
		fmt.Fprintln(stderr, "spillcheck: interrupted; every result finished before the interrupt was written")
		return exitInterrupted
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "spillcheck: %v\n%s\n", err, ue.hint())
		return exitUsage
	case errors.As(err, &ie):
		fmt.Fprintf(stderr, "spillcheck: %v\n", err)
		return exitUsage
	case errors.As(err, &se):
		fmt.Fprintf(stderr, "spillcheck: %v\n", err)
		return exitScanError
	}
	fmt.Fprintf(stderr, "spillcheck: %v\n", err)
	return exitScanError
}
