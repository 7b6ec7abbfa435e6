package output

import (
	"bufio"
	"encoding/json"
	"io"

	"github.com/spillcheck/spillcheck/scanner"
)

// JSONL writes one result per line and flushes after each, so a reader (or
// a killed run) always sees every finished result.
type JSONL struct {
	w   *bufio.Writer
	enc *json.Encoder
}

// NewJSONL returns a JSONL sink on w.
func NewJSONL(w io.Writer) *JSONL {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &JSONL{w: bw, enc: enc}
}

// Result implements Sink.
func (j *JSONL) Result(r *scanner.Result) error {
	if err := j.enc.Encode(r); err != nil {
		return err
	}
	return j.w.Flush()
}

// Close implements Sink; JSON lines have no trailer.
func (j *JSONL) Close(*scanner.Summary) error { return j.w.Flush() }
