package scanner

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
)

// entriesFrom parses lines as the list reader does, each with an origin
// (file, line) named "file:line" in the input: "a.txt:3 127.0.0.1:6379".
func entriesFrom(t *testing.T, lines ...string) []Entry {
	t.Helper()
	var out []Entry
	for _, l := range lines {
		place, text, _ := strings.Cut(l, " ")
		file, line, _ := strings.Cut(place, ":")
		n := 0
		fmt.Sscan(line, &n)
		es, err := ParseEntries(text)
		if err != nil {
			t.Fatalf("ParseEntries(%q): %v", text, err)
		}
		for _, e := range es {
			e.Target.Origins = []Origin{{File: file, Format: "list", Line: n}}
			out = append(out, e)
		}
	}
	return out
}

// planJobs plans entries and returns the jobs in the order sent, and the
// refusals ("host: reason"); the errors of the refusals go to lastErrs.
func planJobs(t *testing.T, p *Planner, entries []Entry) (jobs []Job, refused []string) {
	t.Helper()
	var mu sync.Mutex
	lastErrs = nil
	p.Refused = func(t Target, err error) {
		mu.Lock()
		refused = append(refused, t.Host+": "+err.Error())
		lastErrs = append(lastErrs, err)
		mu.Unlock()
	}
	in := make(chan Entry)
	out := make(chan Job)
	go func() {
		defer close(in)
		for _, e := range entries {
			in <- e
		}
	}()
	go p.Plan(context.Background(), in, out)
	for j := range out {
		jobs = append(jobs, j)
	}
	return jobs, refused
}

// jobLine is "key <- file:line, file:line".
func jobLine(j Job) string {
	var o []string
	for _, x := range j.Target.Origins {
		o = append(o, fmt.Sprintf("%s:%d", x.File, x.Line))
	}
	return j.Target.Key() + " <- " + strings.Join(o, ", ")
}

func TestPlanFoldsDuplicates(t *testing.T) {
	res := staticResolver{"db.test": {mustAddr("127.0.0.5")}}
	p := &Planner{Registry: testRegistry(t), Resolver: res, Services: []string{Redis}}
	jobs, refused := planJobs(t, p, entriesFrom(t,
		"a.txt:1 db.test:6379",            // the name of 127.0.0.5
		"a.txt:2 127.0.0.9",               // both Redis ports
		"a.txt:3 127.0.0.4/31",            // 127.0.0.4 and .5, both ports
		"b.txt:1 127.0.0.5:6379",          // the same as db.test:6379
		"b.txt:2 redis://127.0.0.9",       // the same as a.txt:2
		"b.txt:3 127.0.0.5/32",            // a range of one, again
		"b.txt:4 [::ffff:127.0.0.9]:6380", // the same address, mapped
		"b.txt:5 127.0.0.9:6379",          // and once more
	))
	want := []string{
		"redis://db.test:6379 <- a.txt:1, b.txt:1, a.txt:3, b.txt:3",
		"redis://127.0.0.9:6379 <- a.txt:2, b.txt:2, b.txt:5",
		"redis://127.0.0.9:6380 <- a.txt:2, b.txt:2, b.txt:4",
		"redis://127.0.0.4:6379 <- a.txt:3",
		"redis://127.0.0.4:6380 <- a.txt:3",
		"redis://127.0.0.5:6380 <- a.txt:3, b.txt:3",
	}
	got := make([]string, len(jobs))
	for i, j := range jobs {
		got[i] = jobLine(j)
	}
	if !slices.Equal(got, want) {
		t.Errorf("planned\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(refused) != 0 {
		t.Errorf("refused %v", refused)
	}
	// Listings beyond the first of each target: b.txt:1, b.txt:2 (twice),
	// b.txt:4, b.txt:5, and the ranges' listings of targets already there:
	// a.txt:3 of db.test, b.txt:3 of db.test and of 127.0.0.5:6380.
	if f := p.Folded(); f != 8 {
		t.Errorf("Folded() = %d, want 8", f)
	}
	if jobs[0].Target.IP != mustAddr("127.0.0.5") {
		t.Errorf("db.test kept IP %v", jobs[0].Target.IP)
	}
}

func TestPlanFoldsTLSAndKeepsOrder(t *testing.T) {
	p := &Planner{Registry: testRegistry(t), Services: []string{Redis}, Workers: 3}
	var lines []string
	for i := range 300 {
		lines = append(lines, fmt.Sprintf("a.txt:%d 127.1.%d.%d:6379", i+1, i/256, i%256))
	}
	lines = append(lines, "b.txt:1 rediss://127.1.0.7:6379")
	jobs, _ := planJobs(t, p, entriesFrom(t, lines...))
	if len(jobs) != 300 {
		t.Fatalf("%d jobs, want 300", len(jobs))
	}
	for i, j := range jobs {
		if want := fmt.Sprintf("127.1.%d.%d", i/256, i%256); j.Target.Host != want {
			t.Fatalf("job %d is %s, want %s (input order)", i, j.Target.Host, want)
		}
	}
	if !jobs[7].Target.TLS || len(jobs[7].Target.Origins) != 2 || jobs[6].Target.TLS {
		t.Errorf("merged target %+v", jobs[7].Target)
	}
}

func TestPlanUnresolvedNamesFold(t *testing.T) {
	p := &Planner{Registry: testRegistry(t), Resolver: staticResolver{}, Services: []string{Redis}}
	jobs, _ := planJobs(t, p, entriesFrom(t, "a.txt:1 gone.test:6379", "a.txt:2 gone.test:6379"))
	if len(jobs) != 1 || jobs[0].Err == nil || len(jobs[0].Target.Origins) != 2 {
		t.Fatalf("jobs %+v", jobs)
	}
}

func TestParseEntriesMongoHosts(t *testing.T) {
	es, err := ParseEntries("mongodb://app:s3cret@127.0.0.1:27017,[::1]:27018,db.example.com/orders?replicaSet=rs0&tls=true")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		got = append(got, fmt.Sprintf("%s %d %s %v", e.Target.Host, e.Target.Port, e.Target.Service, e.Target.TLS))
		if e.Warning == "" || strings.Contains(e.Warning, "s3cret") {
			t.Errorf("warning %q", e.Warning)
		}
	}
	want := []string{"127.0.0.1 27017 mongodb true", "::1 27018 mongodb true", "db.example.com 0 mongodb true"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	srv, err := ParseEntries("mongodb+srv://u:p@Cluster0.Example.NET/db?tls=false")
	if err != nil || len(srv) != 1 || srv[0].SRV != "cluster0.example.net" || srv[0].Target.TLS || srv[0].Target.Host != "" {
		t.Errorf("srv = %+v, %v", srv, err)
	}
}

func TestParseEntriesHostBits(t *testing.T) {
	tests := []struct{ in, prefix, warn string }{
		{"10.0.71.0/22", "10.0.68.0/22", "10.0.71.0/22 has host bits set; scanning 10.0.68.0/22 (10.0.68.0-10.0.71.255, 1,024 addresses)"},
		{"10.0.68.0/22", "10.0.68.0/22", ""},
		{"192.0.2.7/32", "192.0.2.7/32", ""},
		{"2001:db8::1/127", "2001:db8::/127", "2001:db8::1/127 has host bits set; scanning 2001:db8::/127 (2001:db8::-2001:db8::1, 2 addresses)"},
	}
	for _, tt := range tests {
		es, err := ParseEntries(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if es[0].Prefix.String() != tt.prefix || es[0].Warning != tt.warn {
			t.Errorf("%s: prefix %s, warning %q; want %s, %q", tt.in, es[0].Prefix, es[0].Warning, tt.prefix, tt.warn)
		}
	}
}

func TestPlanRangeSizes(t *testing.T) {
	for _, tt := range []struct {
		in string
		n  int
	}{{"127.0.0.0/30", 4}, {"127.0.0.0/31", 2}, {"127.0.0.0/32", 1}, {"::/127", 2}, {"127.0.0.255/24", 256}} {
		p := &Planner{Registry: testRegistry(t), Services: []string{Redis}}
		jobs, _ := planJobs(t, p, entriesFrom(t, "a:1 "+tt.in))
		if len(jobs) != 2*tt.n {
			t.Errorf("%s: %d jobs, want %d addresses x 2 ports", tt.in, len(jobs), tt.n)
		}
	}
}

// srvResolver answers SRV and address lookups from maps.
type srvResolver struct {
	staticResolver
	srv     map[string][]*net.SRV
	lookups int
}

func (r *srvResolver) LookupSRV(_ context.Context, service, proto, name string) (string, []*net.SRV, error) {
	r.lookups++
	if s, ok := r.srv["_"+service+"._"+proto+"."+name]; ok {
		return "", s, nil
	}
	return "", nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

func TestPlanSRV(t *testing.T) {
	res := &srvResolver{
		staticResolver: staticResolver{
			"shard-0.cluster0.example.net": {mustAddr("127.0.0.21")},
			"shard-1.cluster0.example.net": {mustAddr("127.0.0.22")},
			"shard-2.cluster0.example.net": {mustAddr("192.0.2.23")},
		},
		srv: map[string][]*net.SRV{"_mongodb._tcp.cluster0.example.net": {
			{Target: "shard-0.cluster0.example.net.", Port: 27017},
			{Target: "shard-1.cluster0.example.net.", Port: 27018},
			{Target: "shard-2.cluster0.example.net.", Port: 27017},
			{Target: "db.elsewhere.example.org.", Port: 27017},
		}},
	}
	scope, err := ParseScope("127.0.0.0/24")
	if err != nil {
		t.Fatal(err)
	}
	entries := entriesFrom(t, "a.txt:4 mongodb+srv://cluster0.example.net/app")

	p := &Planner{Registry: testRegistry(t), Resolver: res, Scope: scope}
	jobs, refused := planJobs(t, p, entries)
	if len(jobs) != 0 || len(refused) != 1 || !strings.Contains(refused[0], "_mongodb._tcp.cluster0.example.net") ||
		!errors.Is(lastErrs[0], ErrSRVNotResolved) || res.lookups != 0 {
		t.Fatalf("without ResolveSRV: jobs %v, refused %q, %d lookups", jobs, refused, res.lookups)
	}

	p = &Planner{Registry: testRegistry(t), Resolver: res, Scope: scope, ResolveSRV: true}
	jobs, refused = planJobs(t, p, entries)
	var got []string
	for _, j := range jobs {
		got = append(got, j.Target.Key()+" "+j.Target.IP.String()+fmt.Sprint(j.Target.TLS)+" "+j.Target.Origins[0].Path)
	}
	want := []string{
		"mongodb://shard-0.cluster0.example.net:27017 127.0.0.21true _mongodb._tcp.cluster0.example.net",
		"mongodb://shard-1.cluster0.example.net:27018 127.0.0.22true _mongodb._tcp.cluster0.example.net",
	}
	if !slices.Equal(got, want) {
		t.Errorf("planned %q, want %q", got, want)
	}
	if len(refused) != 2 || !strings.Contains(refused[0], "outside the scan scope") || !strings.Contains(refused[1], "outside the domain example.net") || !errors.Is(lastErrs[1], ErrOutOfScope) {
		t.Errorf("refused %q", refused)
	}
}

var lastErrs []error
