package report

import (
	"io"
	"testing"
)

// BenchmarkWriters measures each writer on 1,000 open stores with one
// scored container each; per-store cost is ns/op divided by 1,000.
func BenchmarkWriters(b *testing.B) {
	results := manyResults(1000)
	for name, w := range map[string]Writer{"sarif": SARIF("bench"), "markdown": Markdown(), "html": HTML()} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := w.Write(io.Discard, results, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
