package fingerprints

import (
	"slices"
	"strings"
)

// termRef is one term of one rule, indexed by the term's first word.
type termRef struct {
	rest termWords // the words after the first
	rule int32     // index into matcher.rules
}

// compiledRule is a rule ready for matching.
type compiledRule struct {
	Rule
	cat     int
	unless  map[string]struct{}
	within  []int32 // container-matcher rules of Rule.Within
	outside []int32 // container-matcher rules of Rule.Outside
}

// inContainer reports whether a rule counts in a container whose name
// matched the container rules named (by index): its within condition
// holds and no rule of its outside matched.
func (r *compiledRule) inContainer(named []int32) bool {
	for _, o := range r.outside {
		if slices.Contains(named, o) {
			return false
		}
	}
	if len(r.within) == 0 {
		return true
	}
	for _, w := range r.within {
		if slices.Contains(named, w) {
			return true
		}
	}
	return false
}

// matcher finds the rules whose terms occur in a path. It does no regular
// expression work: one map lookup per word and one per multi-word segment.
type matcher struct {
	rules  []compiledRule
	first  map[string][]termRef
	comp   *compounds
	unless map[string]struct{} // unless words of all rules, these among them
}

// newMatcher indexes rules' terms. unless holds at least every unless word
// of rules: a name's words found there are the only ones looked up in a
// matched rule's own unless words (findVetoes).
func newMatcher(rules []compiledRule, unless map[string]struct{}) *matcher {
	m := &matcher{rules: rules, first: map[string][]termRef{}, unless: unless}
	for i, r := range rules {
		for _, term := range r.Terms {
			words := splitTerm(term) // "消息" is the two words 消 and 息
			m.first[words[0]] = append(m.first[words[0]], termRef{rest: words[1:], rule: int32(i)})
			if len(words) > 1 && !strings.Contains(term, ":") {
				// "phone number" also matches the compound "phonenumber";
				// a term across segments has none.
				compound := strings.Join(words, "")
				m.first[compound] = append(m.first[compound], termRef{rule: int32(i)})
			}
		}
	}
	// A word of five letters or more starts the terms of its other number
	// (otherNumbers): "childrens" those of "children", "friend" those of
	// "friends", "inboxes" those of "inbox", "histories" those of
	// "history". A word
	// that starts terms of its own keeps its one-word meaning (a "contact"
	// is no contact list), but still starts the other number's longer terms
	// it lacks: "friends_list" is a "friend list", "senders_ids" "sender
	// ids", whatever other terms start with "friends". A term whose other
	// words are placeholders is a one-word term of a key ("positions
	// <int>" is no "position:<int>"). Built here, so matching stays one
	// lookup.
	other := map[string][]termRef{}
	for w, refs := range m.first {
		if !isLower(w[0]) {
			continue
		}
		for _, alt := range otherNumbers(w) {
			if len(alt) < 5 {
				continue
			}
			own, taken := m.first[alt]
			if !taken {
				other[alt] = append(other[alt], refs...)
				continue
			}
			for _, r := range refs {
				if r.rest.wordy() && !startsRest(own, r.rest) {
					other[alt] = append(other[alt], r)
				}
			}
		}
	}
	for w, refs := range other {
		m.first[w] = append(m.first[w], refs...)
	}
	return m
}

// termWords are the words of a term after its first; a word that must
// start the next segment of a name carries a ':' prefix (splitTerm).
type termWords []string

// splitTerm returns the words of a term as the matcher follows them. A
// term written with ':' between two words ("drivers:geo") spans two
// segments of a name: the word after the ':' carries a ':' prefix and
// matches only as the first word of the segment after the one that ends
// with the word before it, so "drivers:geo" matches the key
// "onlineDrivers:geo" and not "drivers_count:geo" or "drivers_geo".
func splitTerm(term string) termWords {
	var t tokenizer
	n := t.split(term)
	out := make(termWords, n)
	for i := range n {
		w := string(t.word(i))
		if i > 0 && t.segs[i] != t.segs[i-1] {
			w = ":" + w
		}
		out[i] = w
	}
	return out
}

// wordy reports whether w holds a word that is not a placeholder.
func (w termWords) wordy() bool {
	for _, x := range w {
		if strings.TrimPrefix(x, ":")[0] != '<' {
			return true
		}
	}
	return false
}

// startsRest reports whether refs hold a term whose words after the
// first are rest.
func startsRest(refs []termRef, rest termWords) bool {
	for _, r := range refs {
		if slices.Equal(r.rest, rest) {
			return true
		}
	}
	return false
}

// ruleIndexes appends to dst the rule of each hit: the container rules a
// container's name matched, for field rules with within or outside.
func ruleIndexes(dst []int32, hits []hit) []int32 {
	for _, h := range hits {
		dst = append(dst, h.rule)
	}
	return dst
}

// hit is one rule matched by one path.
type hit struct {
	rule int32
}

// match appends to hits each rule that matches path, at most once per rule.
func (m *matcher) match(t *tokenizer, path string, hits []hit) []hit {
	t.comp = m.comp
	n := t.split(path)
	t.comp = nil
	if n == 0 {
		return hits
	}
	start := len(hits)
	// A name's last word and leaf segment are its last ones that are not
	// placeholders: "online" is the last word of "user:online:<uuid>".
	end := n
	for end > 1 && t.word(end - 1)[0] == '<' {
		end--
	}
	lastSeg := t.segs[end-1]
	for i := 0; i < n; i++ {
		for _, ref := range m.first[string(t.word(i))] {
			j, ok := t.follow(i, ref.rest)
			if ok && m.allowed(t, ref.rule, i, j, n, end, lastSeg) {
				hits = addHit(hits, start, ref.rule)
			}
		}
	}
	// A segment's words joined: "phone_number" -> "phonenumber", so a
	// one-word term "msisdn" still matches "MSISDN" written as "MS_ISDN".
	for s, js := range t.joined {
		if js[1] < 2 {
			continue
		}
		for _, ref := range m.first[string(t.segWhole(s))] {
			if len(ref.rest) == 0 && m.allowed(t, ref.rule, js[0], js[0]+js[1], n, end, lastSeg) {
				hits = addHit(hits, start, ref.rule)
			}
		}
	}
	return hits
}

// follow checks that words i+1... equal rest, and returns the end of the
// match. A term stays inside one segment, except that it may step into the
// next one to or from a placeholder: "user <int>" matches the key
// "user:<int>", "user <int> rooms" the key "user:<int>:rooms"; and a word
// written after ':' in the term must start the next segment: "room:history"
// matches "room:history:<uuid>".
func (t *tokenizer) follow(i int, rest []string) (int, bool) {
	j := i + 1
	for _, w := range rest {
		next := w[0] == ':'
		if next {
			w = w[1:]
		}
		if j >= len(t.ends) || string(t.word(j)) != w {
			return 0, false
		}
		switch {
		case next:
			if t.segs[j] != t.segs[j-1]+1 {
				return 0, false
			}
		case t.segs[j] != t.segs[j-1] && (t.segs[j] != t.segs[j-1]+1 || w[0] != '<' && t.word(j - 1)[0] != '<'):
			return 0, false
		}
		j++
	}
	return j, true
}

// allowed applies the rule's position and unless words to a match of
// words [i, j) of n; end is the name's last word that is no placeholder,
// plus one, and lastSeg that word's segment.
func (m *matcher) allowed(t *tokenizer, rule int32, i, j, n, end, lastSeg int) bool {
	r := &m.rules[rule]
	seg := t.segs[i]
	switch r.Position {
	case PosLast:
		if j != n && j != end {
			return false
		}
	case PosLeaf:
		if seg != lastSeg {
			return false
		}
	case PosSegment:
		js := t.joined[seg]
		if i != js[0] || j != js[0]+js[1] {
			return false
		}
	}
	if len(r.unless) > 0 {
		// Most rules have unless words, most names none: the name's
		// words are looked up once among all rules' unless words, and
		// only those found are looked up in this rule's.
		if !t.vetoFound {
			m.findVetoes(t, n)
		}
		for _, k := range t.vetoes {
			if _, veto := r.unless[string(t.word(k))]; veto {
				return false
			}
		}
	}
	return true
}

// findVetoes records in t the words of the name that are an unless word
// of some rule of m.
func (m *matcher) findVetoes(t *tokenizer, n int) {
	t.vetoes, t.vetoFound = t.vetoes[:0], true
	for k := 0; k < n; k++ {
		if _, ok := m.unless[string(t.word(k))]; ok {
			t.vetoes = append(t.vetoes, k)
		}
	}
}

func addHit(hits []hit, start int, rule int32) []hit {
	for _, h := range hits[start:] {
		if h.rule == rule {
			return hits
		}
	}
	return append(hits, hit{rule: rule})
}
