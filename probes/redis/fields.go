package redis

import (
	"github.com/spillcheck/spillcheck/scanner/redact"
)

// fieldNames appends to names the names in an HSCAN, HRANDFIELD, HKEYS or
// JSON.OBJKEYS reply. JSON.OBJKEYS with a JSONPath answers an array per
// match; the names of all of them are returned.
func fieldNames(names []string, r reply, hscan bool) ([]string, bool) {
	if r.kind != '*' {
		return nil, false
	}
	elems := r.elems
	if hscan {
		if len(elems) != 2 || elems[1].kind != '*' {
			return nil, false
		}
		elems = elems[1].elems
	}
	for _, e := range elems {
		switch {
		case e.kind == '$' && !e.null:
			names = append(names, e.str)
		case e.kind == '*':
			for _, n := range e.elems {
				if n.kind == '$' && !n.null {
					names = append(names, n.str)
				}
			}
		}
	}
	return names, true
}

// addFields counts each redacted field name once per key; redactName is
// redact.Name or a memo of it.
func (g *group) addFields(names []string, source string, redactName func(string) string) {
	g.read++
	g.source = source
	if g.fields == nil {
		g.fields = map[string]int{}
	}
	seen := map[string]bool{}
	for _, n := range names {
		p := redactName(n)
		if !seen[p] {
			seen[p] = true
			g.fields[p]++
		}
	}
}

// redactName is redact.Name, remembered for the names this probe has seen:
// the keys of one pattern mostly share their field names.
func (s *sampler) redactName(name string) string {
	if p, ok := s.redacted[name]; ok {
		return p
	}
	p := redact.Name(name)
	if s.redacted == nil {
		s.redacted = map[string]string{}
	}
	if len(s.redacted) < maxRedactMemo {
		s.redacted[name] = p
	}
	return p
}

// maxRedactMemo bounds the names redactName remembers.
const maxRedactMemo = 4096
