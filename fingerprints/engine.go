package fingerprints

import (
	_ "embed"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
)

//go:embed rules.json
var embeddedRules []byte

// EmbeddedRules returns the rule file compiled into the binary.
func EmbeddedRules() []byte { return append([]byte(nil), embeddedRules...) }

// Engine scores field and container names for messaging PII. It is safe for
// concurrent use; ScoreResult implements scanner.Scorer.
type Engine struct {
	rules     []compiledRule // field and container rules, in file order
	field     *matcher
	container *matcher
	pool      sync.Pool // *scratch
	model     *Model
	weights   vector
	intercept float64
}

// Default returns an engine with the embedded rules and model.
func Default() (*Engine, error) { return LoadWith() }

// LoadWithModel is LoadWith scoring with m instead of the embedded model;
// the fitter uses it with BlankModel to compute features before any model
// exists.
func LoadWithModel(m *Model, extra ...[]byte) (*Engine, error) {
	e, err := loadRules(namedOf(extra))
	if err != nil {
		return nil, err
	}
	e.setModel(m)
	return e, nil
}

// BlankModel is a model with every weight 0, for computing features.
func BlankModel() *Model {
	m := &Model{Version: 1, HighThreshold: HighProbability}
	for _, n := range FeatureNames() {
		m.Features = append(m.Features, FeatureWeight{Name: n})
	}
	return m
}

// Load returns an engine with the embedded rules extended or overridden by
// the rule files at paths, in order: a rule whose id is already known
// replaces it (or, with "disabled": true, removes it); a new id is added.
// An error names the file and the rule.
func Load(paths ...string) (*Engine, error) {
	extra := make([]namedRules, 0, len(paths))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrRules, err)
		}
		extra = append(extra, namedRules{p, b})
	}
	return load(extra)
}

// LoadWith is Load for rule files already in memory, named "extra-1", ...
func LoadWith(extra ...[]byte) (*Engine, error) {
	return load(namedOf(extra))
}

func namedOf(extra [][]byte) []namedRules {
	named := make([]namedRules, len(extra))
	for i, b := range extra {
		named[i] = namedRules{fmt.Sprintf("extra-%d", i+1), b}
	}
	return named
}

type namedRules struct {
	name string
	data []byte
}

// load compiles the rules and reads the embedded model.
func load(extra []namedRules) (*Engine, error) {
	e, err := loadRules(extra)
	if err != nil {
		return nil, err
	}
	m, err := ParseModel(embeddedModel)
	if err != nil {
		return nil, fmt.Errorf("embedded model.json: %w", err)
	}
	e.setModel(m)
	return e, nil
}

func loadRules(extra []namedRules) (*Engine, error) {
	base, err := parseRuleFile("embedded rules.json", embeddedRules)
	if err != nil {
		return nil, err
	}
	origin := map[string]string{}
	if err := checkFile("embedded rules.json", base.Rules, origin); err != nil {
		return nil, err
	}
	rules := base.Rules
	for _, x := range extra {
		f, err := parseRuleFile(x.name, x.data)
		if err != nil {
			return nil, err
		}
		if err := checkFile(x.name, f.Rules, origin); err != nil {
			return nil, err
		}
		for _, r := range f.Rules {
			if r.Disabled && indexOfRule(rules, r.ID) < 0 {
				return nil, fmt.Errorf("%w: %s: rule %q is disabled but no earlier rule has that id", ErrRules, x.name, r.ID)
			}
		}
		rules = merge(rules, f.Rules)
	}
	return compile(rules, origin)
}

// checkFile validates each rule of one file and records which file it
// came from, for error messages.
func checkFile(name string, rules []Rule, origin map[string]string) error {
	seen := map[string]bool{}
	for i := range rules {
		r := &rules[i]
		if seen[r.ID] {
			return fmt.Errorf("%w: %s: rule %q defined twice", ErrRules, name, r.ID)
		}
		seen[r.ID] = true
		if r.Disabled {
			continue
		}
		if err := r.validate(); err != nil {
			return fmt.Errorf("%w: %s: rule %q (#%d): %v", ErrRules, name, r.ID, i+1, err)
		}
		origin[r.ID] = name
	}
	return nil
}

// compile builds the matchers and checks every rule against its own
// examples, so a rule that does not do what it says stops start-up.
func compile(rules []Rule, origin map[string]string) (*Engine, error) {
	e := &Engine{}
	var fieldRules, contRules []compiledRule
	unless := map[string]struct{}{} // every rule's unless words
	for _, r := range rules {
		cr := compiledRule{Rule: r, cat: categoryIndex[r.Category]}
		if len(r.Unless) > 0 {
			cr.unless = make(map[string]struct{}, len(r.Unless))
			for _, u := range r.Unless {
				cr.unless[u] = struct{}{}
				unless[u] = struct{}{}
			}
		}
		e.rules = append(e.rules, cr)
		if r.Scope == ScopeContainer {
			contRules = append(contRules, cr)
		} else {
			fieldRules = append(fieldRules, cr)
		}
	}
	if err := resolveWithin(fieldRules, contRules, origin); err != nil {
		return nil, err
	}
	e.field = newMatcher(fieldRules, unless)
	e.container = newMatcher(contRules, unless)
	e.field.comp = newCompounds(e.rules, unless)
	e.container.comp = e.field.comp
	e.pool.New = func() any { return new(scratch) }
	for _, r := range e.rules {
		if err := e.checkExamples(r.Rule); err != nil {
			return nil, fmt.Errorf("%w: %s: rule %q: %v", ErrRules, origin[r.ID], r.ID, err)
		}
	}
	return e, nil
}

// resolveWithin points each field rule's within and outside ids at the
// container rules they name; an id that names no container rule is an
// error.
func resolveWithin(fieldRules, contRules []compiledRule, origin map[string]string) error {
	resolve := func(r *compiledRule, key string, ids []string) ([]int32, error) {
		var out []int32
		for _, id := range ids {
			j := slices.IndexFunc(contRules, func(c compiledRule) bool { return c.ID == id })
			if j < 0 {
				return nil, fmt.Errorf("%w: %s: rule %q: %s names %q, which is no container rule", ErrRules, origin[r.ID], r.ID, key, id)
			}
			out = append(out, int32(j))
		}
		return out, nil
	}
	for i := range fieldRules {
		r := &fieldRules[i]
		var err error
		if r.within, err = resolve(r, "within", r.Within); err != nil {
			return err
		}
		if r.outside, err = resolve(r, "outside", r.Outside); err != nil {
			return err
		}
	}
	return nil
}

// checkExamples reports the first example the rule gets wrong.
func (e *Engine) checkExamples(r Rule) error {
	for _, ex := range r.Match {
		if !e.RuleMatches(r.ID, ex) {
			return fmt.Errorf("example %q must match but does not", ex)
		}
	}
	for _, ex := range r.NoMatch {
		if e.RuleMatches(r.ID, ex) {
			return fmt.Errorf("example %q must not match but does", ex)
		}
	}
	return nil
}

// RuleMatches reports whether the rule with this id matches name (a field
// path, or a container name for container rules). For a field rule with
// within or outside, name may be "CONTAINER > FIELD": the rule must then
// also count in that container; a bare field path is matched by its words
// alone.
func (e *Engine) RuleMatches(id, name string) bool {
	m := e.field
	for _, r := range e.rules {
		if r.ID == id && r.Scope == ScopeContainer {
			m = e.container
		}
	}
	var t tokenizer
	var named []int32
	checkWithin := false
	if cont, field, ok := strings.Cut(name, withinSep); ok && m == e.field {
		named = ruleIndexes(nil, e.container.match(&t, cont, nil))
		name, checkWithin = field, true
	}
	for _, h := range m.match(&t, name, nil) {
		r := &m.rules[h.rule]
		if r.ID == id && (!checkWithin || r.inContainer(named)) {
			return true
		}
	}
	return false
}

// withinSep separates a container name from a field path in an example
// of a rule with within or outside: "push_tokens > token".
const withinSep = " > "

// Rules returns the engine's rules, sorted by category then id.
func (e *Engine) Rules() []Rule {
	out := make([]Rule, len(e.rules))
	for i, r := range e.rules {
		out[i] = r.Rule
	}
	sort.SliceStable(out, func(i, j int) bool {
		ci, cj := categoryIndex[out[i].Category], categoryIndex[out[j].Category]
		if ci != cj {
			return ci < cj
		}
		return out[i].ID < out[j].ID
	})
	return out
}
