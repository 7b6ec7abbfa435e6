// Package corpus reads the labeled schema corpus of testdata/corpus (every
// *.json below it, recursively), checks each file's keys and labels, and
// evaluates the model on it by project-grouped cross-validation, refitting
// on each training fold (cv.go). `make fit` (internal/fit) and `make eval`
// (internal/eval) are its commands; docs/scoring.md describes the method.
package corpus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/spillcheck/spillcheck/fingerprints"
	"github.com/spillcheck/spillcheck/scanner"
)

// Entry is one labeled schema: one file, one container (for Redis, one db
// of key patterns).
type Entry struct {
	// Name is the file's path under the corpus root, without ".json".
	Name      string
	Store     string `json:"store"`
	Container string `json:"container"`
	Project   string `json:"project"`
	Database  string `json:"database"`
	Language  string `json:"language"`
	Labels    Labels `json:"labels"`
	Source    string `json:"source"`
	Read      *bool  `json:"source_read_this_session"`
	HardCase  bool   `json:"hard_case"`
	// Audit is the blind second reading of the label (AuditFile), if any.
	Audit *Audit `json:"-"`
	// Results is the file as `spillcheck score` reads it.
	Results []scanner.Result `json:"-"`
}

// Labels are an entry's labels, set from the definition before scoring.
type Labels struct {
	Messaging  *int     `json:"messaging_pii"`
	PII        *int     `json:"pii"`
	Categories []string `json:"categories"`
	Reason     string   `json:"reason"`
}

// Positive reports the messaging-PII label.
func (e *Entry) Positive() bool { return e.Labels.Messaging != nil && *e.Labels.Messaging == 1 }

// Problem is something wrong with one corpus file. A warning (a source
// that cites no commit or URL) leaves the file usable and checkable; any
// other problem is an error the key test fails on.
type Problem struct {
	File, Text string
	Warning    bool
}

func (p Problem) String() string {
	if p.Warning {
		return p.File + ": warning: " + p.Text
	}
	return p.File + ": " + p.Text
}

var (
	commitRe = regexp.MustCompile(`@[0-9a-f]{40}\b`)
	langRe   = regexp.MustCompile(`^[a-z]{2}$`)
)

// Load reads every *.json under root. Files that cannot be evaluated (no
// label, no project, unreadable schema) are left out; every problem, fatal
// or not, is returned.
func Load(root string) ([]*Entry, []Problem, error) {
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".json") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	sort.Strings(files)
	var out []*Entry
	var probs []Problem
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		rel = filepath.ToSlash(rel)
		e, ps := read(f, strings.TrimSuffix(rel, ".json"))
		probs = append(probs, ps...)
		if e != nil {
			out = append(out, e)
		}
	}
	// A database's files are scored together as siblings; the folds split
	// by project, so a database spanning projects would let a test file's
	// siblings come from a training fold.
	dbProject := map[string]*Entry{}
	for _, e := range out {
		if first, ok := dbProject[e.Database]; !ok {
			dbProject[e.Database] = e
		} else if first.Project != e.Project {
			probs = append(probs, Problem{File: e.Name + ".json", Text: fmt.Sprintf("database %q spans projects %q (%s) and %q: a database belongs to one project", e.Database, first.Project, first.Name, e.Project)})
		}
	}
	probs = append(probs, readAudit(root, out)...)
	return out, probs, nil
}

// read decodes and checks one file; the entry is nil when it cannot be
// evaluated.
func read(path, name string) (*Entry, []Problem) {
	var probs []Problem
	bad := func(format string, args ...any) {
		probs = append(probs, Problem{File: name + ".json", Text: fmt.Sprintf(format, args...)})
	}
	b, err := os.ReadFile(path)
	if err != nil {
		bad("%v", err)
		return nil, probs
	}
	e := &Entry{Name: name}
	if err := json.Unmarshal(b, e); err != nil {
		bad("not a corpus entry: %v", err)
		return nil, probs
	}
	e.Results, err = fingerprints.ReadSchemas(path, bytes.NewReader(b), fingerprints.SchemaOptions{})
	if err != nil {
		bad("%v", err)
	}
	usable := err == nil
	switch e.Store {
	case scanner.Elasticsearch, scanner.MongoDB, scanner.Redis:
	default:
		bad("store %q: want elasticsearch, mongodb or redis", e.Store)
	}
	if e.Container == "" {
		bad("no container")
	}
	if e.Project == "" {
		bad("no project (the cross-validation groups by it)")
		usable = false
	}
	if e.Database == "" {
		bad("no database")
	}
	if !langRe.MatchString(e.Language) {
		bad("language %q: want an ISO 639-1 code such as en, pt, zh", e.Language)
	}
	l := e.Labels
	switch {
	case l.Messaging == nil || (*l.Messaging != 0 && *l.Messaging != 1):
		bad("labels.messaging_pii: want 0 or 1")
		usable = false
	case l.PII == nil || (*l.PII != 0 && *l.PII != 1):
		bad("labels.pii: want 0 or 1")
	case *l.Messaging == 1 && *l.PII == 0:
		bad("labels: messaging_pii 1 with pii 0")
	}
	if l.Categories == nil {
		bad("labels.categories: missing (an empty list for a negative)")
	}
	for _, c := range l.Categories {
		if !slices.Contains(DefinitionIDs(), c) {
			bad("labels.categories: %q is not a category of the definition %v", c, DefinitionIDs())
		}
	}
	if l.Messaging != nil && (*l.Messaging == 1) != (len(l.Categories) > 0) {
		bad("labels: messaging_pii %d with categories %v (a positive names at least one category, a negative none)", *l.Messaging, l.Categories)
	}
	if strings.TrimSpace(l.Reason) == "" || strings.Contains(l.Reason, "\n") {
		bad("labels.reason: want one line")
	}
	if e.Source == "" {
		bad("no source")
	} else if !commitRe.MatchString(e.Source) && !strings.Contains(e.Source, "http") {
		probs = append(probs, Problem{name + ".json", "source cites neither a commit (@ and 40 hex digits) nor a documentation URL", true})
	}
	if e.Read == nil {
		bad("no source_read_this_session")
	}
	if !usable {
		return nil, probs
	}
	return e, probs
}

// DefinitionIDs are the category ids labels use.
func DefinitionIDs() []string {
	var out []string
	for _, c := range fingerprints.DefinitionCategories() {
		out = append(out, c.Name)
	}
	return out
}
