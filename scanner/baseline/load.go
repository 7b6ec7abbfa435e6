package baseline

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spillcheck/spillcheck/scanner"
	"github.com/spillcheck/spillcheck/scanner/report"
)

// Load reads a baseline file: an accept list ({"accept": [...]}) or a
// previous spillcheck result file (--jsonl, or a --json document), which
// accepts every finding in it with the reason "accepted from FILE". Only
// results with findings are kept in memory.
func Load(path string) (*Baseline, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := Parse(f, path)
	if err != nil {
		return nil, fmt.Errorf("baseline %s: %w", path, err)
	}
	return b, nil
}

// Parse reads a baseline from r; name is the file name used in reasons and
// errors.
func Parse(r io.Reader, name string) (*Baseline, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if isAcceptList(br) {
		return parseAcceptList(br)
	}
	var results []scanner.Result
	n := 0
	err := scanner.ReadResults(br, name, func(res scanner.Result) error {
		n++
		if len(report.FindingsOf(&res)) > 0 {
			results = append(results, res)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, errors.New("no accept list and no results in the file")
	}
	return FromResults(results, "accepted from "+name), nil
}

// isAcceptList reports whether br starts with an object whose first key is
// "accept" or "version", as accept lists do; result lines start with
// "target" and documents with "tool" or "results".
func isAcceptList(br *bufio.Reader) bool {
	peek, _ := br.Peek(4096)
	dec := json.NewDecoder(bytes.NewReader(peek))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return false
	}
	key, _ := dec.Token()
	return key == "accept" || key == "version"
}

func parseAcceptList(r io.Reader) (*Baseline, error) {
	var f file
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("accept list: %w", err)
	}
	if dec.More() {
		return nil, errors.New("accept list: more than one JSON document")
	}
	if f.Version > 1 {
		return nil, fmt.Errorf("accept list version %d is newer than this spillcheck reads (1)", f.Version)
	}
	b, err := New(f.Accept)
	if err != nil {
		return nil, err
	}
	b.AcceptList = true
	return b, nil
}
