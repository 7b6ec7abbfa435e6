package report

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spillcheck/spillcheck/scanner"
)

// Message says in one paragraph what a finding exposes and how to fix it.
// It names fields and categories, never values, and is plain text.
func (f *Finding) Message() string {
	r := f.Result
	var b strings.Builder
	if f.Container == nil {
		fmt.Fprintf(&b, "%s at %s %s.", product(r), r.Target.Key(), f.Rule.Says)
		if n := len(r.Containers); n > 0 && r.Status.Exposed() {
			fmt.Fprintf(&b, " It exposes %s", plural(n, "container"))
			if pii := countPII(r); pii > 0 {
				fmt.Fprintf(&b, ", %d with names that match messaging or personal-data rules", pii)
			}
			b.WriteString(".")
		}
	} else {
		c := f.Container
		where := "on " + r.Target.Key()
		if offline(r.Target) {
			where = "in the " + product(r) + " schema " + r.Target.Host
		}
		fmt.Fprintf(&b, "%s %s%s %s %s: %s.",
			kindName(c.Kind), ContainerID(c), sizeNote(c), where, f.Rule.Says, evidenceSummary(c.Score, 3))
		fmt.Fprintf(&b, " Likelihood %d/100.", c.Score.Likelihood)
		if offline(r.Target) {
			b.WriteString(" Rated as if the store were open: this is what would leak.")
		} else if r.Status.Exposed() {
			b.WriteString(" The store serves it without credentials.")
		}
	}
	if res := resource(r.Target); res != "" {
		fmt.Fprintf(&b, " Cloud resource: %s.", res)
	}
	if f.Accepted != nil {
		fmt.Fprintf(&b, " Accepted by baseline: %s.", f.Accepted.Reason)
	}
	b.WriteString(" Fix: " + fixSummary(r.Target.Service) + ".")
	return b.String()
}

// fixSummary lists the fix step titles in one line.
func fixSummary(service string) string {
	var titles []string
	for _, s := range Fix(service) {
		titles = append(titles, lowerFirst(s.Title))
	}
	return strings.Join(titles, ", ")
}

// evidenceSummary lists categories with up to n field names each:
// "message-body (message.text, body), phone (sender.phone)".
func evidenceSummary(s *scanner.Score, n int) string {
	if s == nil {
		return "no evidence recorded"
	}
	fields := map[string][]string{}
	var cats []string
	for _, e := range s.Evidence {
		if !e.IsName() {
			continue
		}
		if _, ok := fields[e.Category]; !ok {
			cats = append(cats, e.Category)
		}
		if len(fields[e.Category]) < n {
			fields[e.Category] = append(fields[e.Category], e.Field)
		} else if len(fields[e.Category]) == n {
			fields[e.Category] = append(fields[e.Category], "...")
		}
	}
	for _, c := range s.Categories {
		if _, ok := fields[c]; !ok {
			cats = append(cats, c)
			fields[c] = nil
		}
	}
	if len(cats) == 0 {
		return "no evidence recorded"
	}
	parts := make([]string, len(cats))
	for i, c := range cats {
		parts[i] = c
		if len(fields[c]) > 0 {
			parts[i] += " (" + strings.Join(fields[c], ", ") + ")"
		}
	}
	return strings.Join(parts, ", ")
}

// product is "Redis 7.2.4", or the service when the product is unknown.
func product(r *scanner.Result) string {
	p := r.Product
	if p == "" {
		p = r.Target.Service
	}
	switch p {
	case "redis":
		p = "Redis"
	case "mongodb":
		p = "MongoDB"
	case "elasticsearch":
		p = "Elasticsearch"
	case "opensearch":
		p = "OpenSearch"
	}
	if r.Version != "" {
		p += " " + r.Version
	}
	return p
}

func kindName(kind string) string {
	switch kind {
	case "":
		return "Container"
	case "index-pattern":
		return "Index pattern"
	case "key-pattern":
		return "Key pattern"
	case "data-stream":
		return "Data stream"
	}
	return strings.ToUpper(kind[:1]) + kind[1:]
}

// sizeNote is " (12 indices, 1234 docs)" with what is known, or "".
func sizeNote(c *scanner.Container) string {
	var parts []string
	if c.Members > 0 {
		parts = append(parts, plural(c.Members, "index"))
	}
	if c.Docs != nil {
		unit := "doc"
		if c.Kind == "key-pattern" {
			unit = "key"
		}
		parts = append(parts, thousands(*c.Docs)+" "+unit+map[bool]string{true: "", false: "s"}[*c.Docs == 1])
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func countPII(r *scanner.Result) int {
	n := 0
	for i := range r.Containers {
		if containerRule(&r.Containers[i]) != nil {
			n++
		}
	}
	return n
}

func plural(n int, word string) string {
	s := strconv.Itoa(n) + " " + word
	if n == 1 {
		return s
	}
	if strings.HasSuffix(word, "x") {
		return strconv.Itoa(n) + " " + strings.TrimSuffix(word, "ex") + "ices"
	}
	return s + "s"
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// thousands writes n with comma separators: 48,213,377.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}
