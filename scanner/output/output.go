// Package output writes scan results as they finish: a table for people,
// JSON lines for pipes, and one JSON document. Each format is one file
// behind the Sink interface.
package output

import "github.com/spillcheck/spillcheck/scanner"

// Sink receives results one at a time, then the summary once.
type Sink interface {
	// Result writes one finished result.
	Result(r *scanner.Result) error
	// Close writes whatever the format puts after the results.
	Close(sum *scanner.Summary) error
}

// Flusher is a Sink that buffers results; Flush writes out every result it
// holds. The CLI calls it whenever the scan has no finished result waiting.
type Flusher interface {
	Flush() error
}

// Multi sends every result to each sink in turn; the first error wins but
// every sink still gets every call, so one broken output loses nothing in
// the others.
type Multi []Sink

// Result implements Sink.
func (m Multi) Result(r *scanner.Result) error {
	var first error
	for _, s := range m {
		if err := s.Result(r); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Close implements Sink.
func (m Multi) Close(sum *scanner.Summary) error {
	var first error
	for _, s := range m {
		if err := s.Close(sum); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Flush implements Flusher: it flushes each sink that buffers.
func (m Multi) Flush() error {
	var first error
	for _, s := range m {
		if f, ok := s.(Flusher); ok {
			if err := f.Flush(); err != nil && first == nil {
				first = err
			}
		}
	}
	return first
}
