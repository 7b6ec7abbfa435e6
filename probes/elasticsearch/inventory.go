package elasticsearch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/spillcheck/spillcheck/scanner"
)

// session is one open cluster being listed.
type session struct {
	tr   *transport
	env  *scanner.Env
	res  *scanner.Result
	caps capabilities
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

// catRequest lists indices with the given columns.
func (s *session) catRequest(expand string, columns []string) esapi.CatIndicesRequest {
	req := esapi.CatIndicesRequest{Bytes: "b", H: columns, ExpandWildcards: expand}
	if s.caps.catJSON {
		req.Format = "json"
	}
	return req
}

// inventory lists the cluster's indices, data streams and aliases, groups
// them, and reads the mapping of one representative per unit. Only a failed
// index list changes the status (to partially-open); later failures become
// notes.
func (s *session) inventory(ctx context.Context) error {
	expand := ""
	if s.caps.expandAll {
		expand = "all"
	}
	rep, err := do(ctx, s.tr, "GET /_cat/indices", s.catRequest(expand, catColumns))
	if err == nil && rep.status != http.StatusOK {
		s.res.Status = scanner.StatusPartial
		s.note("GET / answered anonymously but the index list got HTTP %d", rep.status)
		return nil
	}
	var rows []indexRow
	if err == nil {
		rows, err = parseCatIndices(rep.body)
	}
	if err != nil {
		s.res.Status = scanner.StatusPartial
		return fmt.Errorf("listing indices: %w", err)
	}
	s.res.Status = scanner.StatusOpen

	hidden := s.hiddenIndices(ctx, rows)
	streams := s.dataStreams(ctx)
	rows, streams = s.dropSystem(rows, streams, hidden)
	units := groupIndices(rows, streams)
	if limit := s.env.Limits.MaxIndices; len(units) > limit {
		for _, u := range units[limit:] {
			s.skip("over-max-indices", max(len(u.members), 1))
		}
		units = units[:limit]
	}
	mappings := s.mappings(ctx, units)
	aliases := s.aliases(ctx, rows)
	for _, u := range units {
		s.res.Containers = append(s.res.Containers, s.container(u, mappings, aliases))
	}
	s.res.Containers = append(s.res.Containers, aliasContainers(aliases, rows)...)
	return nil
}

// hiddenIndices returns the indices that the default listing leaves out:
// hidden ones. Only versions with expand_wildcards list them at all.
func (s *session) hiddenIndices(ctx context.Context, all []indexRow) map[string]bool {
	if !s.caps.expandAll {
		return nil
	}
	visible, ok := fetch(ctx, s, "GET /_cat/indices (visible only)", s.catRequest("open,closed", catColumns[:1]), parseCatIndices)
	if !ok {
		return nil
	}
	seen := map[string]bool{}
	for _, r := range visible {
		seen[r.Name] = true
	}
	hidden := map[string]bool{}
	for _, r := range all {
		if !seen[r.Name] {
			hidden[r.Name] = true
		}
	}
	return hidden
}

// fetch performs one optional request and parses its 200 answer. Any
// failure becomes a note and ok false: optional requests never change the
// status.
func fetch[T any](ctx context.Context, s *session, what string, req request, parse func([]byte) (T, error)) (v T, ok bool) {
	rep, err := do(ctx, s.tr, what, req)
	if err == nil && rep.status != http.StatusOK {
		err = fmt.Errorf("%s: HTTP %d", what, rep.status)
	}
	if err == nil {
		v, err = parse(rep.body)
	}
	if err != nil {
		s.note("not read: %v", err)
		return v, false
	}
	return v, true
}

// dataStreams lists data streams where the version has them.
func (s *session) dataStreams(ctx context.Context) []dataStream {
	if !s.caps.dataStreams {
		return nil
	}
	streams, _ := fetch(ctx, s, "GET /_data_stream", esapi.IndicesGetDataStreamRequest{}, parseDataStreams)
	return streams
}

// dropSystem removes system indices (a leading dot) and hidden ones, and
// system data streams, counting them, unless the limits include system.
// Backing indices of a kept data stream stay.
func (s *session) dropSystem(rows []indexRow, streams []dataStream, hidden map[string]bool) ([]indexRow, []dataStream) {
	if s.env.Limits.IncludeSystem {
		return rows, streams
	}
	backing := map[string]bool{}
	keptStreams := streams[:0:0]
	for _, ds := range streams {
		if strings.HasPrefix(ds.Name, ".") {
			s.skip("system-data-streams", 1)
			continue
		}
		keptStreams = append(keptStreams, ds)
		for _, ix := range ds.Indices {
			backing[ix.Name] = true
		}
	}
	kept := rows[:0:0]
	for _, r := range rows {
		switch {
		case backing[r.Name]:
			kept = append(kept, r)
		case strings.HasPrefix(r.Name, "."):
			s.skip("system-indices", 1)
		case hidden[r.Name]:
			s.skip("hidden-indices", 1)
		default:
			kept = append(kept, r)
		}
	}
	return kept, keptStreams
}

// mappingBatch bounds how many indices one mapping request names, and how
// long its path may grow.
const (
	mappingBatch   = 16
	mappingPathMax = 2000
)

// mappings reads the mapping of each unit's representative, several indices
// per request; a batch whose answer is over the size cap is retried one
// index at a time.
func (s *session) mappings(ctx context.Context, units []*unit) map[string]indexMapping {
	out := map[string]indexMapping{}
	var batch []string
	size := 0
	flush := func() {
		if len(batch) == 0 {
			return
		}
		err := s.mappingInto(ctx, batch, out)
		if errors.Is(err, scanner.ErrResponseLimit) && len(batch) > 1 {
			for _, name := range batch {
				if err := s.mappingInto(ctx, []string{name}, out); err != nil {
					s.note("mapping of %s not read: %v", name, err)
				}
			}
		} else if err != nil {
			s.note("mappings of %s not read: %v", strings.Join(batch, ","), err)
		}
		batch, size = nil, 0
	}
	for _, u := range units {
		rep := u.representative()
		if rep == "" {
			s.note("no mapping read for %s: no open member with a name the probe puts in a path", u.name)
			continue
		}
		if len(batch) == mappingBatch || size+len(rep)+1 > mappingPathMax {
			flush()
		}
		batch = append(batch, rep)
		size += len(rep) + 1
	}
	flush()
	return out
}

func (s *session) mappingInto(ctx context.Context, names []string, out map[string]indexMapping) error {
	yes := true
	rep, err := do(ctx, s.tr, "GET /<indices>/_mapping", esapi.IndicesGetMappingRequest{Index: names, IgnoreUnavailable: &yes})
	if err != nil {
		return err
	}
	if rep.status != http.StatusOK {
		return fmt.Errorf("HTTP %d", rep.status)
	}
	m, err := parseMappings(rep.body, s.env.Limits.MaxFields, s.env.Limits.MaxDepth)
	if err != nil {
		return err
	}
	for k, v := range m {
		out[k] = v
	}
	return nil
}

// container renders a unit with the fields of its representative.
func (s *session) container(u *unit, mappings map[string]indexMapping, aliases map[string][]string) scanner.Container {
	c := u.container()
	rep := u.representative()
	if m, ok := mappings[rep]; ok {
		c.Fields = m.Fields
		s.skip("over-max-fields", m.Truncated)
		if len(u.members) > 1 {
			setAttr(c.Attrs, "mapping_from", rep)
		}
		setAttr(c.Attrs, "mapping_types", strings.Join(m.Types, ","))
		setAttr(c.Attrs, "dynamic", m.Dynamic)
	}
	var names []string
	for _, m := range u.members {
		for _, a := range aliases[m.Name] {
			if !contains(names, a) {
				names = append(names, a)
			}
		}
	}
	sort.Strings(names)
	setAttr(c.Attrs, "aliases", strings.Join(names, ","))
	if len(c.Attrs) == 0 {
		c.Attrs = nil
	}
	return c
}
