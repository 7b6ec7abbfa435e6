package scanner

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// printableResult rewrites every string a server chose (container, database
// and type names, attributes, field types and notes, facts, notes, the
// product, version and error) with Printable, so that a hostile store
// cannot write terminal escapes into the table an operator reads. Field
// paths were already passed through redact.Name, which does the same.
func printableResult(r *Result) {
	r.Product, r.Version, r.Auth, r.Error = Printable(r.Product), Printable(r.Version), Printable(r.Auth), Printable(r.Error)
	for k, v := range r.Facts {
		r.Facts[k] = Printable(v)
	}
	for i, n := range r.Notes {
		r.Notes[i] = Printable(n)
	}
	for i := range r.Containers {
		c := &r.Containers[i]
		c.Name, c.Database, c.Type = Printable(c.Name), Printable(c.Database), Printable(c.Type)
		for k, v := range c.Attrs {
			c.Attrs[k] = Printable(v)
		}
		for j := range c.Fields {
			f := &c.Fields[j]
			f.Type, f.Note = Printable(f.Type), Printable(f.Note)
		}
	}
}

// Printable returns s with each byte that is not UTF-8 and each control or
// bidirectional-override character written as a Go escape (\x1b, \xff,
// \u202e). Other text, non-ASCII letters included, is returned as is,
// without a copy.
func Printable(s string) string {
	i := strings.IndexFunc(s, needsEscape)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1, r < utf8.RuneSelf && needsEscape(r):
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case needsEscape(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// MaxFactLen bounds each fact, version and product string a probe keeps
// from a server's banner or INFO.
const MaxFactLen = 64

// Shorten cuts s to at most n bytes, on a rune boundary, marked with
// "...": a server-chosen string kept in a result or an error.
func Shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

// needsEscape reports control characters (C0, DEL, C1), the bidirectional
// controls that reorder what a terminal shows, and U+FFFD, which is how
// strings.IndexFunc sees a byte that is not UTF-8.
func needsEscape(r rune) bool {
	return unicode.IsControl(r) || r == utf8.RuneError ||
		(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f
}
