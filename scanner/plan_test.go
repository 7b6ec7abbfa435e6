package scanner

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

func planAll(t *testing.T, p *Planner, lines ...string) (keys []string, refused []string) {
	t.Helper()
	var mu sync.Mutex
	p.Refused = func(t Target, err error) {
		mu.Lock()
		refused = append(refused, err.Error())
		mu.Unlock()
	}
	in := make(chan Entry)
	out := make(chan Job, 16)
	go func() {
		defer close(in)
		for _, l := range lines {
			e, err := ParseEntry(l)
			if err != nil {
				t.Errorf("ParseEntry(%q): %v", l, err)
				continue
			}
			in <- e
		}
	}()
	go p.Plan(context.Background(), in, out)
	for j := range out {
		k := j.Target.Key()
		if j.Err != nil {
			k += " !" + j.Err.Error()
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	sort.Strings(refused)
	return keys, refused
}

func TestPlanExpandsPortsAndServices(t *testing.T) {
	p := &Planner{Registry: testRegistry(t), Resolver: staticResolver{}}
	keys, refused := planAll(t, p, "127.0.0.1", "127.0.0.2:6380", "127.0.0.3:8080", "redis://127.0.0.4", "https://127.0.0.5")
	// 127.0.0.3:8080, a port without a default service, is one job to
	// identify, not one per service.
	want := []string{
		"any://127.0.0.3:8080",
		"elasticsearch://127.0.0.1:9200", "elasticsearch://127.0.0.1:9243",
		"elasticsearch://127.0.0.5:443",
		"mongodb://127.0.0.1:27017", "mongodb://127.0.0.1:27018", "mongodb://127.0.0.1:27019",
		"redis://127.0.0.1:6379", "redis://127.0.0.1:6380", "redis://127.0.0.2:6380",
		"redis://127.0.0.4:6379", "redis://127.0.0.4:6380",
	}
	if !slices.Equal(keys, want) {
		t.Errorf("planned\n%s\nwant\n%s", strings.Join(keys, "\n"), strings.Join(want, "\n"))
	}
	if len(refused) != 0 {
		t.Errorf("refused %v", refused)
	}
}

func TestPlanRanges(t *testing.T) {
	p := &Planner{Registry: testRegistry(t), Services: []string{Redis}}
	keys, _ := planAll(t, p, "127.0.0.0/30")
	// 127.0.0.0/30 has 4 addresses, network and broadcast included (as
	// nmap and masscan count them).
	want := []string{"redis://127.0.0.0:6379", "redis://127.0.0.0:6380", "redis://127.0.0.1:6379", "redis://127.0.0.1:6380",
		"redis://127.0.0.2:6379", "redis://127.0.0.2:6380", "redis://127.0.0.3:6379", "redis://127.0.0.3:6380"}
	if !slices.Equal(keys, want) {
		t.Errorf("planned %v, want %v", keys, want)
	}
	keys, _ = planAll(t, p, "127.0.0.9/32", "127.0.0.10/31")
	if len(keys) != 6 {
		t.Errorf("/32 and /31 keep every address: got %v", keys)
	}
}

func TestPlanRefusesLargeRanges(t *testing.T) {
	p := &Planner{Registry: testRegistry(t), Services: []string{Redis}}
	keys, refused := planAll(t, p, "10.0.0.0/15", "2001:db8::/96")
	if len(keys) != 0 || len(refused) != 2 || !strings.Contains(refused[0], "--allow-large-ranges") {
		t.Fatalf("keys %v refused %v", keys, refused)
	}
	// A /16 is the largest allowed without the flag; count without listing.
	p.AllowLargeRanges = false
	n := 0
	in := make(chan Entry, 1)
	in <- Entry{Prefix: netip.MustParsePrefix("198.18.0.0/16")}
	close(in)
	out := make(chan Job, 1024)
	go p.Plan(context.Background(), in, out)
	for range out {
		n++
	}
	if n != 2*65536 {
		t.Errorf("a /16 planned %d targets, want %d", n, 2*65536)
	}
}

func TestPlanScope(t *testing.T) {
	scope, err := ParseScope("127.0.0.0/30,cache.internal", "::1")
	if err != nil {
		t.Fatal(err)
	}
	res := staticResolver{
		"cache.internal": {netip.MustParseAddr("127.0.5.5")},
		"db.internal":    {netip.MustParseAddr("127.0.0.2")},
		"split.internal": {netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("127.9.9.9")},
		"v6.internal":    {netip.MustParseAddr("::1"), netip.MustParseAddr("127.0.0.1")},
	}
	if err := scope.Resolve(context.Background(), res); err != nil {
		t.Fatal(err)
	}
	p := &Planner{Registry: testRegistry(t), Scope: scope, Resolver: res, Services: []string{Redis}}
	keys, refused := planAll(t, p, "127.0.0.1:6379", "127.0.0.9:6379", "cache.internal:6379", "db.internal:6379",
		"split.internal:6379", "v6.internal:6379", "nowhere.internal:6379", "127.0.0.0/29")
	// 127.0.0.1:6379 is listed, is v6.internal's IPv4 address and is in the
	// /29: one target. db.internal is 127.0.0.2, also in the /29.
	want := []string{
		"redis://127.0.0.0:6379", "redis://127.0.0.0:6380",
		"redis://127.0.0.1:6379", "redis://127.0.0.1:6380",
		"redis://127.0.0.2:6380",
		"redis://127.0.0.3:6379", "redis://127.0.0.3:6380",
		"redis://cache.internal:6379", "redis://db.internal:6379",
		"redis://nowhere.internal:6379 !cannot resolve nowhere.internal: lookup nowhere.internal: no such host",
	}
	if !slices.Equal(keys, want) {
		t.Errorf("planned\n%s\nwant\n%s", strings.Join(keys, "\n"), strings.Join(want, "\n"))
	}
	// 127.0.0.9, split.internal (one address outside), and 127.0.0.4..7 of
	// the /29 as one run.
	if len(refused) != 3 || !slices.Contains(refused, "address is outside the scan scope: 127.0.0.4-127.0.0.7 (4 addresses of 127.0.0.0/29)") {
		t.Errorf("refused %d: %v", len(refused), refused)
	}
	for _, r := range refused {
		if !strings.Contains(r, "outside the scan scope") {
			t.Errorf("refusal %q does not say why", r)
		}
	}
}

func TestShardsCoverEveryTargetOnce(t *testing.T) {
	const n = 5
	all, _ := planAll(t, &Planner{Registry: testRegistry(t)}, "127.0.0.0/26")
	seen := map[string]int{}
	for k := range n {
		keys, _ := planAll(t, &Planner{Registry: testRegistry(t), Shard: Shard{K: k, N: n}}, "127.0.0.0/26")
		if len(keys) == 0 || len(keys) == len(all) {
			t.Errorf("shard %d/%d has %d of %d targets", k, n, len(keys), len(all))
		}
		for _, key := range keys {
			seen[key]++
		}
	}
	if len(seen) != len(all) {
		t.Fatalf("shards cover %d targets, want %d", len(seen), len(all))
	}
	for key, c := range seen {
		if c != 1 {
			t.Errorf("%s planned by %d shards", key, c)
		}
	}
}

func TestParseShard(t *testing.T) {
	for _, s := range []string{"0/1", "3/4"} {
		if _, err := ParseShard(s); err != nil {
			t.Errorf("ParseShard(%q): %v", s, err)
		}
	}
	for _, s := range []string{"4/4", "-1/3", "1/0", "1", "a/b", "1/2/3", " 1/2"} {
		if _, err := ParseShard(s); err == nil {
			t.Errorf("ParseShard(%q) succeeded", s)
		}
	}
}

func TestPlanSkipsDone(t *testing.T) {
	p := &Planner{Registry: testRegistry(t), Services: []string{Redis},
		Skip: func(k string) bool { return k == "redis://127.0.0.1:6379" }}
	keys, _ := planAll(t, p, "127.0.0.1")
	if fmt.Sprint(keys) != "[redis://127.0.0.1:6380]" {
		t.Errorf("planned %v", keys)
	}
}

// TestPlanRefusesRangeRunsOnce: the addresses of a range outside the scope
// are refused a run at a time, each refusal counting its addresses.
func TestPlanRefusesRangeRunsOnce(t *testing.T) {
	scope, err := ParseScope("10.0.1.0/24")
	if err != nil {
		t.Fatal(err)
	}
	p := &Planner{Registry: testRegistry(t), Scope: scope}
	var runs []*RangeRefusal
	keys, refused := planAll(t, p, "10.0.0.0/22")
	p2 := &Planner{Registry: testRegistry(t), Scope: scope, Refused: func(_ Target, err error) {
		var rr *RangeRefusal
		if errors.As(err, &rr) && errors.Is(err, ErrOutOfScope) {
			runs = append(runs, rr)
		}
	}}
	in := make(chan Entry, 1)
	e, _ := ParseEntry("10.0.0.0/22")
	in <- e
	close(in)
	out := make(chan Job, 256*7) // every job fits: nobody reads out here
	p2.Plan(context.Background(), in, out)
	if len(keys) != 256*7 || len(refused) != 2 {
		t.Errorf("%d targets planned, want the 256 addresses in scope × 7 default ports; %d refusals: %q", len(keys), len(refused), refused)
	}
	if len(runs) != 2 || runs[0].Count != 256 || runs[1].Count != 512 ||
		runs[0].First.String() != "10.0.0.0" || runs[1].Last.String() != "10.0.3.255" {
		t.Errorf("refusals %+v, want 10.0.0.0-10.0.0.255 (256) and 10.0.2.0-10.0.3.255 (512)", runs)
	}
}
