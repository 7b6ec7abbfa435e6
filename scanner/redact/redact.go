// Package redact turns key and field names that embed identifiers into
// patterns with typed placeholders: "chat:+8613800138000:inbox" becomes
// "chat:<phone>:inbox". Every name a probe reports passes through Name, so
// identifiers that stores use as names (phone numbers as Redis keys or as
// MongoDB field names) never leave spillcheck.
package redact

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Placeholders that replace identifiers in key and field names. The
// fingerprints engine reads <phone> and <email> as PII evidence, so their
// spelling is part of the result format.
const (
	Phone = "<phone>"
	Email = "<email>"
	UUID  = "<uuid>"
	Hex   = "<hex>"
	Int   = "<int>"
	IP    = "<ip>"
	Token = "<token>"
	Bin   = "<bin>"
	ID    = "<id>"   // a segment that varies from key to key (see collapse)
	Long  = "<long>" // marks a name cut at maxRedactLen bytes
)

// maxRedactLen bounds the bytes of one name that are redacted and reported.
const maxRedactLen = 512

// Name turns a key or field name into a pattern: e-mail addresses, UUIDs,
// IPv4 addresses, phone numbers (E.164 with "+", or bare runs of 11 to 15
// digits that are not millisecond timestamps), long hex strings, random
// looking tokens and integers become typed placeholders, and bytes that are
// not printable UTF-8 become <bin>. Letters and separators stay as they are.
func Name(name string) string {
	long := len(name) > maxRedactLen
	if long {
		name = name[:maxRedactLen]
	}
	// b is filled only from the first change on: most names need none, and
	// then the name itself is returned without an allocation.
	var b strings.Builder
	changed := false
	change := func(i int) {
		if !changed {
			changed = true
			b.Grow(len(name) + 8)
			b.WriteString(name[:i])
		}
	}
	for i := 0; i < len(name); {
		if n := placeholderAt(name, i); n > 0 {
			if changed {
				b.WriteString(name[i : i+n]) // already redacted: Name is idempotent
			}
			i += n
			continue
		}
		if ph, n := match(name, i); n > 0 {
			change(i)
			b.WriteString(ph)
			i += n
			continue
		}
		r, size := utf8.DecodeRuneInString(name[i:])
		if (r == utf8.RuneError && size <= 1) || !unicode.IsPrint(r) || r == '<' || r == '>' {
			change(i)
			if !strings.HasSuffix(b.String(), Bin) {
				b.WriteString(Bin)
			}
			i += size
			continue
		}
		if changed {
			b.WriteString(name[i : i+size])
		}
		i += size
	}
	if long {
		change(len(name))
		b.WriteString(Long)
	}
	if !changed {
		return name
	}
	return b.String()
}

var placeholders = []string{Phone, Email, UUID, Hex, Int, IP, Token, Bin, ID, Long}

// placeholderAt returns the length of the placeholder at name[i:], or 0.
func placeholderAt(name string, i int) int {
	if name[i] != '<' {
		return 0
	}
	for _, p := range placeholders {
		if strings.HasPrefix(name[i:], p) {
			return len(p)
		}
	}
	return 0
}

// match tries each identifier shape at name[i:] and returns the placeholder
// and the number of bytes it replaces, or 0.
func match(s string, i int) (string, int) {
	c := s[i]
	if !isAlnum(c) && c != '+' {
		return "", 0
	}
	startsToken := i == 0 || !isAlnum(s[i-1])
	if startsToken {
		if n := matchEmail(s, i); n > 0 {
			return emailPlaceholder(s[i : i+n]), n
		}
		if n := matchUUID(s, i); n > 0 {
			return UUID, n
		}
		if n := matchIPv4(s, i); n > 0 {
			return IP, n
		}
		if c == '+' {
			if n := matchPlusPhone(s, i); n > 0 {
				return Phone, n
			}
			return "", 0
		}
		if n := matchHex(s, i); n > 0 {
			return Hex, n
		}
		if n := matchToken(s, i); n > 0 {
			return Token, n
		}
	}
	if isDigit(c) && (i == 0 || !isDigit(s[i-1])) {
		return matchDigits(s, i, startsToken)
	}
	return "", 0
}

// emailPlaceholder keeps the domain of a phone-number address such as a
// messaging JID ("8613800138000@s.whatsapp.net"), which names a service, not
// a person.
func emailPlaceholder(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	local := strings.TrimPrefix(addr[:at], "+")
	if n := len(local); n >= 7 && n <= 15 && allDigits(local) {
		return Phone + "@" + Name(addr[at+1:])
	}
	return Email
}

func matchEmail(s string, i int) int {
	j := i
	for j < len(s) && (isAlnum(s[j]) || strings.IndexByte("._%+-", s[j]) >= 0) {
		j++
	}
	if j == i || j >= len(s) || s[j] != '@' {
		return 0
	}
	j++
	start, lastDot := j, -1
	for j < len(s) && (isAlnum(s[j]) || s[j] == '.' || s[j] == '-') {
		if s[j] == '.' {
			lastDot = j
		}
		j++
	}
	for j > start && (s[j-1] == '.' || s[j-1] == '-') {
		j--
	}
	if lastDot >= j {
		lastDot = strings.LastIndexByte(s[start:j], '.')
		if lastDot >= 0 {
			lastDot += start
		}
	}
	if lastDot <= start || j-lastDot-1 < 2 || !allLetters(s[lastDot+1:j]) {
		return 0
	}
	return j - i
}

func matchUUID(s string, i int) int {
	const n = 36
	if len(s)-i < n || !endsToken(s, i+n) {
		return 0
	}
	for k := range n {
		c := s[i+k]
		if k == 8 || k == 13 || k == 18 || k == 23 {
			if c != '-' {
				return 0
			}
		} else if !isHex(c) {
			return 0
		}
	}
	return n
}

func matchIPv4(s string, i int) int {
	j := i
	for part := range 4 {
		if part > 0 {
			if j >= len(s) || s[j] != '.' {
				return 0
			}
			j++
		}
		k, v := j, 0
		for k < len(s) && isDigit(s[k]) && k-j < 3 {
			v = v*10 + int(s[k]-'0')
			k++
		}
		if k == j || v > 255 {
			return 0
		}
		j = k
	}
	if j < len(s) && (isAlnum(s[j]) || (s[j] == '.' && j+1 < len(s) && isDigit(s[j+1]))) {
		return 0
	}
	return j - i
}

// matchPlusPhone matches "+" and 7 to 15 digits, allowing "-", ".", " "
// and parentheses between them; the match ends at the last digit.
func matchPlusPhone(s string, i int) int {
	digits, end := 0, 0
	for j := i + 1; j < len(s); j++ {
		c := s[j]
		if isDigit(c) {
			digits++
			end = j + 1
		} else if c != '(' && (digits == 0 || strings.IndexByte("-. )", c) < 0) {
			break
		}
		if digits > 15 {
			return 0
		}
	}
	if digits < 7 || !endsToken(s, end) {
		return 0
	}
	return end - i
}

// matchHex matches 12 or more hex digits with at least one digit and one
// letter: session ids, hashes, ObjectIds.
func matchHex(s string, i int) int {
	j, digit, letter := i, false, false
	for j < len(s) && isHex(s[j]) {
		digit = digit || isDigit(s[j])
		letter = letter || !isDigit(s[j])
		j++
	}
	if j-i < 12 || !digit || !letter || !endsToken(s, j) {
		return 0
	}
	return j - i
}

// matchToken matches 16 or more base64url characters that mix letters and
// digits and switch character class often, as random tokens do and words and
// camelCase names do not.
func matchToken(s string, i int) int {
	j, switches, digit, letter := i, 0, false, false
	for j < len(s) && (isAlnum(s[j]) || s[j] == '_' || s[j] == '-') {
		if j > i && isAlnum(s[j-1]) && isAlnum(s[j]) && class(s[j-1]) != class(s[j]) {
			switches++
		}
		digit = digit || isDigit(s[j])
		letter = letter || isLetter(s[j])
		j++
	}
	n := j - i
	if j < len(s) && placeholderAt(s, j) > 0 {
		// The run went on into what a placeholder now stands for, and was
		// judged whole then: judging the rest alone would redact an
		// already redacted name differently (Name must be idempotent).
		return 0
	}
	for j < len(s) && s[j] == '=' && j-i-n < 2 {
		j++
	}
	if n < 16 || !digit || !letter || switches*4 < n || !endsToken(s, j) {
		return 0
	}
	return j - i
}

// matchDigits replaces a run of digits: 11 to 15 standing alone is a phone
// number unless it reads as a millisecond timestamp or a negative number;
// other runs of three or more, or any that stand alone, are integers.
func matchDigits(s string, i int, startsToken bool) (string, int) {
	j := i
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	n, alone := j-i, startsToken && endsToken(s, j)
	msTimestamp := n == 13 && s[i] == '1'
	// A minus sign that starts a token makes the run a negative number, as
	// Telegram writes the ids of groups and channels (-100123456789); no
	// one writes a phone number that way.
	negative := i > 0 && s[i-1] == '-' && (i == 1 || !isAlnum(s[i-2]))
	switch {
	case alone && n >= 11 && n <= 15 && !msTimestamp && !negative:
		return Phone, n
	case alone || n >= 3:
		return Int, n
	}
	return "", 0
}

func endsToken(s string, j int) bool { return j >= len(s) || !isAlnum(s[j]) }

func class(c byte) int {
	switch {
	case isDigit(c):
		return 0
	case c >= 'a' && c <= 'z':
		return 1
	}
	return 2
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }
func isAlnum(c byte) bool  { return isDigit(c) || isLetter(c) }
func isHex(c byte) bool    { return isDigit(c) || ((c|0x20) >= 'a' && (c|0x20) <= 'f') }

func allDigits(s string) bool {
	for i := range len(s) {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

func allLetters(s string) bool {
	for i := range len(s) {
		if !isLetter(s[i]) {
			return false
		}
	}
	return s != ""
}
