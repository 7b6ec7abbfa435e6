package scanner

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// ReadResults reads spillcheck results written with --jsonl (one result per
// line) or --json (one document with a "results" array), calling fn for each
// in order. A truncated last line, as a killed run leaves, is reported as
// ErrTruncated after every whole result was passed on. Errors name the line.
func ReadResults(r io.Reader, file string, fn func(Result) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	first, err := firstByte(br)
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return err
	}
	if first == '{' && firstKey(br) != "target" {
		return readDocument(br, file, fn)
	}
	return readLines(br, file, fn)
}

// firstKey returns the first key of the object at the start of br: a
// result line starts with "target", a document with "tool" or "results".
func firstKey(br *bufio.Reader) string {
	peek, _ := br.Peek(4096)
	dec := json.NewDecoder(bytes.NewReader(peek))
	if _, err := dec.Token(); err != nil {
		return ""
	}
	key, _ := dec.Token()
	s, _ := key.(string)
	return s
}

// ErrTruncated marks a results file whose last line was cut off.
var ErrTruncated = errors.New("last line is truncated")

func firstByte(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.Peek(1)
		if err != nil {
			return 0, err
		}
		switch b[0] {
		case ' ', '\t', '\r', '\n':
			_, _ = br.ReadByte()
		default:
			return b[0], nil
		}
	}
}

func readLines(br *bufio.Reader, file string, fn func(Result) error) error {
	line := 0
	for {
		text, err := br.ReadBytes('\n')
		if len(text) > 0 {
			line++
			complete := text[len(text)-1] == '\n'
			text = bytes.TrimSpace(text)
			if len(text) > 0 {
				var res Result
				if jerr := json.Unmarshal(text, &res); jerr != nil {
					if !complete {
						return &LineError{File: file, Line: line, Err: ErrTruncated}
					}
					return &LineError{File: file, Line: line, Err: fmt.Errorf("not a spillcheck result: %v", jerr)}
				}
				if (res.Target.Service == "" && !res.Target.Identified) || res.Status == "" {
					return &LineError{File: file, Line: line, Err: errors.New("not a spillcheck result: no target service or status")}
				}
				if ferr := fn(res); ferr != nil {
					return ferr
				}
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return &LineError{File: file, Line: line + 1, Err: err}
		}
	}
}

func readDocument(br *bufio.Reader, file string, fn func(Result) error) error {
	dec := json.NewDecoder(br)
	fail := func(err error) error {
		return fmt.Errorf("%s: offset %d: %w", file, dec.InputOffset(), err)
	}
	if _, err := dec.Token(); err != nil { // {
		return fail(err)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		if tok != "results" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return fail(err)
			}
			continue
		}
		if t, err := dec.Token(); err != nil || t != json.Delim('[') {
			return fail(fmt.Errorf("\"results\" is not an array"))
		}
		for dec.More() {
			var res Result
			if err := dec.Decode(&res); err != nil {
				return fail(err)
			}
			if (res.Target.Service == "" && !res.Target.Identified) || res.Status == "" {
				return fail(errors.New("not a spillcheck result: no target service or status"))
			}
			if err := fn(res); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil { // ]
			return fail(err)
		}
	}
	return nil
}
