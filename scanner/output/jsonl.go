package output

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"

	"github.com/spillcheck/spillcheck/scanner"
)

// jsonlBuffer is how many bytes of whole lines JSONL holds before writing.
const jsonlBuffer = 64 << 10

// JSONL writes one result per line. Lines are buffered and written whole:
// when the buffer is full, on Flush and on Close. Call Flush whenever the
// scan has no finished result waiting (scanner.Runner.Idle), so a reader
// sees each result as soon as the scan pauses. A killed run leaves only
// whole lines behind, and loses at most the lines written since the last
// Flush.
type JSONL struct {
	w    *bufio.Writer
	line bytes.Buffer
	enc  *json.Encoder
}

// NewJSONL returns a JSONL sink on w.
func NewJSONL(w io.Writer) *JSONL {
	j := &JSONL{w: bufio.NewWriterSize(w, jsonlBuffer)}
	j.enc = json.NewEncoder(&j.line)
	j.enc.SetEscapeHTML(false)
	return j
}

// Result implements Sink.
func (j *JSONL) Result(r *scanner.Result) error {
	j.line.Reset()
	if err := j.enc.Encode(r); err != nil {
		return err
	}
	// Write out what is buffered first rather than split this line: a line
	// longer than the buffer then goes out in one write of its own.
	if j.line.Len() > j.w.Available() && j.w.Buffered() > 0 {
		if err := j.w.Flush(); err != nil {
			return err
		}
	}
	_, err := j.w.Write(j.line.Bytes())
	return err
}

// Flush implements Flusher: it writes every buffered line.
func (j *JSONL) Flush() error { return j.w.Flush() }

// Close implements Sink; JSON lines have no trailer.
func (j *JSONL) Close(*scanner.Summary) error { return j.w.Flush() }
