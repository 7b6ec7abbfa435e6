package elasticsearch

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/spillcheck/spillcheck/scanner"
)

// session is one open cluster being listed.
type session struct {
	tr    *transport
	env   *scanner.Env
	res   *scanner.Result
	caps  capabilities
	spent int64 // body bytes read, for the listings' shares of the budget
}

func (s *session) note(format string, args ...any) {
	s.res.Notes = append(s.res.Notes, fmt.Sprintf(format, args...))
}

func (s *session) skip(reason string, n int) {
	if n <= 0 {
		return
	}
	if s.res.Skipped == nil {
		s.res.Skipped = map[string]int{}
	}
	s.res.Skipped[reason] += n
}

func (s *session) fact(k string, v int) {
	if s.res.Facts == nil {
		s.res.Facts = map[string]string{}
	}
	s.res.Facts[k] = strconv.Itoa(v)
}

// inventory lists the cluster's data streams, aliases and indices, each
// once and streamed, groups the indices as they go by, picks the units to
// sample by name evidence and size, and reads one mapping per unit picked.
// Only the index list decides the status: open, or partially-open when it
// is refused or unreadable.
func (s *session) inventory(ctx context.Context) error {
	lim := s.env.Limits
	book := newAliasBook(lim.IncludeSystem)
	g := newGrouper(s.env.RankName, lim.MaxIndices, lim.IncludeSystem, book)
	s.dataStreams(ctx, g)
	s.aliases(ctx, book)
	if ok, err := s.indices(ctx, g); !ok {
		return err
	}

	units := g.all()
	chosen, rest := chooseUnits(units, lim.MaxIndices)
	for _, u := range rest {
		s.skip("over-max-indices", max(u.members, 1))
	}
	s.skip("over-max-indices", g.dropped)
	s.skip("system-indices", g.system)
	seen, estimated := g.seen()
	s.fact("indices_seen", g.indices+g.system)
	s.fact("containers_seen", seen)
	s.fact("containers_sampled", len(chosen))
	if estimated {
		s.note("more index patterns than the grouping table holds (%d): containers_seen is an estimate, "+
			"similar patterns were folded and the smallest dropped", g.size)
	}

	mappings := s.mappings(ctx, chosen)
	for _, u := range chosen {
		s.res.Containers = append(s.res.Containers, s.container(u, mappings))
	}
	s.res.Containers = append(s.res.Containers, book.containers(lim.MaxIndices, s.skip)...)
	return nil
}

// indices streams the index list into g. ok is false when nothing more
// is to be sent: the list was refused, or it broke (a list that breaks
// after its first row keeps its rows, reported without mappings, and the
// status open, with the error).
func (s *session) indices(ctx context.Context, g *grouper) (bool, error) {
	expand := ""
	if s.caps.expandAll {
		expand = "all"
	}
	req := esapi.CatIndicesRequest{Bytes: "b", H: catColumns, ExpandWildcards: expand}
	if s.caps.catJSON {
		req.Format = "json"
	}
	rows := 0
	// A quarter of the budget stays for the mappings.
	limit := max(s.budgetLeft()-s.env.Limits.MaxTargetBytes/4, 64<<10)
	st, err := s.stream(ctx, "GET /_cat/indices", req, limit, func(r io.Reader) error {
		return readCatIndices(r, func(row *indexRow) error {
			rows++
			g.add(row)
			return nil
		})
	})
	switch {
	case err != nil && rows == 0:
		s.res.Status = scanner.StatusPartial
		return false, fmt.Errorf("listing indices: %w", err)
	case err != nil:
		s.res.Status = scanner.StatusOpen
		s.note("the index list broke after %d indices; they are reported without mappings", rows)
		s.finishBroken(g)
		return false, fmt.Errorf("listing indices: after %d indices: %w", rows, err)
	case st.status != http.StatusOK:
		s.res.Status = scanner.StatusPartial
		s.note("GET / answered anonymously but the index list got HTTP %d", st.status)
		return false, nil
	}
	s.res.Status = scanner.StatusOpen
	if st.cut {
		s.note("the index list was cut after %d indices (%d bytes), at its share of the target's byte budget (--max-target-bytes)", rows, st.bytes)
		s.skip("index-list-cut", 1)
	}
	return true, nil
}

// finishBroken reports what a broken index list yielded, without fields.
func (s *session) finishBroken(g *grouper) {
	chosen, rest := chooseUnits(g.all(), s.env.Limits.MaxIndices)
	for _, u := range rest {
		s.skip("over-max-indices", max(u.members, 1))
	}
	for _, u := range chosen {
		s.res.Containers = append(s.res.Containers, s.container(u, nil))
	}
}

// dataStreams lists data streams where the version has them, before the
// index list, so that backing indices count into their stream. A version
// without them (Elasticsearch 7.x without x-pack answers 400) is passed
// over quietly; other failures become notes.
func (s *session) dataStreams(ctx context.Context, g *grouper) {
	if !s.caps.dataStreams {
		return
	}
	kept, dropped := 0, 0
	st, err := s.stream(ctx, "GET /_data_stream", esapi.IndicesGetDataStreamRequest{}, s.budgetLeft()/8, func(r io.Reader) error {
		return readDataStreams(r, func(ds *dataStream) error {
			switch {
			case strings.HasPrefix(ds.Name, ".") && !s.env.Limits.IncludeSystem:
				s.skip("system-data-streams", 1)
			case g.addStream(ds):
				kept++
			default:
				dropped++
			}
			return nil
		})
	})
	s.listingNotes("data stream", st, err, http.StatusBadRequest, http.StatusNotFound)
	if dropped > 0 {
		s.skip("over-max-data-streams", dropped)
	}
}

// aliases reads _cat/aliases into book before the index list.
func (s *session) aliases(ctx context.Context, book *aliasBook) {
	req := esapi.CatAliasesRequest{H: []string{"alias", "index"}}
	if s.caps.catJSON {
		req.Format = "json"
	}
	st, err := s.stream(ctx, "GET /_cat/aliases", req, s.budgetLeft()/8, func(r io.Reader) error {
		return readCatAliases(r, func(a, index string) error {
			book.pair(a, index, s.env.RankName)
			return nil
		})
	})
	s.listingNotes("alias", st, err)
}

// listingNotes notes how an optional listing failed or was cut; statuses
// in quiet mean the server has no such listing and need no note.
func (s *session) listingNotes(what string, st streamed, err error, quiet ...int) {
	switch {
	case err != nil:
		s.note("not read: %v", err)
	case st.status != http.StatusOK && !containsInt(quiet, st.status):
		s.note("not read: the %s list: HTTP %d", what, st.status)
	case st.cut:
		s.note("the %s list was cut at %d bytes, its share of the target's byte budget", what, st.bytes)
	}
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// container renders a unit with the fields of its representative.
func (s *session) container(u *unit, mappings map[string]indexMapping) scanner.Container {
	c := u.container()
	rep := u.representative()
	if m, ok := mappings[rep]; ok {
		c.Fields = m.Fields
		s.skip("over-max-fields", m.Truncated)
		if u.members > 1 {
			setAttr(c.Attrs, "mapping_from", rep)
		}
		setAttr(c.Attrs, "mapping_types", strings.Join(m.Types, ","))
		setAttr(c.Attrs, "dynamic", m.Dynamic)
	}
	names := append([]string(nil), u.aliases...)
	sort.Strings(names)
	setAttr(c.Attrs, "aliases", strings.Join(names, ","))
	if len(c.Attrs) == 0 {
		c.Attrs = nil
	}
	return c
}

func itoa(n int) string { return strconv.Itoa(n) }
