package mongodb

import (
	"bytes"
	"slices"
	"testing"

	"github.com/spillcheck/spillcheck/scanner"
	"github.com/spillcheck/spillcheck/scanner/wire"
)

// TestOpening: the hello is helloSize bytes, so its first four bytes read
// "M\n\0\0" to a line-oriented server; it passes the guard; its comment
// says what it is; and the opening the scanner sends is the same message.
func TestOpening(t *testing.T) {
	msg := buildOpQuery(7, "admin", helloCommand())
	if len(msg) != helloSize || !bytes.HasPrefix(msg, []byte("M\n\x00\x00")) {
		t.Fatalf("hello is %d bytes starting %q, want %d starting \"M\\n\\x00\\x00\"", len(msg), msg[:4], helloSize)
	}
	if err := checkRequest(msg); err != nil {
		t.Fatal(err)
	}
	if c := helloCommand().Lookup("comment").StringValue(); !bytes.HasPrefix([]byte(c), []byte(helloComment)) {
		t.Errorf("comment %.40q does not start with the explanation", c)
	}
	open, by := New().(scanner.Speaker).Opening(scanner.Target{})
	if !bytes.Equal(open[4:8], []byte{openingRequestID, 0, 0, 0}) || !bytes.Equal(open[8:], msg[8:]) {
		t.Errorf("opening differs from the probe's hello")
	}
	if !slices.Contains(by, wire.MongoDB) || New().(scanner.Speaker).Protocol() != wire.MongoDB {
		t.Errorf("opening answered by %v", by)
	}
}
