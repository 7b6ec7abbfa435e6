package elasticsearch

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/spillcheck/spillcheck/scanner"
)

// aliasIndicesShown bounds the index names an alias container lists.
const aliasIndicesShown = 10

// aliases lists aliases by index, for the indices in rows only, so that
// aliases of skipped system indices are left out (and counted).
func (s *session) aliases(ctx context.Context, rows []indexRow) map[string][]string {
	req := esapi.CatAliasesRequest{H: []string{"alias", "index"}}
	if s.caps.catJSON {
		req.Format = "json"
	}
	pairs, ok := fetch(ctx, s, "GET /_cat/aliases", req, parseCatAliases)
	if !ok {
		return nil
	}
	kept := map[string]bool{}
	for _, r := range rows {
		kept[r.Name] = true
	}
	out := map[string][]string{}
	skipped := map[string]bool{}
	for _, p := range pairs {
		if !kept[p.Index] || (strings.HasPrefix(p.Alias, ".") && !s.env.Limits.IncludeSystem) {
			skipped[p.Alias] = true
			continue
		}
		out[p.Index] = append(out[p.Index], p.Alias)
	}
	for a := range skipped {
		for _, list := range out {
			if contains(list, a) {
				delete(skipped, a)
				break
			}
		}
	}
	s.skip("system-aliases", len(skipped))
	return out
}

// aliasContainers renders one container per alias, with the indices it
// points to and their summed counts.
func aliasContainers(byIndex map[string][]string, rows []indexRow) []scanner.Container {
	members := map[string][]indexRow{}
	for _, r := range rows {
		for _, a := range byIndex[r.Name] {
			members[a] = append(members[a], r)
		}
	}
	var out []scanner.Container
	for _, a := range sortedKeys(members) {
		m := members[a]
		sort.Slice(m, func(i, j int) bool { return m[i].Name < m[j].Name })
		names := make([]string, 0, min(len(m), aliasIndicesShown))
		for _, r := range m[:min(len(m), aliasIndicesShown)] {
			names = append(names, r.Name)
		}
		list := strings.Join(names, ",")
		if len(m) > aliasIndicesShown {
			list += fmt.Sprintf(",+%d more", len(m)-aliasIndicesShown)
		}
		out = append(out, scanner.Container{
			Kind: "alias", Name: a, Members: len(m),
			Docs: sum(m, func(r indexRow) int64 { return r.Docs }), Bytes: sum(m, func(r indexRow) int64 { return r.Bytes }),
			Attrs: map[string]string{"indices": list},
		})
	}
	return out
}
