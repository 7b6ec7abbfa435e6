// Package baseline accepts known, reviewed findings so that --fail-on
// ignores them until they expire, while reports still show them and why.
//
// A baseline file is either a hand-written accept list:
//
//	{"accept": [
//	  {"target": "redis://10.0.0.5:6379", "container": "db0/chat:*",
//	   "reason": "staging fixture data, SEC-142", "expires": "2027-01-31"}
//	]}
//
// or a previous spillcheck result file (--jsonl, or a --json document),
// which accepts every finding in it. docs/ci.md describes the format.
package baseline

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
	"github.com/spillcheck/spillcheck/scanner/report"
)

// Entry accepts the findings of the targets and containers its patterns
// match. Patterns are globs: * matches any run of characters (including
// '/' and ':'), ? one character.
type Entry struct {
	// Target matches the target key "service://host:port", with the host as
	// written or as resolved; without "://" it matches "host:port".
	// Host names match case-insensitively.
	Target string `json:"target"`
	// Container matches "database/name" (a Redis "db0/chat:*", a MongoDB
	// "app/messages") or the index name. Empty or "*" accepts the whole
	// target, including containers that appear later; otherwise only the
	// matching containers are accepted, and the target's own finding is
	// accepted once every container finding of it is.
	Container string `json:"container,omitempty"`
	// Reason says why the finding is acceptable. Required.
	Reason string `json:"reason"`
	// Expires is a date (2027-01-31, in force through that day, UTC) or an
	// RFC 3339 time; empty never expires. Expired entries accept nothing.
	Expires string `json:"expires,omitempty"`

	until   time.Time // first instant the entry no longer applies
	shown   time.Time // the date reports print
	pattern string    // Target, lower-cased
}

// file is the on-disk accept list.
type file struct {
	Version int     `json:"version,omitempty"`
	Accept  []Entry `json:"accept"`
}

// Baseline is a validated accept list. Apply is safe for concurrent use.
type Baseline struct {
	Entries []Entry
	// AcceptList is set when the baseline was read from a hand-kept accept
	// list rather than derived from a result file.
	AcceptList bool

	mu      sync.Mutex
	used    map[int]bool
	expired map[int]int // entry to the results it matched after expiring
}

// New validates entries and returns a baseline of them.
func New(entries []Entry) (*Baseline, error) {
	b := &Baseline{Entries: entries, used: map[int]bool{}}
	for i := range b.Entries {
		if err := b.Entries[i].validate(); err != nil {
			return nil, fmt.Errorf("baseline entry %d (%q): %w", i+1, b.Entries[i].Target, err)
		}
	}
	return b, nil
}

// validate checks an entry and parses its expiry; it changes nothing else.
func (e *Entry) validate() error {
	switch {
	case strings.TrimSpace(e.Target) == "":
		return errors.New("target is empty; use \"*\" to match every target")
	case strings.TrimSpace(e.Reason) == "":
		return errors.New("reason is empty; say why the finding is acceptable")
	}
	e.until, e.shown = time.Time{}, time.Time{}
	e.pattern = strings.ToLower(e.Target)
	if e.Expires == "" {
		return nil
	}
	if d, err := time.Parse(time.DateOnly, e.Expires); err == nil {
		e.shown, e.until = d, d.AddDate(0, 0, 1)
		return nil
	}
	t, err := time.Parse(time.RFC3339, e.Expires)
	if err != nil {
		return fmt.Errorf("expires %q is neither a date (2027-01-31) nor an RFC 3339 time", e.Expires)
	}
	e.shown, e.until = t.UTC(), t.UTC()
	return nil
}

// Pattern is "target container", as Acceptance.Pattern records it.
func (e *Entry) Pattern() string { return strings.TrimSpace(e.Target + " " + e.Container) }

func (e *Entry) expired(now time.Time) bool { return !e.until.IsZero() && !now.Before(e.until) }

func (e *Entry) whole() bool { return e.Container == "" || e.Container == "*" }

func (e *Entry) acceptance() *scanner.Acceptance {
	return &scanner.Acceptance{Pattern: e.Pattern(), Reason: e.Reason, Expires: e.shown}
}

// Apply decides which findings of r the baseline accepts at now: it clears
// and then sets Accepted on r's containers with findings and on r itself (see
// Entry.Container). An expired entry that matches adds a note to r saying
// that its findings count again.
func (b *Baseline) Apply(r *scanner.Result, now time.Time) {
	r.Accepted = nil
	for i := range r.Containers {
		r.Containers[i].Accepted = nil
	}
	var whole *Entry
	var live []int
	subjects := targetSubjects(r.Target)
	for i := range b.Entries {
		e := &b.Entries[i]
		if !e.matchesTarget(subjects) {
			continue
		}
		if e.expired(now) {
			if len(report.FindingsOf(r)) > 0 {
				r.Notes = append(r.Notes, fmt.Sprintf("baseline entry %q expired on %s; its findings count again",
					e.Pattern(), e.shown.Format(time.DateOnly)))
				b.markExpired(i)
			}
			continue
		}
		live = append(live, i)
		if whole == nil && e.whole() {
			whole = e
			b.markUsed(i)
		}
	}
	if len(live) == 0 {
		return
	}
	var first *Entry
	all, some := true, false
	for _, f := range report.FindingsOf(r) {
		if f.Container == nil {
			continue
		}
		some = true
		e := whole
		if e == nil {
			id := report.ContainerID(f.Container)
			for _, i := range live {
				if match(b.Entries[i].Container, id) {
					e = &b.Entries[i]
					b.markUsed(i)
					break
				}
			}
		}
		if e == nil {
			all = false
			continue
		}
		f.Container.Accepted = e.acceptance()
		if first == nil {
			first = e
		}
	}
	switch {
	case whole != nil:
		r.Accepted = whole.acceptance()
	case some && all:
		r.Accepted = first.acceptance()
	}
}

func (b *Baseline) markUsed(i int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.used == nil {
		b.used = map[int]bool{}
	}
	b.used[i] = true
}

func (b *Baseline) markExpired(i int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.expired == nil {
		b.expired = map[int]int{}
	}
	b.expired[i]++
}

// Review is what a run should tell the operator about the baseline after
// every Apply: entries that expired (with the results whose findings count
// again), entries in force that accepted nothing, and, for an accept list,
// entries that never expire.
type Review struct {
	Expired  []ExpiredEntry
	Unused   []Entry // in force at now, and accepted nothing
	NoExpiry []Entry // accept lists only: entries without "expires"
}

// ExpiredEntry is an entry past its expiry and the number of results with
// findings it matched (whose findings therefore count again).
type ExpiredEntry struct {
	Entry
	Matched int
}

// Until is the last day (or the instant) the entry was in force.
func (e *Entry) Until() time.Time { return e.shown }

// Review sorts the entries for the operator, as of now.
func (b *Baseline) Review(now time.Time) Review {
	b.mu.Lock()
	defer b.mu.Unlock()
	var rv Review
	for i, e := range b.Entries {
		switch {
		case e.expired(now):
			rv.Expired = append(rv.Expired, ExpiredEntry{e, b.expired[i]})
		case !b.used[i]:
			rv.Unused = append(rv.Unused, e)
		}
		if b.AcceptList && e.Expires == "" {
			rv.NoExpiry = append(rv.NoExpiry, e)
		}
	}
	return rv
}

// Prune splits the entries into those that match a finding in results,
// expired or not, and those that match nothing (or are shadowed by an
// earlier entry that accepts the same findings). It does not change b.
func (b *Baseline) Prune(results []scanner.Result) (kept, removed []Entry) {
	probe := &Baseline{Entries: b.Entries}
	for i := range results {
		r := results[i] // Apply writes acceptances; work on a copy
		r.Containers = slices.Clone(r.Containers)
		probe.Apply(&r, time.Time{}) // the zero time: no entry has expired yet
	}
	for i, e := range b.Entries {
		if probe.used[i] {
			kept = append(kept, e)
		} else {
			removed = append(removed, e)
		}
	}
	return kept, removed
}

// FromResults returns a baseline accepting every finding in results: one
// entry per scored container, or one whole-target entry for a target
// finding without containers (protected mode, an open store with nothing
// scored). New containers are therefore not accepted. Entries never expire;
// set Expires before Write to change that.
func FromResults(results []scanner.Result, reason string) *Baseline {
	var entries []Entry
	for i := range results {
		r := &results[i]
		fs := report.FindingsOf(r)
		containers := 0
		for _, f := range fs {
			if f.Container != nil {
				containers++
				entries = append(entries, Entry{Target: r.Target.Key(), Container: report.ContainerID(f.Container), Reason: reason})
			}
		}
		if containers == 0 && len(fs) > 0 {
			entries = append(entries, Entry{Target: r.Target.Key(), Reason: reason})
		}
	}
	slices.SortFunc(entries, func(a, b Entry) int { return strings.Compare(a.Pattern(), b.Pattern()) })
	entries = slices.CompactFunc(entries, func(a, b Entry) bool { return a.Pattern() == b.Pattern() })
	bl, err := New(entries)
	if err != nil { // cannot happen: keys are never empty, reason is the caller's
		return &Baseline{Entries: entries, used: map[int]bool{}}
	}
	return bl
}

// Write writes the baseline as an accept list that Load reads back.
func (b *Baseline) Write(w io.Writer) error {
	for i := range b.Entries {
		if err := b.Entries[i].validate(); err != nil {
			return fmt.Errorf("baseline entry %d (%q): %w", i+1, b.Entries[i].Target, err)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	entries := b.Entries
	if entries == nil {
		entries = []Entry{}
	}
	return enc.Encode(file{Version: 1, Accept: entries})
}
