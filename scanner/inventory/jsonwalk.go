package inventory

import (
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

// boundedDecoder returns a decoder over r that fails once it holds more
// than max bytes it has not consumed: no single value it decodes whole, and
// no single token it skips, may be longer than about max bytes.
func boundedDecoder(r io.Reader, max int) *json.Decoder {
	b := &boundedInput{r: r, max: int64(max)}
	b.dec = json.NewDecoder(b)
	return b.dec
}

type boundedInput struct {
	r    io.Reader
	dec  *json.Decoder
	read int64
	max  int64
}

func (b *boundedInput) Read(p []byte) (int, error) {
	if b.read-b.dec.InputOffset() > b.max {
		return 0, fmt.Errorf("a JSON value longer than %d bytes", b.max)
	}
	n, err := b.r.Read(p)
	b.read += int64(n)
	return n, err
}

// walkJSON reads a JSON document (or several, one after another) from r
// token by token. At each value it
// asks route what to do; visit gets the decoder positioned at a value to
// decode and must consume exactly that value. Only decoded values are held
// in memory whole. Errors carry the byte offset and path.
func walkJSON(ctx context.Context, r io.Reader, max int, route func(jsonPath) step, visit func(jsonPath, *json.Decoder) error) error {
	dec := boundedDecoder(r, max)
	dec.UseNumber()
	w := &walker{ctx: ctx, dec: dec, route: route, visit: visit}
	if err := w.value(); err != nil {
		return err
	}
	// Pages of a paginated export appended to one file (`aws ...
	// --starting-token` in a loop, `>> all.json`) are documents one after
	// another: each is walked as the first was.
	for dec.More() {
		if err := w.value(); err != nil {
			return err
		}
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
