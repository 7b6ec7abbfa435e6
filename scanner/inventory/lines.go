package inventory

import (
	"bufio"
	"errors"
	"io"

	"github.com/spillcheck/spillcheck/scanner"
)

// eachLine calls fn with every line of r (its number counted from 1) until
// the end of r or fn's error. A line longer than the sink's bound is a
// problem named by its place ("FILE:LINE: line too long (N bytes)"), and
// the lines after it are still read. A read error is returned with its line
// number.
func eachLine(r *bufio.Reader, s *sink, fn func(n int, line []byte) error) error {
	lr := scanner.NewListReader(r, s.opts.maxLine())
	for {
		line, err := lr.Next()
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case errors.Is(err, scanner.ErrLineTooLong):
			s.problemAt(lr.Line, "", err.Error())
			continue
		case err != nil:
			return atLine(lr.Line, err)
		}
		if err := fn(lr.Line, line); err != nil {
			return err
		}
	}
}

// lineFeed turns the rest of r into whole lines for encoding/csv, one line
// at a time: a line longer than the sink's bound is replaced by an empty
// line (so that csv's line numbers stay true) and reported as too long.
type lineFeed struct {
	lr      *scanner.ListReader
	s       *sink
	skipped int // lines read before the feed started, for the report
	pending []byte
	err     error
}

func (f *lineFeed) Read(p []byte) (int, error) {
	for len(f.pending) == 0 {
		if f.err != nil {
			return 0, f.err
		}
		line, err := f.lr.Next()
		switch {
		case errors.Is(err, scanner.ErrLineTooLong):
			f.s.problemAt(f.lr.Line+f.skipped, "", err.Error())
			f.pending = append(f.pending[:0], '\n')
		case err != nil:
			f.err = err
		default:
			f.pending = append(append(f.pending[:0], line...), '\n')
		}
	}
	n := copy(p, f.pending)
	f.pending = f.pending[n:]
	return n, nil
}
