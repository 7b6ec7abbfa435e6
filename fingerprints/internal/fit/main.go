// Command fit fits the scoring model on the labeled corpus and writes
// fingerprints/model.json: `make fit`, or
//
//	go run ./fingerprints/internal/fit [-corpus DIR] [-o FILE] [-date YYYY-MM-DD]
//
// It reads no network and no clock but for the date it records (the
// SOURCE_DATE_EPOCH environment variable, or -date, fixes that too): the
// same corpus and rules give the same weights.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spillcheck/spillcheck/fingerprints"
	"github.com/spillcheck/spillcheck/fingerprints/internal/corpus"
)

func main() {
	dir := flag.String("corpus", "testdata/corpus", "corpus `DIR`")
	out := flag.String("o", "fingerprints/model.json", "model `FILE` to write")
	date := flag.String("date", "", "training date to record (default: SOURCE_DATE_EPOCH or today, UTC)")
	flag.Parse()
	if err := run(*dir, *out, *date); err != nil {
		fmt.Fprintln(os.Stderr, "fit:", err)
		os.Exit(1)
	}
}

func run(dir, out, date string) error {
	if date == "" {
		t := time.Now().UTC()
		if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
			sec, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return fmt.Errorf("SOURCE_DATE_EPOCH %q: %v", s, err)
			}
			t = time.Unix(sec, 0).UTC()
		}
		date = t.Format("2006-01-02")
	}
	e, err := fingerprints.LoadWithModel(fingerprints.BlankModel())
	if err != nil {
		return err
	}
	entries, probs, err := corpus.Load(dir)
	if err != nil {
		return err
	}
	for _, p := range probs {
		fmt.Fprintln(os.Stderr, "corpus:", p)
	}
	m, err := corpus.Fit(corpus.Prepare(e, entries), date)
	if err != nil {
		return err
	}
	b, err := marshal(m)
	if err != nil {
		return err
	}
	if _, err := fingerprints.ParseModel(b); err != nil {
		return fmt.Errorf("the fitted model does not check: %w", err)
	}
	if err := os.WriteFile(out, append(b, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Printf("fit: %d schemas from %d projects (%d positives), %d rows, high from model probability %.3f: wrote %s\n",
		m.Corpus.Schemas, m.Corpus.Projects, m.Corpus.Positives, m.Corpus.Rows, m.HighThreshold, out)
	return nil
}

// marshal writes the model with one feature per line, so a diff of two fits
// reads weight by weight.
func marshal(m *fingerprints.Model) ([]byte, error) {
	head := *m
	head.Features = nil
	var hb bytes.Buffer
	enc := json.NewEncoder(&hb)
	enc.SetEscapeHTML(false) // ">=" in the method stays readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(head); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Write(bytes.TrimSuffix(bytes.TrimSpace(hb.Bytes()), []byte(",\n  \"features\": null\n}")))
	out.WriteString(",\n  \"features\": [\n")
	for i, f := range m.Features {
		line, err := json.Marshal(f)
		if err != nil {
			return nil, err
		}
		out.WriteString("    ")
		out.Write(line)
		if i < len(m.Features)-1 {
			out.WriteString(",")
		}
		out.WriteString("\n")
	}
	out.WriteString("  ]\n}")
	return out.Bytes(), nil
}
