package elasticsearch

import (
	"slices"
	"strings"

	"github.com/spillcheck/spillcheck/scanner"
)

// chooseUnits picks up to limit units to sample. Name evidence comes first:
// up to three quarters of the slots (at least one) go to the units whose
// names rate above 0, strongest first; the rest go to the largest of the
// others (bytes, then documents, then members), so a big store with bland
// names is still looked at. The chosen come back in that order, the others
// after them.
func chooseUnits(units []*unit, limit int) (chosen, rest []*unit) {
	slices.SortFunc(units, func(a, b *unit) int { return order(a.outranks(b), b.outranks(a), a, b) })
	quota := max((3*limit+3)/4, 1)
	var others []*unit
	for _, u := range units {
		if u.rank > 0 && len(chosen) < min(quota, limit) {
			chosen = append(chosen, u)
		} else {
			others = append(others, u)
		}
	}
	slices.SortFunc(others, func(a, b *unit) int { return order(a.larger(b), b.larger(a), a, b) })
	n := max(min(limit-len(chosen), len(others)), 0)
	return append(chosen, others[:n]...), others[n:]
}

func order(less, greater bool, a, b *unit) int {
	switch {
	case less:
		return -1
	case greater:
		return 1
	}
	return strings.Compare(a.kind, b.kind)
}

// container renders a unit without fields. A pattern with one member is
// reported as that index.
func (u *unit) container() scanner.Container {
	c := scanner.Container{Kind: u.kind, Name: u.name, Docs: known(u.docs), Bytes: known(u.bytes), Attrs: map[string]string{}}
	switch {
	case u.kind == "index-pattern" && u.members == 1 && u.folded == 0:
		c.Kind, c.Name = "index", u.first
	default:
		c.Members = u.members
	}
	health := u.health
	if u.ds != nil && u.ds.Status != "" {
		health = strings.ToLower(u.ds.Status)
	}
	setAttr(c.Attrs, "health", health)
	setAttr(c.Attrs, "status", strings.Join(u.status, ","))
	if u.members > 1 {
		setAttr(c.Attrs, "first", u.first)
		setAttr(c.Attrs, "last", u.last)
	}
	if u.folded > 0 {
		setAttr(c.Attrs, "folded_patterns", itoa(u.folded))
	}
	if u.ds != nil {
		setAttr(c.Attrs, "template", u.ds.Template)
		if c.Members == 0 {
			c.Members = u.ds.Total
		}
	}
	return c
}

func setAttr(m map[string]string, k, v string) {
	if v != "" {
		m[k] = v
	}
}
