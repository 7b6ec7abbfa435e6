package fingerprints

// tokenizer splits field paths into lower-case words, reusing its buffers so
// that scoring a field allocates nothing once the buffers have grown.
//
// Segments are separated by '.', '/', ':', '[', ']' and '$' (nested
// Elasticsearch and MongoDB paths, Redis key patterns). Inside a segment,
// words break at any other non-alphanumeric byte (snake_case, kebab-case,
// spaces), at a lower-to-upper change (camelCase), before the last capital
// of a run followed by a lower-case letter (HTMLBody -> html body), and
// between letters and digits (address2 -> address 2). A redacted
// placeholder such as "<phone>" is kept as one word, brackets included.
type tokenizer struct {
	buf    []byte   // lower-cased bytes of all words, back to back
	ends   []int    // end offset of each word in buf
	segs   []int    // segment index of each word
	joined [][2]int // per segment: [first word, word count]
	whole  []byte   // scratch for a segment's words joined without separators
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
	seg, segStart := 0, 0
	inWord := false
	closeWord := func() {
		if inWord {
			t.ends = append(t.ends, len(t.buf))
			t.segs = append(t.segs, seg)
			inWord = false
		}
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
				if isUpper(c) && isLower(p) || isDigit(c) != isDigit(p) ||
					isUpper(c) && isUpper(p) && i+1 < len(path) && isLower(path[i+1]) {
					closeWord()
				}
			}
			t.buf = append(t.buf, lower(c))
			inWord = true
		}
	}
	closeSeg()
	return len(t.ends)
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
