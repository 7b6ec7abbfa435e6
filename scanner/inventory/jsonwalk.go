package inventory

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// step is what a route decides for the JSON value at a path.
type step uint8

const (
	skipValue   step = iota // read past it token by token
	descend                 // walk into its members or elements
	decodeValue             // hand it to the visitor, which decodes it whole
)

// jsonPath is the path of the value being read: object keys and array
// indexes (index -1 marks a key).
type jsonPath []pathSeg

type pathSeg struct {
	key   string
	index int
}

func (p jsonPath) String() string {
	var b strings.Builder
	for _, s := range p {
		if s.index >= 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.index))
			b.WriteByte(']')
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.key)
	}
	return b.String()
}

// match reports whether p equals pattern, where "[]" matches any index; with
// prefix set, p may also be a proper prefix of pattern.
func (p jsonPath) match(pattern []string, prefix bool) bool {
	if len(p) > len(pattern) || (!prefix && len(p) != len(pattern)) {
		return false
	}
	for i, s := range p {
		if pattern[i] == "[]" {
			if s.index < 0 {
				return false
			}
		} else if s.index >= 0 || s.key != pattern[i] {
			return false
		}
	}
	return true
}

// routeTo decodes the values at the given patterns and descends only on the
// way to them.
func routeTo(patterns ...[]string) func(jsonPath) step {
	return func(p jsonPath) step {
		st := skipValue
		for _, pat := range patterns {
			if p.match(pat, false) {
				return decodeValue
			}
			if p.match(pat, true) {
				st = descend
			}
		}
		return st
	}
}

// maxDepth bounds how deep a walk descends (routes only descend on known
// paths; this stops a recursive route on a hostile file).
const maxDepth = 200

// walkJSON reads one JSON document from r token by token. At each value it
// asks route what to do; visit gets the decoder positioned at a value to
// decode and must consume exactly that value. Only decoded values are held
// in memory whole. Errors carry the byte offset and path.
func walkJSON(ctx context.Context, r io.Reader, route func(jsonPath) step, visit func(jsonPath, *json.Decoder) error) error {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	w := &walker{ctx: ctx, dec: dec, route: route, visit: visit}
	if err := w.value(); err != nil {
		return err
	}
	if tok, err := dec.Token(); err != io.EOF {
		if err == nil {
			err = fmt.Errorf("unexpected %v after the end of the document", tok)
		}
		return atOffset(dec.InputOffset(), "", err)
	}
	return nil
}

type walker struct {
	ctx   context.Context
	dec   *json.Decoder
	route func(jsonPath) step
	visit func(jsonPath, *json.Decoder) error
	path  jsonPath
	n     int
}

func (w *walker) fail(err error) error {
	var pl *placeError
	if errors.As(err, &pl) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return atOffset(w.dec.InputOffset(), w.path.String(), err)
}

func (w *walker) value() error {
	if w.n++; w.n&1023 == 0 {
		if err := w.ctx.Err(); err != nil {
			return err
		}
	}
	switch w.route(w.path) {
	case decodeValue:
		if err := w.visit(w.path, w.dec); err != nil {
			return w.fail(err)
		}
		return nil
	case skipValue:
		return w.skip()
	}
	if len(w.path) > maxDepth {
		return w.fail(errors.New("nested too deep"))
	}
	tok, err := w.dec.Token()
	if err != nil {
		return w.fail(err)
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil // a scalar where a container was expected: nothing inside
	}
	for i := 0; w.dec.More(); i++ {
		seg := pathSeg{index: -1}
		if d == '{' {
			k, err := w.dec.Token()
			if err != nil {
				return w.fail(err)
			}
			seg.key, _ = k.(string)
		} else {
			seg.index = i
		}
		w.path = append(w.path, seg)
		if err := w.value(); err != nil {
			return err
		}
		w.path = w.path[:len(w.path)-1]
	}
	if _, err := w.dec.Token(); err != nil { // the closing delimiter
		return w.fail(err)
	}
	return nil
}

// skip reads past one value without keeping it.
func (w *walker) skip() error {
	depth := 0
	for {
		tok, err := w.dec.Token()
		if err != nil {
			return w.fail(err)
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
	}
}

// eachRecord reads a format that comes either as a JSON array of records
// or as JSON lines (one record per line), calling fn with the record's line
// (JSON lines) or path (array) and a function that decodes it.
func eachRecord(ctx context.Context, r *bufio.Reader, s *sink, fn func(line int, path string, decode func(any) error) error) error {
	first, err := firstByte(r)
	if err != nil {
		return err
	}
	if first == '[' {
		return walkJSON(ctx, r, routeTo([]string{"[]"}), func(p jsonPath, dec *json.Decoder) error {
			if err := s.record(); err != nil {
				return err
			}
			return fn(0, p.String(), dec.Decode)
		})
	}
	if first == '{' && !firstLineIsJSON(r) {
		return eachValue(ctx, r, s, fn)
	}
	lr := newLineReader(r, s.opts.maxLine())
	for {
		line, err := lr.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return atLine(lr.line, err)
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if err := s.record(); err != nil {
			return err
		}
		if err := fn(lr.line, "", func(v any) error { return json.Unmarshal(line, v) }); err != nil {
			return atLine(lr.line, err)
		}
	}
}

// firstLineIsJSON reports whether the first non-empty line (as far as the
// read buffer holds it) is a JSON value of its own, as in JSON lines; a
// pretty-printed object is not.
func firstLineIsJSON(r *bufio.Reader) bool {
	b, _ := r.Peek(r.Size())
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		if line = bytes.TrimSpace(line); len(line) > 0 {
			return json.Valid(line)
		}
	}
	return false
}

// eachValue reads a stream of JSON values that are not one per line: a
// single pretty-printed object (`describe` or `show` output) or several
// concatenated ones. Errors carry the byte offset.
func eachValue(ctx context.Context, r io.Reader, s *sink, fn func(line int, path string, decode func(any) error) error) error {
	dec := json.NewDecoder(r)
	for i := 0; ; i++ {
		if err := s.record(); err != nil {
			return err
		}
		err := fn(0, "", func(v any) error { return dec.Decode(v) })
		if err == io.EOF && i > 0 {
			s.stats.Records--
			return nil
		}
		if err != nil {
			return atOffset(dec.InputOffset(), "", err)
		}
		if !dec.More() {
			if _, err := dec.Token(); err != io.EOF {
				return atOffset(dec.InputOffset(), "", fmt.Errorf("unexpected data after value %d", i+1))
			}
			return nil
		}
	}
}

// firstByte returns the first byte that is not white space or a byte order
// mark, without consuming it; 0 for an empty input.
func firstByte(r *bufio.Reader) (byte, error) {
	for n := 1; ; n++ {
		b, err := r.Peek(n)
		if len(b) < n {
			if err == io.EOF || err == bufio.ErrBufferFull {
				return 0, nil
			}
			return 0, err
		}
		c := b[n-1]
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0xEF || c == 0xBB || c == 0xBF {
			continue
		}
		return c, nil
	}
}
