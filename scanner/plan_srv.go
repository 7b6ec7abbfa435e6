package scanner

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// resolveSRV plans the hosts that the SRV record of a mongodb+srv:// entry
// names, as the MongoDB drivers' specification reads it: each host must be
// in the domain of the entry's name (cluster0.example.net may name
// shard-00.example.net, not db.elsewhere.org), and each is then resolved
// and checked against the scope like a listed host. Without ResolveSRV the
// entry is refused with ErrSRVNotResolved.
func (p *Planner) resolveSRV(ctx context.Context, pe *pending) {
	e := pe.entry
	t := e.Target
	t.Host = e.SRV
	record := "_mongodb._tcp." + e.SRV
	if !p.ResolveSRV {
		pe.refuse(t, fmt.Errorf("%w: %s", ErrSRVNotResolved, record))
		return
	}
	sr, ok := p.Resolver.(SRVResolver)
	if !ok {
		pe.refuse(t, errors.New("cannot look up "+record+": the resolver has no SRV lookup"))
		return
	}
	_, srvs, err := sr.LookupSRV(ctx, "mongodb", "tcp", e.SRV)
	if err == nil && len(srvs) == 0 {
		err = errors.New("no records")
	}
	if err != nil {
		pe.refuse(t, fmt.Errorf("cannot look up %s: %w", record, err))
		return
	}
	parent := e.SRV
	if strings.Count(e.SRV, ".") >= 2 {
		parent = e.SRV[strings.IndexByte(e.SRV, '.')+1:]
	}
	for _, s := range srvs {
		tt := t
		tt.Host = strings.ToLower(strings.TrimSuffix(s.Target, "."))
		tt.Port = int(s.Port)
		tt.Origins = make([]Origin, len(t.Origins))
		for i, o := range t.Origins {
			o.Path = strings.TrimPrefix(o.Path+" "+record, " ")
			tt.Origins[i] = o
		}
		if tt.Host != parent && !strings.HasSuffix(tt.Host, "."+parent) {
			pe.refuse(tt, fmt.Errorf("%w: %s names %s, outside the domain %s", ErrOutOfScope, record, tt.Host, parent))
			continue
		}
		if tt.Port < 1 {
			pe.refuse(tt, fmt.Errorf("%s names %s with port 0; not probed", record, tt.Host))
			continue
		}
		p.resolveHost(ctx, pe, tt)
	}
}
