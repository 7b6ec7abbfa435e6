package scanner

import (
	"bufio"
	"bytes"
	"errors"
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

// ErrLineTooLong marks a line longer than a reader's bound; the reader
// skips it and goes on with the next line.
var ErrLineTooLong = errors.New("line too long")

// TooLong is the error of a skipped line: "line too long (N bytes)".
func TooLong(n int64) error { return fmt.Errorf("%w (%d bytes)", ErrLineTooLong, n) }

// BinaryError says a file is not text: "FILE: not a text inventory (binary
// data at byte N)", N counted from 0 as hexdump does. It never repeats the
// bytes.
type BinaryError struct {
	File   string
	Offset int64
	UTF16  bool // the file starts with a UTF-16 byte order mark
}

func (e *BinaryError) Error() string {
	f := e.File
	if f == "-" {
		f = "stdin"
	}
	if e.UTF16 {
		return fmt.Sprintf("%s: not a text inventory (UTF-16 text; save it as UTF-8, e.g. iconv -f UTF-16 -t UTF-8)", f)
	}
	return fmt.Sprintf("%s: not a text inventory (binary data at byte %d)", f, e.Offset)
}

// BinaryAt returns the offset of the first byte in b that no text inventory
// holds (NUL and C0 controls other than tab, line feed, vertical tab, form
// feed, carriage return and escape), or -1. Bytes above 0x7f pass: Latin-1
// CSV exports are text too. utf16 is set for a UTF-16 byte order mark.
func BinaryAt(b []byte) (offset int, utf16 bool) {
	if bytes.HasPrefix(b, []byte{0xff, 0xfe}) || bytes.HasPrefix(b, []byte{0xfe, 0xff}) {
		return 0, true
	}
	for i, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r' && c != 0x1b {
			return i, false
		}
	}
	return -1, false
}

// MaxLineBytes bounds one target-list line. A longer line is reported as
// too long and skipped; the lines after it are still read.
const MaxLineBytes = 64 << 10

// bom is the UTF-8 byte order mark that some editors write at the start.
const bom = "\ufeff"

// ReadList streams a target list: one target per line, '#' starts a comment,
// blank lines are skipped, a UTF-8 byte order mark at the start is dropped.
// Each entry goes to emit with its origin (a mongodb:// URL listing several
// hosts gives one entry per host). A bad line, or one longer than
// MaxLineBytes, goes to bad as a *LineError and reading goes on; reading
// stops when bad or emit returns an error, or at binary data (a
// *BinaryError to bad, once). Memory does not grow with the number of lines.
func ReadList(r io.Reader, file string, emit func(Entry) error, bad func(error) error) error {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	lr := ListReader{r: br, Max: MaxLineBytes}
	for {
		text, err := lr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if errors.Is(err, ErrLineTooLong) {
			if err := bad(&LineError{File: file, Line: lr.Line, Err: err}); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return &LineError{File: file, Line: lr.Line, Err: fmt.Errorf("reading: %w", err)}
		}
		if lr.Line == 1 {
			text = bytes.TrimPrefix(text, []byte(bom))
		}
		if off, utf16 := BinaryAt(text); off >= 0 {
			return bad(&BinaryError{File: file, Offset: lr.Offset + int64(off), UTF16: utf16})
		}
		line := uncomment(string(text))
		if line == "" {
			continue
		}
		es, err := ParseEntries(line)
		if err != nil {
			if err := bad(&LineError{File: file, Line: lr.Line, Err: err}); err != nil {
				return err
			}
			continue
		}
		for _, e := range es {
			e.Target.Origins = []Origin{{File: file, Format: "list", Line: lr.Line}}
			if err := emit(e); err != nil {
				return err
			}
		}
	}
}

// ListReader reads lines of at most Max bytes, numbered from 1. A longer
// line is read past (not kept) and returned as a TooLong error with its
// length; the next call reads the line after it.
type ListReader struct {
	r      *bufio.Reader
	Max    int
	Line   int   // number of the line last returned
	Offset int64 // byte offset of the start of that line
	next   int64
	buf    []byte
}

// NewListReader reads lines from r, each at most max bytes.
func NewListReader(r *bufio.Reader, max int) *ListReader { return &ListReader{r: r, Max: max} }

// Next returns the next line without its line ending (valid until the next
// call), or io.EOF at the end.
func (l *ListReader) Next() ([]byte, error) {
	l.buf = l.buf[:0]
	var n int64 // bytes of this line, line ending included
	long := false
	for {
		chunk, err := l.r.ReadSlice('\n')
		n += int64(len(chunk))
		if !long {
			if len(l.buf) == 0 && err == nil && len(trimEOL(chunk)) <= l.Max {
				l.start(n)
				return trimEOL(chunk), nil
			}
			if len(l.buf)+len(chunk) > l.Max+2 {
				long, l.buf = true, l.buf[:0]
			} else {
				l.buf = append(l.buf, chunk...)
			}
		}
		switch {
		case err == nil || (errors.Is(err, io.EOF) && n > 0):
			l.start(n)
			if long || len(trimEOL(l.buf)) > l.Max {
				return nil, TooLong(n - eolLen(chunk))
			}
			return trimEOL(l.buf), nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		default:
			return nil, err
		}
	}
}

// start records the number and offset of the line just read, n bytes long.
func (l *ListReader) start(n int64) {
	l.Line++
	l.Offset = l.next
	l.next += n
}

func eolLen(chunk []byte) int64 {
	return int64(len(chunk) - len(trimEOL(chunk)))
}

func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// uncomment drops a '#' comment and surrounding space from an input line.
func uncomment(line string) string {
	if i := strings.IndexByte(line, '#'); i >= 0 {
		line = line[:i]
	}
	return strings.TrimSpace(line)
}
