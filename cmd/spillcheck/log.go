package main

import (
	"flag"
	"io"
	"sync"

	"os"

	"github.com/projectdiscovery/gologger"
	"github.com/projectdiscovery/gologger/formatter"
	"github.com/projectdiscovery/gologger/levels"
	"golang.org/x/term"
)

// logFlags are the logging switches every command takes.
type logFlags struct {
	silent, verbose, noColor bool
}

func (l *logFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&l.silent, "silent", false, "print only results; no log lines on stderr")
	fs.BoolVar(&l.verbose, "v", false, "verbose: log every target and list closed ones in the table")
	fs.BoolVar(&l.noColor, "no-color", false, "no colours in log lines or the table (also NO_COLOR=1)")
}

// stderrLine serializes writes to stderr between the logger and the
// progress line, clearing the progress line before a log line.
type stderrLine struct {
	mu       sync.Mutex
	w        io.Writer
	progress bool // a progress line is on screen
}

func (s *stderrLine) writeLog(b []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.progress {
		_, _ = io.WriteString(s.w, "\r\x1b[K")
		s.progress = false
	}
	_, _ = s.w.Write(append(b, '\n'))
}

func (s *stderrLine) writeProgress(line string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, _ = io.WriteString(s.w, "\r\x1b[K"+line)
	s.progress = true
}

func (s *stderrLine) clearProgress() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.progress {
		_, _ = io.WriteString(s.w, "\r\x1b[K")
		s.progress = false
	}
}

// logWriter adapts stderrLine to gologger's writer.
type logWriter struct{ line *stderrLine }

func (w logWriter) Write(data []byte, _ levels.Level) { w.line.writeLog(data) }

// newLogger configures the one logger of a run. Library packages never log;
// only cmd/ does.
// color is whether log lines may be coloured: stderr is a terminal and
// neither --no-color nor NO_COLOR says otherwise.
func newLogger(f logFlags, line *stderrLine, color bool) *gologger.Logger {
	l := &gologger.Logger{}
	l.SetFormatter(formatter.NewCLI(!color))
	l.SetWriter(logWriter{line})
	switch {
	case f.silent:
		l.SetMaxLevel(levels.LevelSilent)
	case f.verbose:
		l.SetMaxLevel(levels.LevelVerbose)
	default:
		l.SetMaxLevel(levels.LevelWarning) // errors, info and warnings
	}
	return l
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }
