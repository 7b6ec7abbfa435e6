package output

import (
	"bufio"
	"encoding/json"
	"io"

	"github.com/spillcheck/spillcheck/scanner"
)

// JSON writes one document, {"tool":…,"results":[…],"summary":{…}}, streaming
// the results array so memory does not grow with the scan.
type JSON struct {
	w       *bufio.Writer
	version string
	n       int
}

// NewJSON returns a JSON-document sink on w.
func NewJSON(w io.Writer, toolVersion string) *JSON {
	return &JSON{w: bufio.NewWriter(w), version: toolVersion}
}

func (j *JSON) open() error {
	tool, _ := json.Marshal(map[string]string{"name": "spillcheck", "version": j.version})
	_, err := j.w.WriteString(`{"tool":` + string(tool) + `,"results":[`)
	return err
}

// Result implements Sink.
func (j *JSON) Result(r *scanner.Result) error {
	if j.n == 0 {
		if err := j.open(); err != nil {
			return err
		}
	} else if err := j.w.WriteByte(','); err != nil {
		return err
	}
	j.n++
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if _, err := j.w.Write(append([]byte("\n"), b...)); err != nil {
		return err
	}
	return j.w.Flush()
}

// Close implements Sink.
func (j *JSON) Close(sum *scanner.Summary) error {
	if j.n == 0 {
		if err := j.open(); err != nil {
			return err
		}
	}
	b, err := json.Marshal(sum)
	if err != nil {
		return err
	}
	if _, err := j.w.WriteString("\n],\"summary\":" + string(b) + "}\n"); err != nil {
		return err
	}
	return j.w.Flush()
}
