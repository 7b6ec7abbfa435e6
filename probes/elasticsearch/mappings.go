package elasticsearch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strings"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/spillcheck/spillcheck/scanner"
)

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
		// Which indices a batch holds follows the selection; their order
		// in the path need not, so requests stay the same when ranking
		// weights change.
		slices.Sort(batch)
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
		if _, dup := out[rep]; dup || contains(batch, rep) {
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

// mappingInto reads the mappings of names into out. The answer is capped
// at Limits.MaxResponseBytes by the transport, and only the indices asked
// for are kept from it.
func (s *session) mappingInto(ctx context.Context, names []string, out map[string]indexMapping) error {
	yes := true
	lim := s.env.Limits
	var got map[string]indexMapping
	st, err := s.stream(ctx, "GET /<indices>/_mapping", esapi.IndicesGetMappingRequest{Index: names, IgnoreUnavailable: &yes},
		math.MaxInt64, func(r io.Reader) (err error) {
			got, err = readMappings(r, names, lim.MaxFields, lim.MaxDepth)
			return err
		})
	if err != nil {
		return err
	}
	if st.status != http.StatusOK {
		return fmt.Errorf("HTTP %d", st.status)
	}
	for k, v := range got {
		out[k] = v
	}
	return nil
}
