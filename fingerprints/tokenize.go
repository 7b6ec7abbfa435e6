package fingerprints

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokenizer splits field paths into lower-case words, reusing its buffers so
// that scoring a field allocates nothing once the buffers have grown.
//
// Segments are separated by '.', '/', ':', '[', ']' and '$' (nested
// Elasticsearch and MongoDB paths, Redis key patterns). Inside a segment,
// words break at any other non-alphanumeric byte (snake_case, kebab-case,
// spaces), at a lower-to-upper change (camelCase), before the last capital
// of a run followed by a lower-case letter (HTMLBody -> html body), and
// between letters and digits (address2 -> address 2), except in a word of
// one letter, one digit and one letter (f2b, k8s). A redacted
// placeholder such as "<phone>" is kept as one word, brackets included.
// Letters of other alphabets (Cyrillic, Greek, Arabic, Devanagari, Latin
// with accents) form words too, lower-cased, broken off from ASCII letters;
// each Chinese, Japanese or Korean character is a word of its own.
type tokenizer struct {
	buf    []byte     // lower-cased bytes of all words, back to back
	ends   []int      // end offset of each word in buf
	segs   []int      // segment index of each word
	joined [][2]int   // per segment: [first word, word count]
	whole  []byte     // scratch for a segment's words joined without separators
	comp   *compounds // splits words written together; nil splits none
	// vetoes are the words that are some rule's unless word, found by
	// matcher.findVetoes when vetoFound; split resets vetoFound.
	vetoes    []int
	vetoFound bool
}

func isSegSep(c byte) bool {
	return c == '.' || c == '/' || c == ':' || c == '[' || c == ']' || c == '$'
}

func isLower(c byte) bool { return c >= 'a' && c <= 'z' }
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlnum(c byte) bool { return isLower(c) || isUpper(c) || isDigit(c) }

// split tokenizes path into t's buffers and returns the number of words.
func (t *tokenizer) split(path string) int {
	t.buf, t.ends, t.segs, t.joined = t.buf[:0], t.ends[:0], t.segs[:0], t.joined[:0]
	t.vetoFound = false
	seg, segStart := 0, 0
	inWord, wide := false, false // wide: the open word holds non-ASCII letters
	lowerRune := false           // the last letter of a wide word was lower-case
	closeWord := func() {
		if !inWord {
			return
		}
		if t.comp != nil && !wide {
			start := 0
			if len(t.ends) > 0 {
				start = t.ends[len(t.ends)-1]
			}
			for _, c := range t.comp.cuts(t.buf[start:]) {
				t.ends = append(t.ends, start+c)
				t.segs = append(t.segs, seg)
			}
		}
		t.ends = append(t.ends, len(t.buf))
		t.segs = append(t.segs, seg)
		inWord = false
	}
	closeSeg := func() {
		closeWord()
		if n := len(t.ends) - segStart; n > 0 {
			t.joined = append(t.joined, [2]int{segStart, n})
			seg++
		}
		segStart = len(t.ends)
	}
	for i := 0; i < len(path); i++ {
		c := path[i]
		switch {
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(path[i:])
			i += size - 1
			switch f := foldLatin(r); {
			case f != "":
				// "teléfono" is "telefono": accents fold away, so one
				// term serves the spellings with and without them.
				if inWord && wide {
					closeWord()
				}
				t.buf = append(t.buf, f...)
				inWord, wide = true, false
			case isIdeograph(r):
				// Chinese, Japanese and Korean write words without
				// spaces: each character is a word, and a term of
				// several characters matches them in sequence.
				closeWord()
				t.buf = utf8.AppendRune(t.buf, r)
				inWord = true
				closeWord()
			case unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r):
				// A new word starts after an ASCII one, and at a hump:
				// "ТекстСообщения" is "текст сообщения".
				if inWord && (!wide || lowerRune && unicode.IsUpper(r)) {
					closeWord()
				}
				t.buf = utf8.AppendRune(t.buf, unicode.ToLower(r))
				inWord, wide, lowerRune = true, true, unicode.IsLower(r)
			default:
				closeWord()
			}
		case c == '<':
			closeWord()
			if j := indexByteFrom(path, i+1, '>'); j > i+1 && j-i <= 16 {
				t.buf = append(t.buf, '<')
				for k := i + 1; k < j; k++ {
					t.buf = append(t.buf, lower(path[k]))
				}
				t.buf = append(t.buf, '>')
				inWord = true
				closeWord()
				i = j
			}
		case isSegSep(c):
			closeSeg()
		case !isAlnum(c):
			closeWord()
		default:
			if inWord {
				p := path[i-1]
				if wide || isUpper(c) && isLower(p) || isDigit(c) != isDigit(p) ||
					isUpper(c) && isUpper(p) && i+1 < len(path) && isLower(path[i+1]) {
					closeWord()
				}
			}
			if !inWord && letterDigitLetter(path, i) {
				// "f2b", "k8s", "b2b", "p2p": one word, not three.
				t.buf = append(t.buf, lower(c), path[i+1], lower(path[i+2]))
				i += 2
				inWord, wide = true, false
				continue
			}
			t.buf = append(t.buf, lower(c))
			inWord, wide = true, false
		}
	}
	closeSeg()
	return len(t.ends)
}

// letterDigitLetter reports whether path holds at i a word of one letter,
// one digit and one letter ("f2b" of fail2ban, "k8s", "b2b", "e2e"): an
// abbreviation written as one word, which splitting would scatter into
// single letters. The letters are of one case and the word ends at a
// separator, the end of the path or a camelCase hump.
func letterDigitLetter(path string, i int) bool {
	if i+2 >= len(path) || !isDigit(path[i+1]) {
		return false
	}
	a, b := path[i], path[i+2]
	if !(isLower(a) && isLower(b) || isUpper(a) && isUpper(b)) {
		return false
	}
	if i+3 == len(path) {
		return true
	}
	n := path[i+3]
	return !isAlnum(n) || isLower(b) && isUpper(n)
}

// isIdeograph reports the scripts written without spaces between words:
// Han, Hiragana, Katakana and Hangul.
func isIdeograph(r rune) bool {
	return r == 0x30FC || r == 0x3005 || // the kana length mark ー and the repeat mark 々
		unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// word returns word i; map lookups with string(t.word(i)) do not allocate.
func (t *tokenizer) word(i int) []byte {
	start := 0
	if i > 0 {
		start = t.ends[i-1]
	}
	return t.buf[start:t.ends[i]]
}

// segWhole returns segment s's words joined without separators, e.g.
// "phone_number" -> "phonenumber".
func (t *tokenizer) segWhole(s int) []byte {
	first, n := t.joined[s][0], t.joined[s][1]
	t.whole = t.whole[:0]
	for i := first; i < first+n; i++ {
		t.whole = append(t.whole, t.word(i)...)
	}
	return t.whole
}

func lower(c byte) byte {
	if isUpper(c) {
		return c + 'a' - 'A'
	}
	return c
}

func indexByteFrom(s string, from int, c byte) int {
	for i := from; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// Tokenize returns the lower-case words of a field path, as the rules see
// them: "sender.phoneNumber" -> [sender phone number].
func Tokenize(path string) []string {
	var t tokenizer
	n := t.split(path)
	out := make([]string, n)
	for i := range n {
		out[i] = string(t.word(i))
	}
	return out
}

// latinFold maps the accented letters of Latin-1 and Latin Extended-A, by
// code point from U+00C0, to their base letters ("" for × and ÷).
var latinFold = strings.Fields(
	"a a a a a a ae c e e e e i i i i d n o o o o o - o u u u u y th ss " +
		"a a a a a a ae c e e e e i i i i d n o o o o o - o u u u u y th y " +
		"a a a a a a c c c c c c c c d d d d e e e e e e e e e e g g g g g g g g h h h h " +
		"i i i i i i i i i i ij ij j j k k k l l l l l l l l l l n n n n n n n n n " +
		"o o o o o o oe oe r r r r r r s s s s s s s s t t t t t t u u u u u u u u u u u u " +
		"w w y y y z z z z z z s")

// foldLatin returns the base letters of an accented Latin letter, or "".
func foldLatin(r rune) string {
	switch {
	case r >= 0xC0 && r <= 0x17F:
		if f := latinFold[r-0xC0]; f != "-" {
			return f
		}
	case r == 0x1A0 || r == 0x1A1: // Vietnamese ơ
		return "o"
	case r == 0x1AF || r == 0x1B0: // Vietnamese ư
		return "u"
	case r >= 0x218 && r <= 0x219: // Romanian ș
		return "s"
	case r >= 0x21A && r <= 0x21B: // Romanian ț
		return "t"
	case r >= 0x1EA0 && r <= 0x1EF9: // Vietnamese letters with tone marks
		switch {
		case r <= 0x1EB7:
			return "a"
		case r <= 0x1EC7:
			return "e"
		case r <= 0x1ECB:
			return "i"
		case r <= 0x1EE3:
			return "o"
		case r <= 0x1EF1:
			return "u"
		}
		return "y"
	}
	return ""
}
