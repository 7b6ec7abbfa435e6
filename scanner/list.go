package scanner

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// LineError is a bad input line, named by file and line number.
type LineError struct {
	File string
	Line int
	Err  error
}

func (e *LineError) Error() string {
	switch e.File {
	case "":
		return fmt.Sprintf("argument %d: %v", e.Line, e.Err)
	case "-":
		return fmt.Sprintf("stdin:%d: %v", e.Line, e.Err)
	}
	return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
}

func (e *LineError) Unwrap() error { return e.Err }

// maxLineBytes bounds one input line; longer lines are errors, not panics.
const maxLineBytes = 64 << 10

// ReadList streams a target list: one target per line, '#' starts a comment,
// blank lines are skipped. Each entry goes to emit with its origin. A bad
// line goes to bad as a *LineError; reading stops when bad or emit returns
// an error. Memory does not grow with the number of lines.
func ReadList(r io.Reader, file string, emit func(Entry) error, bad func(error) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxLineBytes)
	line := 0
	for sc.Scan() {
		line++
		text := uncomment(sc.Text())
		if text == "" {
			continue
		}
		e, err := ParseEntry(text)
		if err != nil {
			if err := bad(&LineError{File: file, Line: line, Err: err}); err != nil {
				return err
			}
			continue
		}
		e.Target.Origins = []Origin{{File: file, Format: "list", Line: line}}
		if err := emit(e); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return &LineError{File: file, Line: line + 1, Err: fmt.Errorf("reading: %w", err)}
	}
	return nil
}

// uncomment drops a '#' comment and surrounding space from an input line.
func uncomment(line string) string {
	if i := strings.IndexByte(line, '#'); i >= 0 {
		line = line[:i]
	}
	return strings.TrimSpace(line)
}
