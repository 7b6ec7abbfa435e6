package fingerprints

import (
	"bytes"
	"strings"
	"sync"
)

// compounds splits words written without separators ("chatrooms",
// "ertongxingming", "pushdevicetoken") into the rule vocabulary's words,
// so that "chat rooms", "ertong xingming" and "push device token" match. A
// word is split only when it is lower-case ASCII, at least minCompound
// letters long, not itself a vocabulary word, and covered entirely by
// vocabulary words of three letters or more (or the two-letter words of
// shortWords), in as few pieces as possible. A rule's unless word is never
// split either ("placeholder" is no "place holder"): it is vocabulary too,
// and only whole can it veto its rule. Splits are cached: scans see the
// same names again and again.
type compounds struct {
	known map[string]struct{} // words a piece may be
	whole map[string]struct{} // unless words: kept whole, never pieces
	mu    sync.RWMutex
	cache map[string][]int // word -> cut offsets; nil: no split
}

const (
	minCompound   = 7
	maxCompound   = 32
	maxCacheWords = 1 << 16
)

// shortWords are the two-letter pieces a compound may hold.
var shortWords = []string{"id", "at", "by", "to", "of", "on", "no", "nr", "in"}

// fillerWords are words names join to vocabulary words without being
// vocabulary themselves ("useridlist", "createtime").
var fillerWords = strings.Fields(`user users name names time date type types list info data detail details record records
	create created update updated delete deleted insert send sent get set add new old last first all my own other
	status state flag code key value main sub app web api sys log item items group groups table`)

// wholeWords are English words that hold vocabulary words but are never
// their compound: a "backend" is no "back end" (a time), APNs "feedback"
// (failed device tokens) no "feed back", "postfix" no "post fix".
var wholeWords = strings.Fields(`backend backends frontend frontends weekend weekends feedback postfix`)

// nounEndings end Spanish, Portuguese and Italian nouns of action, accents
// folded (-ción, -ção, -zione): such a word is one noun, never a compound,
// so "publicacion" is no "public aci on" and "relacion" no "rel aci on".
var nounEndings = []string{"cion", "cao", "zione"}

// newCompounds builds the splitter from the rules' terms; unless holds
// every rule's unless word, kept whole.
func newCompounds(rules []compiledRule, unless map[string]struct{}) *compounds {
	c := &compounds{known: map[string]struct{}{}, whole: unless, cache: map[string][]int{}}
	add := func(w string) {
		for i := 0; i < len(w); i++ {
			if !isLower(w[i]) {
				return
			}
		}
		c.known[w] = struct{}{}
	}
	for _, r := range rules {
		for _, term := range r.Terms {
			for _, w := range strings.FieldsFunc(term, isTermSep) {
				if len(w) >= 3 {
					add(w)
				}
			}
		}
	}
	for _, w := range fillerWords {
		add(w)
	}
	for _, w := range wholeWords {
		add(w)
	}
	for _, w := range shortWords {
		add(w)
	}
	return c
}

// isTermSep separates the words of a term: a space, or ':' between two
// segments of a key ("drivers:geo").
func isTermSep(r rune) bool { return r == ' ' || r == ':' }

// cuts returns the offsets inside w where it splits, or nil.
func (c *compounds) cuts(w []byte) []int {
	if len(w) < minCompound || len(w) > maxCompound {
		return nil
	}
	for _, b := range w {
		if !isLower(b) {
			return nil
		}
	}
	if _, ok := c.known[string(w)]; ok {
		return nil
	}
	if _, ok := c.whole[string(w)]; ok {
		return nil
	}
	c.mu.RLock()
	cut, ok := c.cache[string(w)]
	c.mu.RUnlock()
	if ok {
		return cut
	}
	cut = c.split(w)
	c.mu.Lock()
	if len(c.cache) < maxCacheWords {
		c.cache[string(w)] = cut
	}
	c.mu.Unlock()
	return cut
}

// split covers w with the fewest known pieces, by dynamic programming; a
// noun of action (nounEndings) is never split. Its result is cached.
func (c *compounds) split(w []byte) []int {
	for _, end := range nounEndings {
		if bytes.HasSuffix(w, []byte(end)) {
			return nil
		}
	}
	const inf = 127
	var best, prev [maxCompound + 1]int8
	for i := 1; i <= len(w); i++ {
		best[i] = inf
		for j := 0; j <= i-2; j++ {
			if best[j] == inf || best[j]+1 >= best[i] {
				continue
			}
			if _, ok := c.known[string(w[j:i])]; ok {
				best[i], prev[i] = best[j]+1, int8(j)
			}
		}
	}
	if best[len(w)] == inf || best[len(w)] < 2 {
		return nil
	}
	n := int(best[len(w)])
	cut := make([]int, n-1)
	for i, k := len(w), n-2; k >= 0; k-- {
		i = int(prev[i])
		cut[k] = i
	}
	return cut
}
