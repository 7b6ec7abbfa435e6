package baseline

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spillcheck/spillcheck/scanner"
)

// maxFileBytes bounds what Load reads.
const maxFileBytes = 256 << 20

// Load reads a baseline file: an accept list ({"accept": [...]}) or a
// previous spillcheck result file (a JSON array of results, a document with
// a "results" array, or JSONL with one result a line; lines that are not
// results, such as a summary, are skipped). A result file accepts every
// finding in it, with the reason "accepted from FILE".
func Load(path string) (*Baseline, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := Parse(io.LimitReader(f, maxFileBytes), path)
	if err != nil {
		return nil, fmt.Errorf("baseline %s: %w", path, err)
	}
	return b, nil
}

// Parse reads a baseline from r; name is the file name used in reasons.
func Parse(r io.Reader, name string) (*Baseline, error) {
	dec := json.NewDecoder(r)
	var (
		results []scanner.Result
		entries []Entry
		lists   int
	)
	for n := 1; ; n++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("JSON value %d: %w", n, err)
		}
		raw = bytes.TrimSpace(raw)
		switch {
		case len(raw) > 0 && raw[0] == '[':
			var rs []scanner.Result
			if err := json.Unmarshal(raw, &rs); err != nil {
				return nil, fmt.Errorf("JSON value %d: not a list of results: %w", n, err)
			}
			results = append(results, rs...)
		case len(raw) > 0 && raw[0] == '{':
			var probe map[string]json.RawMessage
			if err := json.Unmarshal(raw, &probe); err != nil {
				return nil, fmt.Errorf("JSON value %d: %w", n, err)
			}
			if err := decodeObject(raw, probe, &results, &entries, &lists); err != nil {
				return nil, fmt.Errorf("JSON value %d: %w", n, err)
			}
		default:
			return nil, fmt.Errorf("JSON value %d is neither an object nor an array", n)
		}
	}
	if lists > 0 && len(results) > 0 {
		return nil, errors.New("the file mixes an accept list with results")
	}
	if lists == 0 && len(results) == 0 {
		return nil, errors.New("no accept list and no results in the file")
	}
	if lists > 0 {
		return New(entries)
	}
	return FromResults(results, "accepted from "+name), nil
}

func decodeObject(raw []byte, probe map[string]json.RawMessage, results *[]scanner.Result, entries *[]Entry, lists *int) error {
	switch {
	case probe["accept"] != nil:
		var f file
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			return fmt.Errorf("accept list: %w", err)
		}
		if f.Version > 1 {
			return fmt.Errorf("accept list version %d is newer than this spillcheck reads (1)", f.Version)
		}
		*entries = append(*entries, f.Accept...)
		*lists++
	case probe["results"] != nil:
		var doc struct {
			Results []scanner.Result `json:"results"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			return fmt.Errorf("results document: %w", err)
		}
		*results = append(*results, doc.Results...)
	case probe["target"] != nil:
		var r scanner.Result
		if err := json.Unmarshal(raw, &r); err != nil {
			return fmt.Errorf("result: %w", err)
		}
		*results = append(*results, r)
	}
	return nil
}
