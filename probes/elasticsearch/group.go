package elasticsearch

import (
	"sort"
	"strings"

	"github.com/spillcheck/spillcheck/scanner"
)

// patternOf returns the pattern an index belongs to: its name with a
// trailing run of digits and separators (a date, a rollover counter)
// replaced by "*", starting after the run's first separator. Names without
// such a run have no pattern: "messages-2022.01.01" and "logs-000001" have
// "messages-*" and "logs-*", "users" and "logs2024" have none.
func patternOf(name string) (string, bool) {
	i := len(name)
	for i > 0 && strings.IndexByte("0123456789._-", name[i-1]) >= 0 {
		i--
	}
	run := name[i:]
	sep := strings.IndexAny(run, "._-")
	if i == 0 {
		return "", false // nothing but the run, such as "2022.01.01"
	}
	if sep < 0 || !strings.ContainsAny(run[sep:], "0123456789") {
		return "", false
	}
	return name[:i+sep+1] + "*", true
}

// unit is one thing the report lists: a single index, a group of indices
// sharing a pattern, or a data stream with its backing indices.
type unit struct {
	kind    string // "index", "index-pattern" or "data-stream"
	name    string
	members []indexRow // sorted by name
	ds      *dataStream
}

// docs and bytes sum what the members report; nil when none reports.
func (u *unit) docs() *int64  { return sum(u.members, func(r indexRow) int64 { return r.Docs }) }
func (u *unit) bytes() *int64 { return sum(u.members, func(r indexRow) int64 { return r.Bytes }) }

func sum(rows []indexRow, f func(indexRow) int64) *int64 {
	var total int64
	known := false
	for _, r := range rows {
		if v := f(r); v >= 0 {
			total += v
			known = true
		}
	}
	if !known {
		return nil
	}
	return &total
}

// representative is the member whose mapping stands for the unit: the
// newest open one by name (the current template), else the newest.
func (u *unit) representative() string {
	for i := len(u.members) - 1; i >= 0; i-- {
		if m := u.members[i]; m.Status != "close" && validIndexName(m.Name) {
			return m.Name
		}
	}
	return ""
}

// groupIndices turns rows into units: data streams first take their backing
// indices, then indices sharing a pattern with at least one other become an
// index-pattern, the rest stay single. Units are sorted largest first (by
// bytes, then docs, then name).
func groupIndices(rows []indexRow, streams []dataStream) []*unit {
	byName := map[string]indexRow{}
	for _, r := range rows {
		byName[r.Name] = r
	}
	var units []*unit
	taken := map[string]bool{}
	for i := range streams {
		ds := &streams[i]
		u := &unit{kind: "data-stream", name: ds.Name, ds: ds}
		for _, ix := range ds.Indices {
			if r, ok := byName[ix.Name]; ok && !taken[ix.Name] {
				u.members = append(u.members, r)
				taken[ix.Name] = true
			}
		}
		units = append(units, u)
	}
	groups := map[string][]indexRow{}
	var order []string
	for _, r := range rows {
		if taken[r.Name] {
			continue
		}
		key := "=" + r.Name
		if p, ok := patternOf(r.Name); ok {
			key = p
		}
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = append(groups[key], r)
	}
	for _, key := range order {
		members := groups[key]
		if len(members) == 1 {
			units = append(units, &unit{kind: "index", name: members[0].Name, members: members})
			continue
		}
		units = append(units, &unit{kind: "index-pattern", name: key, members: members})
	}
	for _, u := range units {
		sort.Slice(u.members, func(i, j int) bool { return u.members[i].Name < u.members[j].Name })
	}
	sort.SliceStable(units, func(i, j int) bool {
		a, b := units[i], units[j]
		if ab, bb := deref(a.bytes()), deref(b.bytes()); ab != bb {
			return ab > bb
		}
		if ad, bd := deref(a.docs()), deref(b.docs()); ad != bd {
			return ad > bd
		}
		return a.name < b.name
	})
	return units
}

func deref(p *int64) int64 {
	if p == nil {
		return -1
	}
	return *p
}

// container renders a unit without fields.
func (u *unit) container() scanner.Container {
	c := scanner.Container{Kind: u.kind, Name: u.name, Docs: u.docs(), Bytes: u.bytes(), Attrs: map[string]string{}}
	if u.kind != "index" {
		c.Members = len(u.members)
	}
	health, statuses := "", []string{}
	for _, m := range u.members {
		health = worse(health, m.Health)
		if m.Status != "" && !contains(statuses, m.Status) {
			statuses = append(statuses, m.Status)
		}
	}
	if u.ds != nil && u.ds.Status != "" {
		health = strings.ToLower(u.ds.Status)
	}
	setAttr(c.Attrs, "health", health)
	setAttr(c.Attrs, "status", strings.Join(statuses, ","))
	if len(u.members) > 1 {
		setAttr(c.Attrs, "first", u.members[0].Name)
		setAttr(c.Attrs, "last", u.members[len(u.members)-1].Name)
	}
	if u.ds != nil {
		setAttr(c.Attrs, "template", u.ds.Template)
		if c.Members == 0 {
			c.Members = len(u.ds.Indices)
		}
	}
	return c
}

func setAttr(m map[string]string, k, v string) {
	if v != "" {
		m[k] = v
	}
}

// worse returns the worse of two health colours (red > yellow > green).
func worse(a, b string) string {
	rank := map[string]int{"": 0, "green": 1, "yellow": 2, "red": 3}
	if rank[b] > rank[a] {
		return b
	}
	return a
}
