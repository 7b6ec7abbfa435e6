package fingerprints

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// RuleFile is the JSON form of a rule file: the embedded rules.json and any
// file given with --rules.
type RuleFile struct {
	// Version is 1.
	Version int    `json:"version"`
	Rules   []Rule `json:"rules"`
}

// Rule maps field-name (or container-name) terms to a category and weight.
//
// A term is one or more words separated by spaces, matched against the
// words of a tokenized path (see Tokenize): "phone number" matches
// "phone_number", "phoneNumber", "phone-number" and "phonenumber". A term
// may be a redaction placeholder such as "<phone>".
type Rule struct {
	ID       string  `json:"id"`
	Category string  `json:"category"`
	Weight   float64 `json:"weight"`
	// Scope is "field" (the default) for field paths and hash fields, or
	// "container" for index, collection and key-pattern names.
	Scope string `json:"scope,omitempty"`
	// Position says where in a path a term must sit: "any" (the default),
	// "last" (it ends the path), "leaf" (inside the last segment), or
	// "segment" (it is a whole segment, such as "to" in "message.to").
	Position string   `json:"position,omitempty"`
	Terms    []string `json:"terms"`
	// Unless lists words that veto the rule when any appears in the path:
	// "mobile" is no phone in "is_mobile_app".
	Unless []string `json:"unless,omitempty"`
	// Within, on a field rule, names container rules: the field rule
	// counts only in a container whose name one of them matches (a bare
	// "token" is a push token in "push_tokens", not in "user_tokens").
	// Its examples may be written "CONTAINER > FIELD".
	Within []string `json:"within,omitempty"`
	// Outside, on a field rule, names container rules too: the field rule
	// does not count in a container whose name one of them matches (a
	// participant of a calendar event is no party to a conversation, a
	// board's members are no room's). Examples may be written
	// "CONTAINER > FIELD", as for Within.
	Outside []string `json:"outside,omitempty"`
	// Sources cite where a term comes from: non-English terms name a
	// dictionary page or a public schema that uses them.
	Sources     map[string]string `json:"sources,omitempty"`
	Description string            `json:"description,omitempty"`
	// Match and NoMatch are examples the rule must and must not match. They
	// are checked when rules load, and by the table test.
	Match   []string `json:"match"`
	NoMatch []string `json:"no_match"`
	// Disabled, in a --rules file, removes the embedded rule of that id.
	Disabled bool `json:"disabled,omitempty"`
}

// Rule scopes and positions.
const (
	ScopeField     = "field"
	ScopeContainer = "container"

	PosAny     = "any"
	PosLast    = "last"
	PosLeaf    = "leaf"
	PosSegment = "segment"
)

// ErrRules wraps every rule-file error, so the CLI can map it to the usage
// exit code.
var ErrRules = errors.New("invalid rules")

// parseRuleFile decodes a rule file strictly: unknown keys are errors, so a
// typo such as "wieght" is reported instead of silently ignored.
func parseRuleFile(name string, data []byte) (RuleFile, error) {
	var f RuleFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			line, col := lineCol(data, se.Offset)
			return f, fmt.Errorf("%w: %s:%d:%d: %v", ErrRules, name, line, col, err)
		case errors.As(err, &te):
			line, col := lineCol(data, te.Offset)
			return f, fmt.Errorf("%w: %s:%d:%d: field %q: %v", ErrRules, name, line, col, te.Field, err)
		}
		return f, fmt.Errorf("%w: %s: %v", ErrRules, name, err)
	}
	if f.Version != 1 {
		return f, fmt.Errorf("%w: %s: version must be 1, got %d", ErrRules, name, f.Version)
	}
	return f, nil
}

// lineCol converts a byte offset into a 1-based line and column.
func lineCol(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line, col := 1, 1
	for _, c := range data[:off] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// merge applies overlay rules to base: a rule with a known id replaces it
// (or removes it when Disabled), a new id is appended.
func merge(base, overlay []Rule) []Rule {
	out := append([]Rule(nil), base...)
	for _, r := range overlay {
		i := indexOfRule(out, r.ID)
		switch {
		case i >= 0 && r.Disabled:
			out = append(out[:i], out[i+1:]...)
		case i >= 0:
			out[i] = r
		case !r.Disabled:
			out = append(out, r)
		}
	}
	return out
}

func indexOfRule(rules []Rule, id string) int {
	for i, r := range rules {
		if r.ID == id {
			return i
		}
	}
	return -1
}

// validate checks one rule's shape; examples are checked after compiling.
func (r *Rule) validate() error {
	if r.ID == "" || strings.Trim(r.ID, "abcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
		return fmt.Errorf("id must be lower-case letters, digits, '-' or '_'")
	}
	if r.Scope == "" {
		r.Scope = ScopeField
	}
	if r.Position == "" {
		r.Position = PosAny
	}
	if r.Scope != ScopeField && r.Scope != ScopeContainer {
		return fmt.Errorf("scope %q: want %q or %q", r.Scope, ScopeField, ScopeContainer)
	}
	switch r.Position {
	case PosAny, PosLast, PosLeaf, PosSegment:
	default:
		return fmt.Errorf("position %q: want any, last, leaf or segment", r.Position)
	}
	if len(r.Within) > 0 && r.Scope != ScopeField {
		return fmt.Errorf("within is for field rules: it names the container rules a field rule needs")
	}
	if len(r.Outside) > 0 && r.Scope != ScopeField {
		return fmt.Errorf("outside is for field rules: it names the container rules in which a field rule does not count")
	}
	for _, id := range r.Outside {
		if slices.Contains(r.Within, id) {
			return fmt.Errorf("container rule %q is named both in within and in outside", id)
		}
	}
	cat, ok := categoryIndex[r.Category]
	if !ok {
		return fmt.Errorf("unknown category %q", r.Category)
	}
	if (categories[cat].container) != (r.Scope == ScopeContainer) {
		return fmt.Errorf("category %q is for %s rules", r.Category, scopeOf(categories[cat].container))
	}
	if math.IsNaN(r.Weight) || r.Weight == 0 || r.Weight > 1 || r.Weight < -1 {
		return fmt.Errorf("weight %v: want a non-zero number in [-1, 1]", r.Weight)
	}
	if neg := categories[cat].negative; neg != (r.Weight < 0) {
		if neg {
			return fmt.Errorf("weight %v: category %q counts against messaging PII, so its weight must be negative", r.Weight, r.Category)
		}
		return fmt.Errorf("weight %v: only the negative container categories (logs, statistics, content, commerce) take negative weights", r.Weight)
	}
	if len(r.Terms) == 0 {
		return fmt.Errorf("no terms")
	}
	veto := map[string]bool{}
	for _, u := range r.Unless {
		if w := Tokenize(u); len(w) != 1 || w[0] != u {
			return fmt.Errorf("unless word %q: want one lower-case word", u)
		}
		if veto[u] {
			return fmt.Errorf("unless word %q listed twice", u)
		}
		veto[u] = true
	}
	seen := map[string]bool{}
	for _, term := range r.Terms {
		words := splitTerm(term)
		if canon := canonicalTerm(words); canon == "" || canon != term {
			return fmt.Errorf("term %q: write terms as lower-case words separated by single spaces (or ':' where a key's segment ends), accents folded (%q)", term, canon)
		}
		// An unless word vetoes the rule wherever it stands in a path,
		// its own match included, so a term holding one could never match.
		for _, w := range words {
			if w = strings.TrimPrefix(w, ":"); veto[w] {
				return fmt.Errorf("term %q can never match: its word %q is one of the rule's unless words", term, w)
			}
		}
		if seen[term] {
			return fmt.Errorf("term %q listed twice", term)
		}
		seen[term] = true
	}
	for term := range r.Sources {
		if !seen[term] {
			return fmt.Errorf("source given for %q, which is not one of the rule's terms", term)
		}
	}
	if len(r.Match) == 0 {
		return fmt.Errorf("no match examples: every rule needs at least one")
	}
	return nil
}

func scopeOf(container bool) string {
	if container {
		return ScopeContainer
	}
	return ScopeField
}

// canonicalTerm is how a term must be written, given its words as
// splitTerm finds them: separated by single spaces, or by ':' where the
// next word starts a new segment ("drivers:geo"), except that Chinese,
// Japanese and Korean characters, each a word of its own, are written
// together ("消息").
func canonicalTerm(words termWords) string {
	var b strings.Builder
	for i, w := range words {
		switch {
		case strings.HasPrefix(w, ":"):
		case i > 0 && !(isIdeographWord(words[i-1]) && isIdeographWord(w)):
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	return b.String()
}

func isIdeographWord(w string) bool {
	r, n := utf8.DecodeRuneInString(w)
	return n == len(w) && isIdeograph(r)
}
