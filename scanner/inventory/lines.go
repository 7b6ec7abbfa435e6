package inventory

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// lineReader reads lines of at most max bytes, counting them from 1. The
// returned slice is valid until the next call.
type lineReader struct {
	r    *bufio.Reader
	max  int
	line int
	buf  []byte
}

func newLineReader(r *bufio.Reader, max int) *lineReader { return &lineReader{r: r, max: max} }

// eachLine calls fn with every line of r (at most max bytes, its number
// counted from 1) until the end of r or fn's error. A line too long or a
// read error is returned with its line number.
func eachLine(r *bufio.Reader, max int, fn func(n int, line []byte) error) error {
	lr := newLineReader(r, max)
	for {
		line, err := lr.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return atLine(lr.line, err)
		}
		if err := fn(lr.line, line); err != nil {
			return err
		}
	}
}

// next returns the next line without its line ending, or io.EOF.
func (l *lineReader) next() ([]byte, error) {
	l.buf = l.buf[:0]
	for {
		chunk, err := l.r.ReadSlice('\n')
		if len(l.buf) == 0 && err == nil && len(chunk) <= l.max {
			l.line++
			return trimEOL(chunk), nil
		}
		if len(l.buf)+len(chunk) > l.max {
			l.line++
			return nil, fmt.Errorf("line longer than %d bytes", l.max)
		}
		l.buf = append(l.buf, chunk...)
		switch err {
		case nil:
			l.line++
			return trimEOL(l.buf), nil
		case bufio.ErrBufferFull:
			continue
		case io.EOF:
			if len(l.buf) == 0 {
				return nil, io.EOF
			}
			l.line++
			return trimEOL(l.buf), nil
		default:
			return nil, err
		}
	}
}

func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}
