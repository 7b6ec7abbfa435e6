package inventory

import (
	"fmt"
	"strings"
)

// ParseError says where an inventory file broke: the file, the format tried,
// and the line (line formats, XML) or byte offset and JSON path (JSON
// documents).
type ParseError struct {
	File   string
	Format string
	Line   int    // 1-based, 0 when unknown
	Offset int64  // byte offset for JSON documents, -1 when unknown
	Path   string // JSON path of the element being read, "" when unknown
	Err    error
}

// Error reads "FILE:LINE: FORMAT: reason" for line formats and "FILE:
// FORMAT: offset N (at PATH): reason" for JSON documents.
func (e *ParseError) Error() string {
	var b strings.Builder
	f := e.File
	if f == "-" {
		f = "stdin"
	}
	b.WriteString(f)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	fmt.Fprintf(&b, ": %s", e.Format)
	if e.Offset >= 0 && e.Line == 0 {
		fmt.Fprintf(&b, ": offset %d", e.Offset)
	}
	if e.Path != "" {
		fmt.Fprintf(&b, " (at %s)", e.Path)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

func (e *ParseError) Unwrap() error { return e.Err }

// placeError carries a place inside a file up to sink.wrap, which adds the
// file and format.
type placeError struct {
	line   int
	offset int64
	path   string
	err    error
}

func (e *placeError) Error() string { return e.err.Error() }
func (e *placeError) Unwrap() error { return e.err }

func atLine(line int, err error) error { return &placeError{line: line, offset: -1, err: err} }

func atOffset(offset int64, path string, err error) error {
	return &placeError{offset: offset, path: path, err: err}
}
