package elasticsearch

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// Bounds of the streaming JSON reader. A value the probe keeps (an index
// name, a field name, a cat cell) is at most maxJSONString bytes; values it
// skips may be of any length, but never nest deeper than maxJSONDepth.
const (
	maxJSONString = 4096
	maxJSONNumber = 64
	maxJSONDepth  = 128
)

// jsonReader is a pull reader of one JSON document from a server. It keeps
// no more than the scalar being read: objects and arrays are walked, values
// the caller does not want are skipped byte by byte, so memory does not
// grow with the document. It checks the grammar as far as the caller walks
// it; skip checks what it skips.
type jsonReader struct {
	r     *bufio.Reader
	buf   []byte // the last string or number read; valid until the next call
	depth int
}

func newJSONReader(r io.Reader) *jsonReader {
	return &jsonReader{r: bufio.NewReaderSize(r, 16<<10), buf: make([]byte, 0, 256)}
}

// jsonKind is the kind of the next value.
type jsonKind byte

const (
	jsonObject jsonKind = '{'
	jsonArray  jsonKind = '['
	jsonString jsonKind = '"'
	jsonNumber jsonKind = '0'
	jsonBool   jsonKind = 't'
	jsonNull   jsonKind = 'n'
)

// errNotJSON says the body broke the JSON grammar where it was read.
var errNotJSON = errors.New("not valid JSON")

func (j *jsonReader) syntax(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errNotJSON, fmt.Sprintf(format, args...))
}

// peek returns the next byte that is not white space, without consuming it.
func (j *jsonReader) peek() (byte, error) {
	for {
		c, err := j.r.ReadByte()
		if err != nil {
			if err == io.EOF {
				return 0, io.ErrUnexpectedEOF
			}
			return 0, err
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		j.r.UnreadByte()
		return c, nil
	}
}

// kind tells the next value's kind without consuming it.
func (j *jsonReader) kind() (jsonKind, error) {
	c, err := j.peek()
	if err != nil {
		return 0, err
	}
	switch {
	case c == '{', c == '[', c == '"':
		return jsonKind(c), nil
	case c == '-' || ('0' <= c && c <= '9'):
		return jsonNumber, nil
	case c == 't' || c == 'f':
		return jsonBool, nil
	case c == 'n':
		return jsonNull, nil
	}
	return 0, j.syntax("unexpected %q", c)
}

// begin consumes the opening of an object or array.
func (j *jsonReader) begin(k jsonKind) error {
	c, err := j.peek()
	if err != nil {
		return err
	}
	if c != byte(k) {
		return j.syntax("want %q, got %q", byte(k), c)
	}
	if j.depth >= maxJSONDepth {
		return fmt.Errorf("JSON nested deeper than %d levels", maxJSONDepth)
	}
	j.r.ReadByte()
	j.depth++
	return nil
}

// more reports whether the object or array being walked has another
// member, consuming the comma before it, or its end. first is true for the
// first call after begin.
func (j *jsonReader) more(first bool) (bool, error) {
	c, err := j.peek()
	if err != nil {
		return false, err
	}
	if c == '}' || c == ']' {
		j.r.ReadByte()
		j.depth--
		return false, nil
	}
	if first {
		return true, nil
	}
	if c != ',' {
		return false, j.syntax("want ',' between members, got %q", c)
	}
	j.r.ReadByte()
	return true, nil
}

// key reads an object key and its colon. The bytes are valid until the
// next call.
func (j *jsonReader) key() ([]byte, error) {
	k, err := j.str()
	if err != nil {
		return nil, err
	}
	c, err := j.peek()
	if err != nil {
		return nil, err
	}
	if c != ':' {
		return nil, j.syntax("want ':' after a key, got %q", c)
	}
	j.r.ReadByte()
	return k, nil
}

// str reads a string of at most maxJSONString bytes, unescaped.
func (j *jsonReader) str() ([]byte, error) {
	j.buf = j.buf[:0]
	return j.buf, j.stringInto(true)
}

// stringInto reads a string, appending it to j.buf when keep.
func (j *jsonReader) stringInto(keep bool) error {
	c, err := j.peek()
	if err != nil {
		return err
	}
	if c != '"' {
		return j.syntax("want a string, got %q", c)
	}
	j.r.ReadByte()
	for {
		c, err := j.r.ReadByte()
		if err != nil {
			return eof(err)
		}
		switch {
		case c == '"':
			return nil
		case c == '\\':
			if err := j.escape(keep); err != nil {
				return err
			}
		case c < 0x20:
			return j.syntax("control character in a string")
		case keep:
			j.buf = append(j.buf, c)
		}
		if keep && len(j.buf) > maxJSONString {
			return fmt.Errorf("a JSON string longer than %d bytes", maxJSONString)
		}
	}
}

func (j *jsonReader) escape(keep bool) error {
	c, err := j.r.ReadByte()
	if err != nil {
		return eof(err)
	}
	var r rune
	switch c {
	case '"', '\\', '/':
		r = rune(c)
	case 'b':
		r = '\b'
	case 'f':
		r = '\f'
	case 'n':
		r = '\n'
	case 'r':
		r = '\r'
	case 't':
		r = '\t'
	case 'u':
		if r, err = j.hex4(); err != nil {
			return err
		}
		if utf16.IsSurrogate(r) {
			// A high surrogate wants a \uDC00-\uDFFF after it; anything else
			// stands as U+FFFD, as encoding/json does.
			if b, _ := j.r.Peek(2); len(b) == 2 && b[0] == '\\' && b[1] == 'u' {
				j.r.Discard(2)
				r2, err := j.hex4()
				if err != nil {
					return err
				}
				r = utf16.DecodeRune(r, r2)
			} else {
				r = utf8.RuneError
			}
		}
	default:
		return j.syntax("bad escape \\%c", c)
	}
	if keep {
		j.buf = utf8.AppendRune(j.buf, r)
	}
	return nil
}

func (j *jsonReader) hex4() (rune, error) {
	var r rune
	for i := 0; i < 4; i++ {
		c, err := j.r.ReadByte()
		if err != nil {
			return 0, eof(err)
		}
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, j.syntax("bad \\u escape")
		}
		r = r<<4 | rune(c)
	}
	return r, nil
}
