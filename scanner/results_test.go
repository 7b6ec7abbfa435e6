package scanner

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func sampleResults() []Result {
	return []Result{
		{Target: Target{Host: "127.0.0.1", Port: 6379, Service: Redis}, Status: StatusOpen, Product: "redis",
			Containers: []Container{{Kind: "key-pattern", Name: "chat:<phone>:inbox", Docs: Int64(3)}},
			Score:      &Score{Likelihood: 90, Severity: SeverityHigh}},
		{Target: Target{Host: "127.0.0.1", Port: 9200, Service: Elasticsearch}, Status: StatusClosed, Error: "refused"},
	}
}

func TestReadResultsJSONLAndDocument(t *testing.T) {
	var lines bytes.Buffer
	for _, r := range sampleResults() {
		b, _ := json.Marshal(r)
		lines.Write(append(b, '\n'))
	}
	docs, _ := json.Marshal(map[string]any{"tool": map[string]string{"name": "spillcheck"}, "results": sampleResults(), "summary": map[string]int{"targets": 2}})
	for name, in := range map[string]string{"jsonl": lines.String(), "json": string(docs)} {
		var got []Result
		if err := ReadResults(strings.NewReader(in), name, func(r Result) error { got = append(got, r); return nil }); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(got) != 2 || got[0].Score.Severity != SeverityHigh || *got[0].Containers[0].Docs != 3 || got[1].Status != StatusClosed {
			t.Errorf("%s: read %+v", name, got)
		}
	}
}

func TestReadResultsTruncatedAndBad(t *testing.T) {
	b, _ := json.Marshal(sampleResults()[0])
	in := string(b) + "\n" + string(b[:len(b)/2])
	n := 0
	err := ReadResults(strings.NewReader(in), "state.jsonl", func(Result) error { n++; return nil })
	if !errors.Is(err, ErrTruncated) || n != 1 {
		t.Errorf("truncated: err %v after %d results", err, n)
	}
	err = ReadResults(strings.NewReader(string(b)+"\n{\"not\":\"a result\"}\n"), "x.jsonl", func(Result) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "x.jsonl:2: not a spillcheck result") {
		t.Errorf("bad line: %v", err)
	}
}

func FuzzReadResults(f *testing.F) {
	b, _ := json.Marshal(sampleResults()[0])
	f.Add(string(b) + "\n")
	f.Add(`{"tool":{},"results":[` + string(b) + `]}`)
	f.Add(`{"tool":{},"results":{}}`)
	f.Fuzz(func(t *testing.T, s string) {
		_ = ReadResults(strings.NewReader(s), "fuzz", func(r Result) error {
			if r.Target.Service == "" || r.Status == "" {
				t.Fatalf("empty result passed on from %q", s)
			}
			return nil
		})
	})
}
