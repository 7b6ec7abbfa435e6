package inventory

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
)

// eachRecord reads a format that comes either as a JSON array of records
// or as JSON lines (one record per line), calling fn with the record's line
// (JSON lines) or path (array) and a function that decodes it.
func eachRecord(ctx context.Context, r *bufio.Reader, s *sink, fn func(line int, path string, decode func(any) error) error) error {
	first, err := firstByte(r)
	if err != nil {
		return err
	}
	if first == '[' {
		return walkJSON(ctx, r, s.opts.maxLine(), routeTo([]string{"[]"}), func(p jsonPath, dec *json.Decoder) error {
			if err := s.record(); err != nil {
				return err
			}
			return fn(0, p.String(), dec.Decode)
		})
	}
	if first == '{' && !firstLineIsJSON(r) {
		return eachValue(ctx, r, s, fn)
	}
	return eachLine(r, s, func(n int, line []byte) error {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			return nil
		}
		if err := s.record(); err != nil {
			return err
		}
		if err := fn(n, "", func(v any) error { return json.Unmarshal(line, v) }); err != nil {
			return atLine(n, err)
		}
		return nil
	})
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
	dec := boundedDecoder(r, s.opts.maxLine())
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
